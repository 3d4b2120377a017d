"""A `StoreReader` that opens the real store on first use, so the UI paints before the store opens.

Opening the store imports SQLAlchemy and Alembic and may migrate the schema: over a second on a
busy machine. Deferring it to the first call moves that work into the screen's worker thread
instead of in front of the first frame.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from threadlore.db.views import (
    Matches,
    MessageSummary,
    MessageView,
    PersonSummary,
    ThreadSummary,
    TreeRow,
)
from threadlore.tui.data_source import StoreReader

if TYPE_CHECKING:
    from threadlore.kb.discussion import StoredMap


class DeferredStoreReader:
    """Delegates every call to the reader `open_reader` makes, made once, by the first caller."""

    def __init__(self, open_reader: Callable[[], StoreReader]) -> None:
        self._open_reader = open_reader
        self._reader: StoreReader | None = None
        self._lock = threading.Lock()

    def reader(self) -> StoreReader:
        """The real reader, opened now if no call has opened it yet."""
        with self._lock:
            if self._reader is None:
                self._reader = self._open_reader()
            return self._reader

    def list_threads(
        self, *, filter_text: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ThreadSummary]:
        return self.reader().list_threads(filter_text=filter_text, limit=limit, offset=offset)

    def count_threads(self, *, filter_text: str | None = None) -> int:
        return self.reader().count_threads(filter_text=filter_text)

    def thread_tree(self, thread_id: int) -> list[TreeRow]:
        return self.reader().thread_tree(thread_id)

    def first_own_lines(self, thread_id: int) -> dict[str, str]:
        return self.reader().first_own_lines(thread_id)

    def resolve_thread(self, ref: str) -> int:
        return self.reader().resolve_thread(ref)

    def get_message(self, message_id: str) -> MessageView:
        return self.reader().get_message(message_id)

    def search_messages(
        self, query: str, *, limit: int = 50, offset: int = 0
    ) -> list[MessageSummary]:
        return self.reader().search_messages(query, limit=limit, offset=offset)

    def search_matches(self, query: str, message_ids: list[str]) -> dict[str, Matches]:
        return self.reader().search_matches(query, message_ids)

    def thread_matches(self, query: str, thread_id: int) -> dict[str, Matches]:
        return self.reader().thread_matches(query, thread_id)

    def list_people(self) -> list[PersonSummary]:
        return self.reader().list_people()

    def messages_per_day(self, thread_id: int | None = None) -> list[tuple[date, str, int]]:
        return self.reader().messages_per_day(thread_id)

    def decision_maps(self) -> list[StoredMap]:
        return self.reader().decision_maps()
