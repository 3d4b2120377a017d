"""The decisions map: topics, questions with their outcome, proposals with a status badge,
arguments for and against — and the keys that build and curate it.

Opened from a thread it shows that thread's map (or says how to start one); from the section
key it shows every thread's. `s` decides the proposal under the cursor, `t` retitles an entry,
`d` removes one, `u` undoes the newest change, `x` opens the extracted candidates to curate,
`r` replays a proposal on the model, `enter` opens a quote's message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Static, Tree
from textual.widgets.tree import TreeNode

from threadlore.kb.discussion import Argument, DiscussionMap, Proposal, Question, Topic
from threadlore.tui.data_source import StoreReader
from threadlore.tui.decision_source import ChangeRefused, DecisionSource
from threadlore.tui.dialogs.ask_dialog import AskDialog
from threadlore.tui.dialogs.confirm_dialog import ConfirmDialog
from threadlore.tui.dialogs.status_dialog import StatusChoice, StatusDialog
from threadlore.tui.messages import (
    DecisionMapsFetched,
    MapChanged,
    ReplayRequested,
    ThreadChosen,
)
from threadlore.tui.screens.candidates_screen import CandidatesScreen
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.text import inert_plain, plural
from threadlore.tui.widgets.common.key_hints import KeyHints
from threadlore.tui.widgets.decisions.decision_tree import DecisionTree
from threadlore.tui.widgets.decisions.entry_detail import entry_text
from threadlore.tui.widgets.decisions.map_entries import MapEntry

NO_MAPS = (
    "No decision map in the store yet.\n\n"
    "• Open a thread (1), press `a` on a message to record a proposal in its words, then `4`.\n"
    "• Or, here, `x` on a thread extracts candidate proposals and objections to accept.\n"
    "• Or load a map file: threadlore map import FILE.yaml"
)


def no_map_for(thread_id: int) -> str:
    return (
        f"No decision map for thread {thread_id} yet.\n\n"
        "• `x` extracts candidate proposals, objections and decisions to accept.\n"
        "• `a` on a message of the thread (Thread screen) records its words as a proposal, an "
        "argument or a decision."
    )


class DecisionsScreen(StoreScreen):
    """The map as a tree beside the selected entry."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "replay_proposal", "Replay"),
        Binding("s", "decide", "Decide"),
        Binding("t", "retitle", "Retitle"),
        Binding("d", "remove", "Remove"),
        Binding("u", "undo", "Undo"),
        Binding("x", "candidates", "Extract"),
        Binding("space", "toggle_node", "Open/close", show=False),
    ]

    def __init__(
        self,
        store: StoreReader,
        decisions: DecisionSource | None = None,
        thread_id: int | None = None,
    ) -> None:
        super().__init__(store)
        self.decisions = decisions
        self.thread_id = thread_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="decision-panes"):
            yield DecisionTree(id="decision-tree")
            with VerticalScroll(id="decision-detail"):
                yield Static(id="decision-entry")
        yield KeyHints()

    def on_mount(self) -> None:
        self.title = (
            "Decisions" if self.thread_id is None else f"Decisions: thread {self.thread_id}"
        )

    def on_screen_resume(self) -> None:
        """Read the maps whenever the screen comes back: another screen may have changed them."""
        self.fetch_maps()

    @work(exclusive=True, group="decision-maps", exit_on_error=False)
    async def fetch_maps(self) -> None:
        """Load the stored maps off the event loop (reading never writes)."""
        maps = await asyncio.to_thread(self.store.decision_maps)
        if self.thread_id is not None:
            maps = [m for m in maps if m.thread_id == self.thread_id]
        self.post_message(DecisionMapsFetched(maps))

    def on_decision_maps_fetched(self, event: DecisionMapsFetched) -> None:
        tree = self.query_one(DecisionTree)
        tree.show_maps(event.maps)
        tree.display = bool(event.maps)  # no map: the pane that says how to start one, alone
        proposals = sum(1 for m in event.maps for _ in m.discussion.proposals())
        self.sub_title = (
            f"{plural(len(event.maps), 'map')}, {plural(proposals, 'proposal')}"
            if event.maps
            else ""
        )
        if not event.maps:
            empty = NO_MAPS if self.thread_id is None else no_map_for(self.thread_id)
            self.query_one("#decision-entry", Static).update(empty)
        tree.focus()

    def on_map_changed(self, _event: MapChanged) -> None:
        self.fetch_maps()

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

    def _nearest(self, *kinds: type) -> MapEntry | None:
        """The entry under the cursor, or the nearest one above it of these kinds."""
        node: TreeNode[MapEntry] | None = self.query_one(DecisionTree).cursor_node
        while node is not None and not (node.data and isinstance(node.data.item, kinds)):
            node = node.parent
        return node.data if node is not None else None

    def action_replay_proposal(self) -> None:
        """Replay the proposal under the cursor (or the one an argument or quote belongs to)."""
        entry = self._nearest(Proposal)
        if entry is None:
            self.notify("Move to a proposal to replay it.", severity="warning")
            return
        proposal = entry.item
        assert isinstance(proposal, Proposal)
        if proposal.policy is None:
            self.notify(f"{proposal.title} names no model policy.", severity="warning")
            return
        self.post_message(ReplayRequested(entry.discussion, proposal.id))

    def _writable(self) -> DecisionSource | None:
        if self.decisions is None:
            self.notify("This store is open read-only.", severity="warning")
        return self.decisions

    @work(exclusive=True, group="decision-change", exit_on_error=False)
    async def change(self, store_change: Callable[[], object], done: str) -> None:
        """Run one store change off the event loop; a refusal is a notice, not a crash.

        A change that describes itself (undo says what it took back) is told in its own words.
        """
        try:
            said = await asyncio.to_thread(store_change)
        except ChangeRefused as refused:
            self.notify(inert_plain(str(refused)), title="Not changed", severity="error")
            return
        self.notify(inert_plain(said if isinstance(said, str) else done))
        self.post_message(MapChanged(self.thread_id))

    def action_decide(self) -> None:
        decisions, entry = self._writable(), self._nearest(Proposal)
        if decisions is None:
            return
        if entry is None:
            self.notify("Move to a proposal to decide it.", severity="warning")
            return
        proposal = entry.item
        assert isinstance(proposal, Proposal)

        def decided(choice: StatusChoice | None) -> None:
            if choice is not None:
                self.change(
                    lambda: decisions.set_status(
                        entry.thread_id,
                        proposal.id,
                        choice.status,
                        summary=choice.summary,
                        evidence=choice.evidence,
                        superseded_by=choice.superseded_by,
                    ),
                    f"{proposal.title}: {choice.status.value}",
                )

        self.app.push_screen(StatusDialog(entry.discussion, proposal), decided)

    def action_retitle(self) -> None:
        decisions, entry = self._writable(), self._nearest(Topic, Question, Proposal)
        if decisions is None or entry is None:
            return
        item = entry.item
        assert isinstance(item, Topic | Question | Proposal)

        def retitled(title: str | None) -> None:
            if title is not None and title != item.title:
                self.change(
                    lambda: decisions.retitle(entry.thread_id, item.id, title), f"retitled {title}"
                )

        self.app.push_screen(AskDialog("A new title", item.title), retitled)

    def action_remove(self) -> None:
        decisions = self._writable()
        entry = self._nearest(Topic, Question, Proposal, Argument)
        if decisions is None or entry is None:
            return
        item = entry.item
        assert isinstance(item, Topic | Question | Proposal | Argument)
        name = item.title if not isinstance(item, Argument) else f"{item.by}'s argument"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.change(
                    lambda: decisions.remove(entry.thread_id, item.id),
                    f"removed {name} (u undoes it)",
                )

        self.app.push_screen(
            ConfirmDialog(f"Remove {name}, and what cannot stand without it?"), confirmed
        )

    def action_undo(self) -> None:
        decisions = self._writable()
        if decisions is not None:
            thread = self.thread_id
            self.change(lambda: f"undid: {decisions.undo(thread).describe()}", "undone")

    def action_candidates(self) -> None:
        decisions = self._writable()
        entry = self._nearest(DiscussionMap, Topic, Question, Proposal, Argument)
        thread = entry.thread_id if entry is not None else self.thread_id
        if decisions is None:
            return
        if thread is None:
            self.notify("Open a thread first (1), then `4` and `x`.", severity="warning")
            return
        self.app.push_screen(CandidatesScreen(decisions, thread))
