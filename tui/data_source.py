"""What the UI reads from the store: a narrow protocol, so screens take a reader, never globals.

`tui/store_reader.py` implements it over a session factory; tests pass a small in-memory fake.
Every method returns the plain views of `db/views.py` and may be slow, so screens call them from
Textual workers, never on the event loop.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

from threadlore.db.views import (
    Matches,
    MessageSummary,
    MessageView,
    PersonSummary,
    ThreadSummary,
    TreeRow,
)

if TYPE_CHECKING:
    from threadlore.kb.discussion import StoredMap


class StoreReader(Protocol):
    """The read side of the store, as `db/queries.py` provides it, one call per screen load."""

    def list_threads(
        self, *, filter_text: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ThreadSummary]:
        """One page of threads, newest activity first, optionally filtered by subject or person."""
        ...

    def count_threads(self, *, filter_text: str | None = None) -> int:
        """How many threads `list_threads` would page through."""
        ...

    def thread_tree(self, thread_id: int) -> list[TreeRow]:
        """A thread's reply tree in display order (depth first)."""
        ...

    def first_own_lines(self, thread_id: int) -> dict[str, str]:
        """Each message of a thread and the first line its writer wrote (for the tree's rows)."""
        ...

    def resolve_thread(self, ref: str) -> int:
        """A thread id from a thread number or a message id (prefix); LookupError if none."""
        ...

    def get_message(self, message_id: str) -> MessageView:
        """One message in full; raises LookupError when the id matches none."""
        ...

    def search_messages(
        self, query: str, *, limit: int = 50, offset: int = 0
    ) -> list[MessageSummary]:
        """Messages matching the CLI's query language, newest first; ValueError on a bad query."""
        ...

    def search_matches(self, query: str, message_ids: list[str]) -> dict[str, Matches]:
        """Where the query's words are in each of these messages, and a snippet of each."""
        ...

    def thread_matches(self, query: str, thread_id: int) -> dict[str, Matches]:
        """The messages of a thread the query matches, with where its words are."""
        ...

    def list_people(self) -> list[PersonSummary]:
        """Every person and list, with message counts."""
        ...

    def messages_per_day(self, thread_id: int | None = None) -> list[tuple[date, str, int]]:
        """(day, person, count) rows for the timeline, optionally for one thread."""
        ...

    def decision_maps(self) -> list[StoredMap]:
        """Every thread's decision map, brought up to date with the maps threadlore ships."""
        ...
