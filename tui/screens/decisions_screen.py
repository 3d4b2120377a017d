"""The decisions map: topics, questions, proposals with a status badge, arguments for, against."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static, Tree

from threadlore.kb.discussion import Proposal
from threadlore.tui.messages import DecisionMapsFetched, ReplayRequested, ThreadChosen
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.widgets.decisions.decision_tree import DecisionTree
from threadlore.tui.widgets.decisions.entry_detail import entry_text
from threadlore.tui.widgets.decisions.map_entries import MapEntry

NO_MAPS = (
    "No decision map in the store yet. Import a thread that has one "
    "(threadlore import samples/lkml-2007-fault-vs-truncate.txt)."
)


class DecisionsScreen(StoreScreen):
    """The map as a tree beside the selected entry; `enter` on a quote opens its message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "replay_proposal", "Replay"),
        Binding("space", "toggle_node", "Open/close", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="decision-panes"):
            yield DecisionTree(id="decision-tree")
            with VerticalScroll(id="decision-detail"):
                yield Static(id="decision-entry")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Decisions"
        self.fetch_maps()

    @work(exclusive=True, group="decision-maps", exit_on_error=False)
    async def fetch_maps(self) -> None:
        """Bring the stored maps up to date and load them, off the event loop."""
        maps = await asyncio.to_thread(self.store.decision_maps)
        self.post_message(DecisionMapsFetched(maps))

    def on_decision_maps_fetched(self, event: DecisionMapsFetched) -> None:
        tree = self.query_one(DecisionTree)
        tree.show_maps(event.maps)
        proposals = sum(1 for m in event.maps for _ in m.discussion.proposals())
        self.sub_title = f"{len(event.maps)} maps, {proposals} proposals" if event.maps else ""
        if not event.maps:
            self.query_one("#decision-entry", Static).update(NO_MAPS)
        tree.focus()

    @on(Tree.NodeHighlighted, "#decision-tree")
    def show_highlighted_entry(self, event: Tree.NodeHighlighted[MapEntry]) -> None:
        if event.node.data is not None:
            self.query_one("#decision-entry", Static).update(entry_text(event.node.data))

    @on(Tree.NodeSelected, "#decision-tree")
    def open_quote_or_toggle(self, event: Tree.NodeSelected[MapEntry]) -> None:
        entry = event.node.data
        quote = entry.quote if entry is not None else None
        if entry is not None and quote is not None:
            if quote.message_id is None:
                self.notify("This quote was not found in a stored message.", severity="warning")
            else:
                self.post_message(ThreadChosen(entry.thread_id, quote.message_id))
        else:
            event.node.toggle()

    def action_toggle_node(self) -> None:
        node = self.query_one(DecisionTree).cursor_node
        if node is not None:
            node.toggle()

    def action_replay_proposal(self) -> None:
        """Replay the proposal under the cursor (or the one an argument or quote belongs to)."""
        node = self.query_one(DecisionTree).cursor_node
        while node is not None and not (node.data and isinstance(node.data.item, Proposal)):
            node = node.parent
        if node is None or node.data is None:
            self.notify("Move to a proposal to replay it.", severity="warning")
            return
        proposal = node.data.item
        assert isinstance(proposal, Proposal)
        if proposal.policy is None:
            self.notify(f"{proposal.id} names no model policy.", severity="warning")
            return
        self.post_message(ReplayRequested(node.data.discussion, proposal.id))
