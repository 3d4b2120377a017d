"""Replay proposals on the model: outcome per workload, two side by side, what broke and why,
each broken cell's trace; and any scenario file, run and stepped through the same way."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from threadlore.kb.discussion import DiscussionMap, Proposal
from threadlore.kb.replay_summary import CONFIRMS, WorkloadReplay, replay_proposal
from threadlore.kb.vm.explorer import CheckResult, check
from threadlore.kb.vm.scenario import load_scenario
from threadlore.tui.dialogs.open_scenario import OpenScenario
from threadlore.tui.messages import DecisionMapsFetched, ProposalReplayed
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.screens.trace_screen import TraceScreen, shown_check, shown_outcome
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.common.key_hints import KeyHints
from threadlore.tui.widgets.common.vi_lists import ViOptionList
from threadlore.tui.widgets.decisions.map_entries import status_badge
from threadlore.tui.widgets.replay.outcome_table import OutcomeTable, costs_cell, invariant_name

if TYPE_CHECKING:
    from threadlore.kb.discussion import StoredMap

SLOTS = ("#replay-left", "#replay-right")


@dataclass
class ScenarioChecked(Message):
    """A scenario file was run (`result`, with the workload's title), or could not be (`error`,
    one line)."""

    path: Path
    result: CheckResult | None
    title: str
    error: str | None


def proposal_option(discussion: DiscussionMap, proposal: Proposal, key: str) -> Option:
    """A proposal in the picker, its policy before its title (so that a narrow list still shows
    it); one without a model policy is shown but cannot be picked."""
    label = status_badge(discussion, proposal)
    label.append(" ")
    label.append_text(inert_line(proposal.policy or "no policy", style="bold cyan"))
    label.append(" ")
    label.append_text(inert_line(proposal.title))
    return Option(label, id=key, disabled=proposal.policy is None)


def row_detail(row: WorkloadReplay) -> Text:
    """A workload in words: its title and what it does, the outcome, what broke in the model's
    words, its costs, and the thread's claims about it with the model's verdict (under the
    policy each claim is about)."""
    outcome = row.outcome
    text = Text(f"{outcome.workload} ", style="bold")
    text.append_text(inert_line(outcome.title, style="bold"))
    text.append(f" — under {outcome.policy}: ", style="dim")
    text.append(row.describe())
    for code in outcome.broken:
        text.append(f"\n✗ {code} {invariant_name(code)}: ", style="bold red")
        text.append_text(inert_line(outcome.findings[code].message))
    text.append("\ncosts: ", style="dim")
    text.append_text(costs_cell(outcome))
    if row.checks:
        text.append("\nthe thread says:", style="dim")
    for judged in row.checks:
        mark, style = (
            ("✓ confirms", "green") if judged.verdict == CONFIRMS else ("✗ refutes", "red")
        )
        text.append(f"\n{mark} ", style=style)
        text.append_text(inert_line(f"{judged.argument.by}: “{judged.argument.quote.text}”"))
        text.append_text(
            inert_line(
                f" — claims {judged.claim.describe()}; under {judged.policy} the model gives "
                f"{judged.observed}",
                style="dim",
            )
        )
    if outcome.broken:
        text.append("\nenter or t: step through the trace", style="dim italic")
    return text


class ReplayScreen(StoreScreen):
    """Pick a proposal (`enter`) and another to compare (`c`); `enter` on a row steps its
    trace; `o` runs a scenario file."""

    # Screen declares it without ClassVar, so mypy refuses the annotation ruff asks for.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "compare", "Compare"),
        Binding("t", "show_trace", "Trace"),
        Binding("o", "open_scenario", "Open scenario"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Container(id="replay-body"):
            yield ViOptionList(id="replay-picker")
            with Vertical(id="replay-main"):
                with Horizontal(id="replay-compare"):
                    yield OutcomeTable(id="replay-left")
                    yield OutcomeTable(id="replay-right")
                with VerticalScroll(id="replay-about"):
                    yield Static(id="replay-text")
        yield KeyHints()

    def on_mount(self) -> None:
        self.title = "Replay"
        self.proposals: dict[str, tuple[DiscussionMap, Proposal]] = {}
        self.fetch_proposals()

    @work(exclusive=True, group="replay-maps", exit_on_error=False)
    async def fetch_proposals(self) -> None:
        """Load the maps whose proposals can be replayed."""
        maps = await asyncio.to_thread(self.store.decision_maps)
        self.post_message(DecisionMapsFetched(maps))

    def on_decision_maps_fetched(self, event: DecisionMapsFetched) -> None:
        self.show_proposals(event.maps)

    def show_proposals(self, maps: list[StoredMap]) -> None:
        """Fill the picker with every map's proposals."""
        picker = self.query_one("#replay-picker", ViOptionList)
        options = []
        for stored in maps:
            for proposal in stored.discussion.proposals():
                key = f"{stored.thread_id}:{proposal.id}"
                self.proposals[key] = (stored.discussion, proposal)
                options.append(proposal_option(stored.discussion, proposal, key))
        picker.set_options(options)
        picker.action_first()
        if not options:
            self.query_one("#replay-text", Static).update("No decision map with proposals yet.")
        if not isinstance(self.focused, OutcomeTable):  # a replay asked for on arrival keeps focus
            picker.focus()

    def replay(self, discussion: DiscussionMap, proposal_id: str, slot: int = 0) -> None:
        """Replay a proposal into the left (0) or right (1) table."""
        self.sub_title = f"replaying {proposal_id}…"
        self.run_replay(discussion, proposal_id, slot)

    @work(group="replay", exit_on_error=False)
    async def run_replay(self, discussion: DiscussionMap, proposal_id: str, slot: int) -> None:
        """Run the model in a thread: every workload, races explored exhaustively."""
        result = await asyncio.to_thread(replay_proposal, discussion, proposal_id)
        self.post_message(ProposalReplayed(slot, result))

    def on_proposal_replayed(self, event: ProposalReplayed) -> None:
        table = self.query_one(SLOTS[event.slot], OutcomeTable)
        table.show_replay(event.replay)
        table.add_class("-shown")
        table.focus()
        shown = [self.query_one(s, OutcomeTable).replay for s in SLOTS]
        self.sub_title = " vs ".join(r.proposal.id for r in shown if r is not None)

    @on(OptionList.OptionSelected, "#replay-picker")
    def replay_picked_proposal(self, event: OptionList.OptionSelected) -> None:
        self._replay_option(event.option.id, slot=0)

    def action_compare(self) -> None:
        """Replay the proposal under the picker's cursor into the right-hand table."""
        picker = self.query_one("#replay-picker", ViOptionList)
        option = picker.highlighted_option
        if option is not None:
            self._replay_option(option.id, slot=1)

    def _replay_option(self, key: str | None, slot: int) -> None:
        if key is None or key not in self.proposals:
            return
        discussion, proposal = self.proposals[key]
        self.replay(discussion, proposal.id, slot)

    @on(DataTable.RowHighlighted, "#replay-left, #replay-right")
    def describe_workload(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        assert isinstance(table, OutcomeTable)
        row = table.current_row()
        if row is not None:
            self.query_one("#replay-text", Static).update(row_detail(row))

    @on(DataTable.RowSelected, "#replay-left, #replay-right")
    def trace_selected_workload(self) -> None:
        self.action_show_trace()

    def action_show_trace(self) -> None:
        """Open the trace of the first broken invariant of the workload under the cursor."""
        table = self.focused
        if not isinstance(table, OutcomeTable) or table.replay is None:
            self.notify("Move to a workload in a replay table first.", severity="warning")
            return
        row = table.current_row()
        if row is None:
            return
        outcome = row.outcome
        if not outcome.broken or not outcome.trace:
            self.notify(f"{outcome.workload}: every invariant held; no trace to show.")
            return
        self.app.push_screen(TraceScreen(shown_outcome(outcome, outcome.broken[0])))

    def action_open_scenario(self) -> None:
        """Ask for a scenario file, run it, and step through its trace if something broke."""
        self.app.push_screen(OpenScenario(), self._scenario_chosen)

    def _scenario_chosen(self, path: Path | None) -> None:
        if path is not None:
            self.sub_title = f"running {path.name}…"
            self.run_scenario(path)

    @work(group="scenario", exit_on_error=False)
    async def run_scenario(self, path: Path) -> None:
        """Load and explore the file in a thread; a mistake in it comes back as one line."""

        def run() -> ScenarioChecked:
            try:
                workload = load_scenario(path)[0]
                return ScenarioChecked(path, check(workload), workload.title, None)
            except (OSError, ValueError, KeyError) as exc:
                message = str(exc.args[0]) if isinstance(exc, KeyError) else str(exc)
                return ScenarioChecked(path, None, "", message.splitlines()[0])

        self.post_message(await asyncio.to_thread(run))

    def on_scenario_checked(self, event: ScenarioChecked) -> None:
        self.sub_title = event.path.name
        if event.result is None:
            self.notify(event.error or "cannot run the scenario", severity="error")
            return
        result = event.result
        if result.verdict != "violated":
            self.notify(f"{event.path.name}: {result.verdict} — {result.message}")
            return
        self.app.push_screen(TraceScreen(shown_check(result, event.title)))
