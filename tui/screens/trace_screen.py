"""Step through the model's trace of a workload under a policy: what broke, each step with its
kernel function, repeated steps collapsed, and a picture of the state after each step with what
the step changed highlighted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from threadlore.kb.vm.explorer import CheckResult, mmap_sem_contended
from threadlore.kb.vm.invariants import INVARIANTS
from threadlore.kb.vm.policies import Semantics, policy_parameters, resolve
from threadlore.kb.vm.replay import Outcome
from threadlore.kb.vm.trace import StepRun, TraceStep, collapse
from threadlore.tui.messages import TraceStepShown
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.common.key_hints import KeyHints
from threadlore.tui.widgets.common.vi_lists import ViOptionList
from threadlore.tui.widgets.replay.outcome_table import invariant_name
from threadlore.tui.widgets.replay.state_picture import StatePicture
from threadlore.tui.widgets.replay.trace_steps import (
    run_title,
    step_changes,
    step_heading,
    trace_legend,
)

PLAY_INTERVAL = 0.6  # seconds per step while playing


@dataclass(frozen=True)
class ShownTrace:
    """A trace to step through, and what it is the trace of."""

    workload: str
    title: str  # the workload's
    policy: str
    invariant: str
    message: str
    steps: list[TraceStep]
    semantics: Semantics

    @property
    def heading(self) -> str:
        return f"{self.workload} under {self.policy}: {self.invariant} broken"

    @property
    def mmap_sem(self) -> frozenset[str]:
        first = self.steps[0].before if self.steps else None
        return mmap_sem_contended(first[1]) if first is not None else frozenset()


def shown_outcome(outcome: Outcome, invariant: str) -> ShownTrace:
    """The trace of one broken invariant of a replayed workload."""
    finding = outcome.findings[invariant]
    return ShownTrace(
        outcome.workload,
        outcome.title,
        outcome.policy,
        invariant,
        finding.message,
        finding.trace,
        resolve(outcome.policy),
    )


def shown_check(result: CheckResult, title: str) -> ShownTrace:
    """The trace of a check that found a violation (a workload or a scenario file)."""
    assert result.invariant is not None
    of_policy = policy_parameters(result.policy)
    params = {k: v for k, v in result.params.items() if k in of_policy}
    return ShownTrace(
        result.workload,
        title,
        result.policy,
        result.invariant,
        result.message,
        result.trace,
        resolve(result.policy, **params),
    )


def broken_line(shown: ShownTrace) -> Text:
    """What broke, in the model's words: `INV1 orphan — vma 0 slot 0 maps page 0 …`."""
    text = Text("✗ ", style="bold red")
    text.append(f"{shown.invariant} {invariant_name(shown.invariant)}", style="bold red")
    text.append_text(inert_line(f" — {shown.message}"))
    return text


class TraceScreen(Screen[None]):
    """The steps as a list beside a picture of the state after the one highlighted; `space`
    plays them in turn, `l` shows or hides the legend, `x` expands repeated steps."""

    # Screen declares it without ClassVar, so mypy refuses the annotation ruff asks for.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "step(1)", "Next step"),
        Binding("N", "step(-1)", "Prev step"),
        Binding("space", "play", "Play/pause"),
        Binding("l", "legend", "Legend"),
        Binding("x", "expand", "Expand repeats"),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    def __init__(self, shown: ShownTrace) -> None:
        super().__init__(classes="-legend")
        self.shown = shown
        self.steps = shown.steps
        self.runs: list[StepRun] = collapse(self.steps)
        self.player: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(broken_line(self.shown), id="trace-broken")
        yield Static(f"  {INVARIANTS[self.shown.invariant]}", id="trace-invariant")
        with Container(id="trace-body"):
            yield ViOptionList(*self._options(), id="trace-list")
            with VerticalScroll(id="trace-view"):
                yield Static(id="trace-step")
                yield Static(id="trace-changes")
                yield StatePicture(id="trace-picture")
                yield Static(trace_legend(self.steps), id="trace-legend")
        yield KeyHints()

    def _options(self) -> list[Option]:
        return [Option(run_title(run), id=str(i)) for i, run in enumerate(self.runs)]

    def on_mount(self) -> None:
        self.title = "Trace"
        self.sub_title = f"{self.shown.heading} · {self.shown.title}"
        steps = self.query_one("#trace-list", ViOptionList)
        steps.highlighted = 0 if self.runs else None
        steps.focus()

    @property
    def current(self) -> int:
        """The index of the row shown."""
        return self.query_one("#trace-list", ViOptionList).highlighted or 0

    @on(OptionList.OptionHighlighted, "#trace-list")
    def show_step(self, event: OptionList.OptionHighlighted) -> None:
        run = self.runs[event.option_index]
        step = run.step
        self.query_one("#trace-step", Static).update(
            step_heading(run.last, len(self.steps), step, len(run.steps))
        )
        self.query_one("#trace-changes", Static).update(step_changes(step))
        if step.after is not None:
            vm, threads = step.after
            self.query_one("#trace-picture", StatePicture).show(
                vm, threads, self.shown.semantics, self.shown.mmap_sem, step
            )
        self.post_message(TraceStepShown(run.last))

    def action_step(self, delta: int) -> None:
        """Move `delta` rows, staying within the trace."""
        self._go(self.current + delta)

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(len(self.runs) - 1)

    def action_legend(self) -> None:
        self.toggle_class("-legend")

    def action_expand(self) -> None:
        """Show every step on its own row, or collapse the repeats again."""
        step_index = self.runs[self.current].last if self.runs else 0
        expanded = len(self.runs) != len(self.steps)
        self.runs = (
            [StepRun(i, (s,)) for i, s in enumerate(self.steps)]
            if expanded
            else collapse(self.steps)
        )
        steps = self.query_one("#trace-list", ViOptionList)
        steps.set_options(self._options())
        row = next(i for i, run in enumerate(self.runs) if run.first <= step_index <= run.last)
        steps.highlighted = row

    def action_play(self) -> None:
        """Start stepping on a timer from here (from the start when at the end), or pause."""
        if self.player is not None:
            self._stop()
            return
        if self.current >= len(self.runs) - 1:
            self._go(0)
        self.player = self.set_interval(PLAY_INTERVAL, self._advance)

    def _advance(self) -> None:
        if self.current >= len(self.runs) - 1:
            self._stop()
        else:
            self._go(self.current + 1)

    def _stop(self) -> None:
        if self.player is not None:
            self.player.stop()
            self.player = None

    def _go(self, index: int) -> None:
        if self.runs:
            steps = self.query_one("#trace-list", ViOptionList)
            steps.highlighted = max(0, min(index, len(self.runs) - 1))
