"""Step through the model's trace of a workload under a policy, the changed state highlighted."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from threadlore.kb.vm.trace import TraceStep
from threadlore.tui.messages import TraceStepShown
from threadlore.tui.widgets.common.vi_lists import ViOptionList
from threadlore.tui.widgets.replay.trace_steps import step_text, step_title

PLAY_INTERVAL = 0.6  # seconds per step while playing


class TraceScreen(Screen[None]):
    """The steps as a list beside the current step's changes; `space` plays them in turn."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "step(1)", "Next step"),
        Binding("N", "step(-1)", "Prev step"),
        Binding("space", "play", "Play/pause"),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    def __init__(self, title: str, steps: list[TraceStep]) -> None:
        super().__init__()
        self.trace_title = title
        self.steps = steps
        self.player: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="trace-panes"):
            yield ViOptionList(
                *(Option(step_title(i, s), id=str(i)) for i, s in enumerate(self.steps)),
                id="trace-steps",
            )
            with VerticalScroll(id="trace-detail"):
                yield Static(id="trace-step")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Trace"
        self.sub_title = self.trace_title
        steps = self.query_one("#trace-steps", ViOptionList)
        steps.highlighted = 0 if self.steps else None
        steps.focus()

    @property
    def current(self) -> int:
        """The index of the step shown."""
        return self.query_one("#trace-steps", ViOptionList).highlighted or 0

    @on(OptionList.OptionHighlighted, "#trace-steps")
    def show_step(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        self.query_one("#trace-step", Static).update(
            step_text(index, len(self.steps), self.steps[index])
        )
        self.post_message(TraceStepShown(index))

    def action_step(self, delta: int) -> None:
        """Move `delta` steps, staying within the trace."""
        self._go(self.current + delta)

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(len(self.steps) - 1)

    def action_play(self) -> None:
        """Start stepping on a timer from here (from the start when at the end), or pause."""
        if self.player is not None:
            self._stop()
            return
        if self.current >= len(self.steps) - 1:
            self._go(0)
        self.player = self.set_interval(PLAY_INTERVAL, self._advance)

    def _advance(self) -> None:
        if self.current >= len(self.steps) - 1:
            self._stop()
        else:
            self._go(self.current + 1)

    def _stop(self) -> None:
        if self.player is not None:
            self.player.stop()
            self.player = None

    def _go(self, index: int) -> None:
        if self.steps:
            steps = self.query_one("#trace-steps", ViOptionList)
            steps.highlighted = max(0, min(index, len(self.steps) - 1))
