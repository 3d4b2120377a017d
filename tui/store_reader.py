"""`StoreReader` over the real store: each call opens a short session and asks `db/queries.py`.

Sessions are short-lived and made per call so that the UI's workers, running in threads, never
share one; the session factory comes from `db.engine.open_store`, given the settings' URL.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from threadlore.db import queries
from threadlore.db.engine import open_store
from threadlore.db.snippets import first_own_lines, search_matches, thread_matches
from threadlore.db.views import (
    Matches,
    MessageSummary,
    MessageView,
    PersonSummary,
    ThreadSummary,
    TreeRow,
)
from threadlore.kb.decisions import DecisionService
from threadlore.kb.discussion import StoredMap


class SessionStoreReader:
    """Reads the store through a session factory; one session per call."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    @classmethod
    def open(cls, url: str) -> SessionStoreReader:
        """Open (and if needed create or upgrade) the store at `url`."""
        return cls(open_store(url))

    def list_threads(
        self, *, filter_text: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ThreadSummary]:
        with self.sessions() as session:
            return queries.list_threads(
                session, filter_text=filter_text, limit=limit, offset=offset
            )

    def count_threads(self, *, filter_text: str | None = None) -> int:
        with self.sessions() as session:
            return queries.count_threads(session, filter_text=filter_text)

    def thread_tree(self, thread_id: int) -> list[TreeRow]:
        with self.sessions() as session:
            return queries.thread_tree(session, thread_id)

    def first_own_lines(self, thread_id: int) -> dict[str, str]:
        with self.sessions() as session:
            return first_own_lines(session, thread_id)

    def resolve_thread(self, ref: str) -> int:
        """A thread id from a thread number or a message id (prefix); LookupError if none."""
        with self.sessions() as session:
            return queries.resolve_thread(session, ref)

    def get_message(self, message_id: str) -> MessageView:
        with self.sessions() as session:
            return queries.get_message(session, message_id)

    def search_messages(
        self, query: str, *, limit: int = 50, offset: int = 0
    ) -> list[MessageSummary]:
        with self.sessions() as session:
            return queries.search_messages(session, query, limit=limit, offset=offset)

    def search_matches(self, query: str, message_ids: list[str]) -> dict[str, Matches]:
        with self.sessions() as session:
            return search_matches(session, query, message_ids)

    def thread_matches(self, query: str, thread_id: int) -> dict[str, Matches]:
        with self.sessions() as session:
            return thread_matches(session, query, thread_id)

    def list_people(self) -> list[PersonSummary]:
        with self.sessions() as session:
            return queries.list_people(session)

    def messages_per_day(self, thread_id: int | None = None) -> list[tuple[date, str, int]]:
        with self.sessions() as session:
            return queries.messages_per_day(session, thread_id)

    def decision_maps(self) -> list[StoredMap]:
        with self.sessions() as session:
            return DecisionService(session).maps()
