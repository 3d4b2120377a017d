"""One thread: its reply tree beside the selected message, mutt-style."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList

from threadlore.db.views import MessageView
from threadlore.tui.data_source import StoreReader
from threadlore.tui.decision_source import DecisionSource
from threadlore.tui.dialogs.correct_dialog import CorrectDialog
from threadlore.tui.dialogs.record_dialog import RecordDialog
from threadlore.tui.messages import (
    DecisionMapsFetched,
    MapChanged,
    MessageFetched,
    MessageHighlighted,
    ThreadTreeFetched,
)
from threadlore.tui.screens.decisions_screen import DecisionsScreen
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.text import inert_plain
from threadlore.tui.widgets.decisions.anchors import Anchor, anchored_text, index_anchors
from threadlore.tui.widgets.message.message_pane import MessagePane
from threadlore.tui.widgets.thread.reply_tree import ReplyTree


class ThreadScreen(StoreScreen):
    """A thread's tree (built once from `thread_tree`) and the message under the cursor.

    The message is fetched when the cursor settles on it, in a worker, so holding `j` through a
    1,000-message thread never waits on the store.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "previous_message", "Prev"),
        Binding("right_square_bracket", "next_message", "Next"),
        Binding("p", "parent_message", "Parent"),
        Binding("z", "zoom", "Zoom pane"),
        Binding("a", "record", "Add to map"),
        Binding("c", "correct", "Correct"),
        Binding("m", "thread_map", "Thread's map"),
    ]

    def __init__(
        self,
        store: StoreReader,
        thread_id: int,
        message_id: str | None = None,
        decisions: DecisionSource | None = None,
    ) -> None:
        super().__init__(store)
        self.thread_id = thread_id
        self.start_message_id = message_id
        self.decisions = decisions
        self.shown_message_id: str | None = None
        self.shown_message: MessageView | None = None
        self.anchors: dict[str, list[Anchor]] | None = None  # fetched after the first message

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="thread-panes"):
            yield ReplyTree(id="reply-tree")
            yield MessagePane(id="message-pane")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"thread {self.thread_id}"
        self.fetch_tree()

    @work(exclusive=True, group="thread-tree", exit_on_error=False)
    async def fetch_tree(self) -> None:
        """Load the whole tree in one query, off the event loop."""
        rows = await asyncio.to_thread(self.store.thread_tree, self.thread_id)
        self.post_message(ThreadTreeFetched(self.thread_id, rows))

    def on_thread_tree_fetched(self, event: ThreadTreeFetched) -> None:
        tree = self.query_one(ReplyTree)
        tree.show_rows(event.rows)
        if event.rows:
            root = event.rows[0].message
            self.sub_title = f"{inert_plain(root.subject)} ({len(event.rows)} messages)"
        if self.start_message_id is not None:
            tree.move_to(self.start_message_id)
        tree.focus()

    @on(OptionList.OptionHighlighted, "#reply-tree")
    def show_highlighted_message(self, event: OptionList.OptionHighlighted) -> None:
        message_id = event.option.id
        if message_id is None:
            return
        self.post_message(MessageHighlighted(message_id))
        self.fetch_message(message_id)

    @on(OptionList.OptionSelected, "#reply-tree")
    def read_selected_message(self) -> None:
        self.query_one(MessagePane).focus()

    @work(exclusive=True, group="thread-anchors", exit_on_error=False)
    async def fetch_anchors(self) -> None:
        """Load the decisions maps once, after the first message is shown, so it never waits."""
        maps = await asyncio.to_thread(self.store.decision_maps)
        self.post_message(DecisionMapsFetched(maps))

    def on_decision_maps_fetched(self, event: DecisionMapsFetched) -> None:
        self.anchors = index_anchors(event.maps)
        if self.shown_message_id is not None:
            self._show_anchors(self.shown_message_id)

    def _show_anchors(self, message_id: str) -> None:
        anchored = (self.anchors or {}).get(message_id)
        if anchored:
            self.query_one(MessagePane).show_anchored(anchored_text(anchored))

    @work(exclusive=True, group="thread-message", exit_on_error=False)
    async def fetch_message(self, message_id: str) -> None:
        """Load one message; a newer cursor move cancels this one."""
        message = await asyncio.to_thread(self.store.get_message, message_id)
        self.post_message(MessageFetched(message))

    def on_message_fetched(self, event: MessageFetched) -> None:
        self.shown_message_id = event.message.summary.id
        self.shown_message = event.message
        self.query_one(MessagePane).show_message(event.message)
        if self.anchors is None:
            self.anchors = {}
            self.fetch_anchors()
        else:
            self._show_anchors(self.shown_message_id)

    def action_previous_message(self) -> None:
        self.query_one(ReplyTree).action_cursor_up()

    def action_next_message(self) -> None:
        self.query_one(ReplyTree).action_cursor_down()

    def action_parent_message(self) -> None:
        if not self.query_one(ReplyTree).move_to_parent():
            self.notify("This message has no parent in the archive.", severity="warning")

    def action_zoom(self) -> None:
        """Give the focused pane the whole screen, or give the other one back."""
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused)

    def _recordable(self) -> tuple[DecisionSource, MessageView] | None:
        if self.decisions is None:
            self.notify("This store is open read-only.", severity="warning")
            return None
        if self.shown_message is None:
            self.notify("Move to a message first.", severity="warning")
            return None
        return self.decisions, self.shown_message

    def action_record(self) -> None:
        """Record words of the message shown on the thread's map."""
        found = self._recordable()
        if found is None:
            return

        def recorded(entry: str | None) -> None:
            if entry is not None:
                self.notify(inert_plain(f"On the map: {entry} (m shows the map)"))
                self.post_message(MapChanged(self.thread_id))

        self.app.push_screen(RecordDialog(*found), recorded)

    def action_correct(self) -> None:
        """Correct the shown message's author, parent or date."""
        found = self._recordable()
        if found is None:
            return

        def corrected(said: list[str] | None) -> None:
            if said:
                self.notify(inert_plain("\n".join(said)), title="Corrected")
                self.fetch_tree()  # a new parent moves the message; a new author relabels it

        self.app.push_screen(CorrectDialog(*found), corrected)

    def action_thread_map(self) -> None:
        """This thread's decisions map (or how to start one)."""
        self.app.push_screen(DecisionsScreen(self.store, self.decisions, self.thread_id))

    def on_map_changed(self, _event: MapChanged) -> None:
        self.anchors = {}
        self.fetch_anchors()
