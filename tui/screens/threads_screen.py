"""Every thread, a page at a time, with subject, size, people and dates; `/` filters."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Input, Static

from threadlore.tui.data_source import StoreReader
from threadlore.tui.messages import ThreadChosen, ThreadsFetched
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.text import inert_plain
from threadlore.tui.widgets.common.key_hints import KeyHints
from threadlore.tui.widgets.threads.thread_table import ThreadTable

PAGE_SIZE = 200
PREFETCH_MARGIN = 50
TYPING_PAUSE = 0.15  # seconds a filter must stay unchanged before it is run

EMPTY_STORE = (
    "The store has no threads yet. Quit (q) and import some mail: threadlore import FILE…\n"
    "(an mbox or t.mbox.gz, a Maildir, .eml files or a web archive's text; "
    "threadlore import --help lists them)"
)
NO_MATCH = "No thread's subject or people match “{}”. escape clears the filter."


class ThreadsScreen(StoreScreen):
    """The thread list: the first page opens at once, the next loads as the cursor nears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    AUTO_FOCUS = "#thread-table"

    def __init__(self, store: StoreReader) -> None:
        super().__init__(store)
        self.filter_text: str | None = None
        self._fetching = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="filter by subject or person", id="thread-filter")
        yield ThreadTable(id="thread-table")
        yield Static(EMPTY_STORE, id="threads-empty")
        yield KeyHints()

    def on_mount(self) -> None:
        self.title = "Threads"
        self.fetch_first_page()

    @work(exclusive=True, group="thread-list", exit_on_error=False)
    async def fetch_first_page(self, delay: float = 0.0) -> None:
        """Count and fetch the first page for the current filter, after `delay` seconds.

        The delay lets a filter being typed cancel this fetch before it reaches the store.
        """
        await asyncio.sleep(delay)
        filter_text = self.filter_text
        total = await asyncio.to_thread(self.store.count_threads, filter_text=filter_text)
        threads = await asyncio.to_thread(
            self.store.list_threads, filter_text=filter_text, limit=PAGE_SIZE, offset=0
        )
        self.post_message(ThreadsFetched(0, threads, total))

    @work(exclusive=True, group="thread-page", exit_on_error=False)
    async def fetch_page(self, offset: int) -> None:
        """Fetch the page that starts at `offset`."""
        table = self.query_one(ThreadTable)
        threads = await asyncio.to_thread(
            self.store.list_threads, filter_text=self.filter_text, limit=PAGE_SIZE, offset=offset
        )
        self.post_message(ThreadsFetched(offset, threads, table.total))

    def on_threads_fetched(self, event: ThreadsFetched) -> None:
        table = self.query_one(ThreadTable)
        if event.offset == 0:
            table.reset(event.total)
        elif event.offset != table.loaded:
            return  # a page for a listing that has since been replaced
        table.add_threads(event.threads)
        self._fetching = False
        matching = f" matching “{inert_plain(self.filter_text)}”" if self.filter_text else ""
        self.sub_title = f"{table.total} thread{'' if table.total == 1 else 's'}{matching}"
        empty = self.query_one("#threads-empty", Static)
        if table.total == 0:
            empty.update(
                NO_MATCH.format(inert_plain(self.filter_text)) if self.filter_text else EMPTY_STORE
            )
        empty.set_class(table.total == 0, "-shown")

    @on(DataTable.RowHighlighted, "#thread-table")
    def fetch_more_when_near_the_end(self) -> None:
        table = self.query_one(ThreadTable)
        if table.needs_more(PREFETCH_MARGIN) and not self._fetching:
            self._fetching = True
            self.fetch_page(table.loaded)

    @on(DataTable.RowSelected, "#thread-table")
    def open_selected_thread(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(ThreadChosen(int(event.row_key.value)))

    def action_filter(self) -> None:
        filter_input = self.query_one("#thread-filter", Input)
        filter_input.add_class("-shown")
        self.set_focus(filter_input)  # now, not later: keys typed right after `/` are the filter

    @on(Input.Changed, "#thread-filter")
    def apply_filter(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip() or None
        self.fetch_first_page(delay=TYPING_PAUSE)

    @on(Input.Submitted, "#thread-filter")
    def return_to_list(self) -> None:
        self.query_one(ThreadTable).focus()

    def action_clear_filter(self) -> None:
        """Clear and hide the filter; without one, `escape` goes back as everywhere."""
        filter_input = self.query_one("#thread-filter", Input)
        if not filter_input.has_class("-shown"):
            raise SkipAction()
        filter_input.value = ""
        filter_input.remove_class("-shown")
        self.query_one(ThreadTable).focus()
