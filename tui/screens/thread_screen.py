"""One thread, mutt-style: its index beside (wide) or above (narrow) the message as a pager."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.widgets import Header, OptionList

from threadlore.db.views import Matches, MessageView
from threadlore.kb.am import prepare_am, save_series, summary_lines
from threadlore.kb.interdiff import interdiff
from threadlore.tui.data_source import StoreReader
from threadlore.tui.decision_source import DecisionSource
from threadlore.tui.dialogs.correct_dialog import CorrectDialog
from threadlore.tui.dialogs.record_dialog import RecordDialog
from threadlore.tui.messages import (
    DecisionMapsFetched,
    FirstLinesFetched,
    MapChanged,
    MessageFetched,
    MessageHighlighted,
    ThreadMatchesFetched,
    ThreadTreeFetched,
)
from threadlore.tui.screens.decisions_screen import DecisionsScreen
from threadlore.tui.screens.interdiff_screen import InterdiffScreen
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.text import inert_plain
from threadlore.tui.widgets.common.key_hints import KeyHints
from threadlore.tui.widgets.decisions.anchors import Anchor, anchored_text, index_anchors
from threadlore.tui.widgets.message.message_pane import MessagePane
from threadlore.tui.widgets.thread.reply_tree import ReplyTree

READING_HELP = (
    "j/k move in the thread, enter reads the message here (j/k, space/- then scroll it), "
    "space pages through it from the index, q goes back."
)


class ThreadScreen(StoreScreen):
    """A thread's index (built once from `thread_tree`) and the message under the cursor.

    The message is fetched when the cursor settles on it, in a worker, so holding `j` through a
    1,000-message thread never waits on the store. Opened from a search, `n`/`N` move between
    the messages it matches and the pager marks its words.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # before the index's own `enter`, so that keys typed right after it reach the pager
        Binding("enter", "read", "Read", show=False, priority=True),
        Binding("left_square_bracket", "previous_message", "Prev"),
        Binding("right_square_bracket", "next_message", "Next"),
        Binding("p", "parent_message", "Parent"),
        Binding("n", "next_hit", "Next hit", show=False),
        Binding("N", "previous_hit", "Prev hit", show=False),
        Binding("space", "page(1)", "Page", show=False),
        Binding("minus", "page(-1)", "Page up", show=False),
        Binding("e", "toggle_evidence", "Why", show=False),
        Binding("h", "toggle_headers", "Headers", show=False),
        Binding("z", "zoom", "Zoom"),
        Binding("a", "record", "Add to map"),
        Binding("c", "correct", "Correct"),
        Binding("m", "thread_map", "Thread's map"),
        Binding("A", "save_series", "Series for git am"),
        Binding("D", "interdiff", "Interdiff"),
        Binding("q", "leave", "Back"),
        Binding("escape", "leave", "Back", show=False),
    ]

    def __init__(
        self,
        store: StoreReader,
        thread_id: int,
        message_id: str | None = None,
        decisions: DecisionSource | None = None,
        *,
        query: str | None = None,
    ) -> None:
        super().__init__(store)
        self.thread_id = thread_id
        self.start_message_id = message_id
        self.decisions = decisions  # None: the maps can be read, not changed
        self.query_text = query
        self.shown_message_id: str | None = None
        self.shown_message: MessageView | None = None
        self.matches: dict[str, Matches] = {}
        self.anchors: dict[str, list[Anchor]] | None = None  # fetched after the first message

    def compose(self) -> ComposeResult:
        yield Header()
        with Container(id="thread-panes"):
            yield ReplyTree(id="reply-tree")
            yield MessagePane(id="message-pane")
        yield KeyHints()

    def on_mount(self) -> None:
        self.title = "Thread"
        self.sub_title = f"thread {self.thread_id}"
        self.query_one(MessagePane).show_notice(READING_HELP)
        self.fetch_tree()

    @work(exclusive=True, group="thread-tree", exit_on_error=False)
    async def fetch_tree(self) -> None:
        """Load the whole tree in one query, off the event loop; then the replies' first lines
        and the search's matches, which the index shows when they come."""
        rows = await asyncio.to_thread(self.store.thread_tree, self.thread_id)
        self.post_message(ThreadTreeFetched(self.thread_id, rows))
        if self.query_text:
            matches = await asyncio.to_thread(
                self.store.thread_matches, self.query_text, self.thread_id
            )
            self.post_message(ThreadMatchesFetched(self.query_text, matches))
        openings = await asyncio.to_thread(self.store.first_own_lines, self.thread_id)
        self.post_message(FirstLinesFetched(self.thread_id, openings))

    def on_thread_tree_fetched(self, event: ThreadTreeFetched) -> None:
        tree = self.query_one(ReplyTree)
        tree.show_rows(event.rows)
        if event.rows:
            root = event.rows[0].message
            count = sum(not row.placeholder for row in event.rows)
            self.sub_title = f"{inert_plain(root.subject)} ({count} messages)"
        else:
            self.query_one(MessagePane).show_notice("This thread has no messages in the store.")
        shown = self.shown_message_id or self.start_message_id  # again after a correction
        if shown is not None:
            tree.move_to(shown)
        tree.focus()

    def on_first_lines_fetched(self, event: FirstLinesFetched) -> None:
        self.query_one(ReplyTree).show_openings(event.lines)

    def on_thread_matches_fetched(self, event: ThreadMatchesFetched) -> None:
        self.matches = event.matches
        self.query_one(ReplyTree).show_hits(set(event.matches))
        hits = len(event.matches)
        self.notify(
            f"{hits} message{'' if hits == 1 else 's'} here match “{inert_plain(event.query)}”"
            + (": n/N move between them." if hits else "."),
            timeout=4,
        )
        shown = self.shown_message_id
        if shown is not None and shown in self.matches and self.matches[shown].body:
            self._show(shown)

    @on(OptionList.OptionHighlighted, "#reply-tree")
    def show_highlighted_message(self, event: OptionList.OptionHighlighted) -> None:
        message_id = event.option.id
        if message_id is None:
            return
        self.post_message(MessageHighlighted(message_id))
        self.fetch_message(message_id)

    def action_read(self) -> None:
        """`enter` in the index: read the message in the pager (its keys scroll it now)."""
        if not isinstance(self.focused, ReplyTree):
            raise SkipAction()
        self.set_focus(self.query_one(MessagePane))

    @on(OptionList.OptionSelected, "#reply-tree")
    def read_clicked_message(self) -> None:
        self.query_one(MessagePane).focus()

    @on(MessagePane.ReadToEnd)
    def read_next_message(self) -> None:
        """`space` at the end of a message goes on to the next one, as in mutt."""
        tree = self.query_one(ReplyTree)
        if tree.highlighted is not None and tree.highlighted + 1 < tree.option_count:
            tree.action_cursor_down()
        else:
            self.notify("The last message of the thread.")

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
            kinds = Counter(discussion.kind_of(entry) for discussion, entry in anchored)
            summary = ", ".join(
                f"{count} {kind}{'' if count == 1 else 's'}"
                for kind, count in sorted(kinds.items())
            )
            self.query_one(MessagePane).show_anchored(anchored_text(anchored), summary)

    @work(exclusive=True, group="thread-message", exit_on_error=False)
    async def fetch_message(self, message_id: str) -> None:
        """Load one message; a newer cursor move cancels this one."""
        message = await asyncio.to_thread(self.store.get_message, message_id)
        self.post_message(MessageFetched(message))

    def on_message_fetched(self, event: MessageFetched) -> None:
        self.shown_message_id = event.message.summary.id
        self.shown_message = event.message
        self._show(self.shown_message_id)
        if self.anchors is None:
            self.anchors = {}
            self.fetch_anchors()

    def _show(self, message_id: str) -> None:
        """Show the fetched message, its search matches marked, its anchors from the map."""
        if self.shown_message is None:
            return
        pane = self.query_one(MessagePane)
        pane.show_message(self.shown_message, self.matches.get(message_id))
        self._show_anchors(message_id)
        if message_id in self.matches:
            pane.call_after_refresh(pane.scroll_to_first_match)

    def action_previous_message(self) -> None:
        self.query_one(ReplyTree).action_cursor_up()

    def action_next_message(self) -> None:
        self.query_one(ReplyTree).action_cursor_down()

    def action_parent_message(self) -> None:
        if not self.query_one(ReplyTree).move_to_parent():
            self.notify("This message has no parent in the archive.", severity="warning")

    def action_next_hit(self) -> None:
        self._go_to_hit(1)

    def action_previous_hit(self) -> None:
        self._go_to_hit(-1)

    def _go_to_hit(self, step: int) -> None:
        """Move to the next (1) or previous (-1) message the search matched, in tree order."""
        if not self.query_text:
            self.notify("n/N move between search matches: open the thread from a search (/).")
            return
        moved = self.query_one(ReplyTree).move_to_hit(step)
        if moved is None:
            self.notify("No message of this thread matches the search.", severity="warning")
        elif moved == "wrapped":
            self.notify("Search wrapped around the thread.", timeout=2)

    def action_page(self, delta: int) -> None:
        """Page the message from the index, as mutt's `space` and `-` do."""
        self.query_one(MessagePane).action_page(delta)

    def action_toggle_evidence(self) -> None:
        self.query_one(MessagePane).toggle_evidence()

    def action_toggle_headers(self) -> None:
        self.query_one(MessagePane).toggle_headers()

    def action_zoom(self) -> None:
        """Give the focused pane the whole screen, or give the other one back."""
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused)

    def action_leave(self) -> None:
        """Back out one level: a zoomed pane, then the pager to the index, then the screen."""
        if self.maximized is not None:
            self.minimize()
        elif isinstance(self.focused, MessagePane):
            self.query_one(ReplyTree).focus()
        else:
            raise SkipAction()  # the app's `q`/`escape`: back to the previous screen

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

    @work(exclusive=True, group="patch-tools", exit_on_error=False)
    async def action_save_series(self) -> None:
        """Write the shown patch's series (newest revision, reviewers' trailers added) for
        `git am`, into the working folder, and say what was collected."""
        if self.shown_message is None:
            return
        am = await asyncio.to_thread(prepare_am, self.store, self.shown_message.summary.id)
        path = await asyncio.to_thread(save_series, am, Path.cwd())
        said = "\n".join([*summary_lines(am), f"wrote {path.name}: git am {path}"])
        self.notify(inert_plain(said), title="Series for git am", timeout=15)

    @work(exclusive=True, group="patch-tools", exit_on_error=False)
    async def action_interdiff(self) -> None:
        """What the shown patch changed since its previous revision."""
        if self.shown_message is None:
            return
        found = await asyncio.to_thread(interdiff, self.store, self.shown_message.summary.id)
        self.app.push_screen(InterdiffScreen(found))

    def on_map_changed(self, _event: MapChanged) -> None:
        self.anchors = {}
        self.fetch_anchors()
