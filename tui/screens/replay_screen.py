"""Replay proposals on the model: outcome per workload, two side by side, and each cell's trace."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from threadlore.kb.discussion import DiscussionMap, Proposal
from threadlore.kb.replay_summary import CONFIRMS, WorkloadReplay, replay_proposal
from threadlore.tui.messages import DecisionMapsFetched, ProposalReplayed
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.screens.trace_screen import TraceScreen
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.common.vi_lists import ViOptionList
from threadlore.tui.widgets.decisions.map_entries import status_badge
from threadlore.tui.widgets.replay.outcome_table import OutcomeTable, costs_cell

if TYPE_CHECKING:
    from threadlore.kb.discussion import StoredMap

SLOTS = ("#replay-left", "#replay-right")


def proposal_option(discussion: DiscussionMap, proposal: Proposal, key: str) -> Option:
    """A proposal in the picker; one without a model policy is shown but cannot be picked."""
    label = status_badge(discussion, proposal)
    label.append(" ")
    label.append_text(inert_line(proposal.title))
    label.append_text(inert_line(f"  {proposal.policy or 'no model policy'}", style="dim"))
    return Option(label, id=key, disabled=proposal.policy is None)


def row_detail(row: WorkloadReplay) -> Text:
    """A workload's outcome in words, and the thread's claims about it with the model's verdict."""
    text = Text(f"{row.outcome.workload}: ", style="bold")
    text.append(row.describe())
    text.append("\ncosts: ", style="dim")
    text.append_text(costs_cell(row.outcome))
    for check in row.checks:
        mark, style = ("✓ confirms", "green") if check.verdict == CONFIRMS else ("✗ refutes", "red")
        text.append(f"\n{mark} ", style=style)
        text.append_text(inert_line(f"{check.argument.by}: “{check.argument.quote.text}”"))
        text.append_text(
            inert_line(f" — claims {check.claim.describe()}, model: {check.observed}", style="dim")
        )
    return text


class ReplayScreen(StoreScreen):
    """Pick a proposal (`enter`) and another to compare (`c`); `enter` on a row steps its trace."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "compare", "Compare"),
        Binding("t", "show_trace", "Trace"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="replay-panes"):
            yield ViOptionList(id="replay-proposals")
            with Vertical(id="replay-results"):
                with Horizontal(id="replay-tables"):
                    yield OutcomeTable(id="replay-left")
                    yield OutcomeTable(id="replay-right")
                yield Static(id="replay-detail")
        yield Footer()

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
        picker = self.query_one("#replay-proposals", ViOptionList)
        options = []
        for stored in maps:
            for proposal in stored.discussion.proposals():
                key = f"{stored.thread_id}:{proposal.id}"
                self.proposals[key] = (stored.discussion, proposal)
                options.append(proposal_option(stored.discussion, proposal, key))
        picker.set_options(options)
        picker.action_first()
        if not options:
            self.query_one("#replay-detail", Static).update("No decision map with proposals yet.")
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

    @on(OptionList.OptionSelected, "#replay-proposals")
    def replay_picked_proposal(self, event: OptionList.OptionSelected) -> None:
        self._replay_option(event.option.id, slot=0)

    def action_compare(self) -> None:
        """Replay the proposal under the picker's cursor into the right-hand table."""
        picker = self.query_one("#replay-proposals", ViOptionList)
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
            self.query_one("#replay-detail", Static).update(row_detail(row))

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
        broken = [name for name, held in outcome.invariants.items() if not held]
        if not broken or not outcome.trace:
            self.notify(f"{outcome.workload}: every invariant held; no trace to show.")
            return
        title = f"{outcome.workload} under {outcome.policy}: {broken[0]} broken"
        self.app.push_screen(TraceScreen(title, outcome.trace))
