"""Search with the CLI's query language; the hits as a list beside the message under the cursor."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, Input, OptionList

from threadlore.tui.data_source import StoreReader
from threadlore.tui.messages import (
    MessageFetched,
    MessageHighlighted,
    SearchCompleted,
    SearchFailed,
    SearchMatchesFetched,
    ThreadChosen,
)
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.text import inert_plain
from threadlore.tui.widgets.common.key_hints import KeyHints
from threadlore.tui.widgets.message.message_pane import MessagePane
from threadlore.tui.widgets.search.hit_list import HitList

PAGE_SIZE = 50
PREFETCH_MARGIN = 10
QUERY_HELP = (
    'search: f:miklos page_mkclean · s:"fault vs truncate" · d:2007-03-07..2007-03-08 · '
    "has:patch · dfn:mm/memory.c"
)
SEARCH_HELP = (
    'Type a query and press enter. Words and "phrases" match subjects and bodies, all of '
    "them unless joined by OR; NOT or - leaves out; prefixes: f: from, t: to, c: cc, "
    "s: subject, b: body, d: date (d:2007-03-07..2007-03-08), dfn: a file a patch touches, "
    "has:patch.\n\nThen n/N step through the hits, enter opens one in its thread (where n/N "
    "step through the thread's matches), / edits the query, escape or q goes back."
)


class SearchScreen(StoreScreen):
    """A query box, its hits, and a preview; `enter` on a hit opens it in its thread."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_hit", "Next hit"),
        Binding("N", "previous_hit", "Prev hit"),
        Binding("slash", "edit_query", "Query"),
        Binding("escape", "leave_query", "To hits", show=False),
    ]

    AUTO_FOCUS = "#search-query"

    def __init__(self, store: StoreReader) -> None:
        super().__init__(store)
        self.query_text = ""
        self._has_more = False
        self._fetching = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=QUERY_HELP, id="search-query")
        with Horizontal(id="search-panes"):
            yield HitList(id="search-hits")
            yield MessagePane(id="search-preview")
        yield KeyHints()

    def on_mount(self) -> None:
        self.title = "Search"
        self.query_one(MessagePane).show_notice(SEARCH_HELP)
        self.set_focus(self.query_one("#search-query", Input))  # before the first frame shows

    @on(Input.Submitted, "#search-query")
    def run_query(self, event: Input.Submitted) -> None:
        self.query_text = event.value.strip()
        if self.query_text:
            self.fetch_hits(self.query_text, 0)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def fetch_hits(self, query: str, offset: int) -> None:
        """Run one page of a query off the event loop, then find its words in the page's hits;
        bad queries come back as one line."""
        try:
            hits = await asyncio.to_thread(
                self.store.search_messages, query, limit=PAGE_SIZE, offset=offset
            )
        except ValueError as error:
            self.post_message(SearchFailed(query, str(error).splitlines()[0] if str(error) else ""))
            return
        self.post_message(SearchCompleted(query, offset, hits))
        if hits:
            ids = [hit.id for hit in hits]
            matches = await asyncio.to_thread(self.store.search_matches, query, ids)
            self.post_message(SearchMatchesFetched(query, matches))

    def on_search_completed(self, event: SearchCompleted) -> None:
        hit_list = self.query_one(HitList)
        hit_list.show_hits(event.hits, append=event.offset > 0)
        self._has_more = len(event.hits) == PAGE_SIZE
        self._fetching = False
        more = "+" if self._has_more else ""
        self.sub_title = f"{len(hit_list.hits)}{more} hits for “{inert_plain(event.query)}”"
        if event.offset == 0:
            hit_list.focus()
            if not event.hits:
                self.query_one(MessagePane).show_notice(
                    f"No message matches “{inert_plain(event.query)}”. Fewer words, a prefix "
                    "(f: from, s: subject, b: body) or OR find more; / edits the query."
                )

    def on_search_matches_fetched(self, event: SearchMatchesFetched) -> None:
        if event.query != self.query_text:
            return
        self.query_one(HitList).show_matches(event.matches)
        pane = self.query_one(MessagePane)
        if pane.message is not None and pane.message.summary.id in event.matches:
            pane.show_message(pane.message, event.matches[pane.message.summary.id])
            pane.call_after_refresh(pane.scroll_to_first_match)

    def on_search_failed(self, event: SearchFailed) -> None:
        self._fetching = False
        self.notify(event.error or "bad query", title="Query not understood", severity="error")

    @on(OptionList.OptionHighlighted, "#search-hits")
    def preview_highlighted_hit(self, event: OptionList.OptionHighlighted) -> None:
        hit_list = self.query_one(HitList)
        if event.option.id is not None:
            self.post_message(MessageHighlighted(event.option.id))
            self.fetch_preview(event.option.id)
        near_end = event.option_index >= len(hit_list.hits) - PREFETCH_MARGIN
        if near_end and self._has_more and not self._fetching:
            self._fetching = True
            self.fetch_hits(self.query_text, len(hit_list.hits))

    @work(exclusive=True, group="search-preview", exit_on_error=False)
    async def fetch_preview(self, message_id: str) -> None:
        """Load the highlighted hit in full."""
        message = await asyncio.to_thread(self.store.get_message, message_id)
        self.post_message(MessageFetched(message))

    @on(MessagePane.ReadToEnd)
    def preview_next_hit(self) -> None:
        """`space` at the end of a previewed hit goes on to the next hit."""
        self.action_next_hit()

    def on_message_fetched(self, event: MessageFetched) -> None:
        matches = self.query_one(HitList).matches.get(event.message.summary.id)
        pane = self.query_one(MessagePane)
        pane.show_message(event.message, matches)
        if matches is not None:
            pane.call_after_refresh(pane.scroll_to_first_match)

    @on(OptionList.OptionSelected, "#search-hits")
    def open_hit_in_thread(self) -> None:
        hit = self.query_one(HitList).current_hit()
        if hit is None:
            return
        if hit.thread is None:
            self.notify("This message is in no thread.", severity="warning")
            return
        self.post_message(ThreadChosen(hit.thread, hit.id, self.query_text))

    def action_next_hit(self) -> None:
        self.query_one(HitList).action_cursor_down()

    def action_previous_hit(self) -> None:
        self.query_one(HitList).action_cursor_up()

    def action_edit_query(self) -> None:
        self.set_focus(self.query_one("#search-query", Input))

    def action_leave_query(self) -> None:
        """From the query box, go to the hits (where `q` and the section keys work again);
        from the hits, go back as everywhere."""
        if not isinstance(self.focused, Input):
            raise SkipAction()
        self.set_focus(self.query_one(HitList))
