"""Read-side queries on a session, for the UI and the commands that already hold one: threads,
trees, messages, people, search — each the SQL of `db/store_reads.py`, `db/thread_tree.py` or
`db/search_sql.py` run on the session's connection, the same statements the read commands run
without SQLAlchemy.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from threadlore.db import search_sql, store_reads
from threadlore.db.driver import StoreReader
from threadlore.db.models.messages import Message
from threadlore.db.models.people import Alias, Person
from threadlore.db.store_reads import AmbiguousMessageId
from threadlore.db.thread_tree import TreeOrder
from threadlore.db.thread_tree import thread_tree as read_thread_tree
from threadlore.db.views import MessageSummary, MessageView, PersonSummary, ThreadSummary, TreeRow

__all__ = ["AmbiguousMessageId", "TreeOrder"]


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result: ColumnElement[bool] = column.ilike(f"%{escaped}%", escape="\\")
    return result


def _reader(session: Session) -> StoreReader:
    return StoreReader.of_session(session)


def count_threads(session: Session, *, filter_text: str | None = None) -> int:
    """How many threads `list_threads` would list without a limit."""
    return store_reads.count_threads(_reader(session), filter_text=filter_text)


def list_threads(
    session: Session, *, filter_text: str | None = None, limit: int | None = None, offset: int = 0
) -> list[ThreadSummary]:
    """Threads with the latest activity first; `filter_text` matches a subject or an author."""
    return store_reads.list_threads(
        _reader(session), filter_text=filter_text, limit=limit, offset=offset
    )


def thread_tree(
    session: Session, thread_id: int, order: TreeOrder = TreeOrder.SERIES
) -> list[TreeRow]:
    """A thread's reply tree in display order, depth first (see `db/thread_tree.py`)."""
    return read_thread_tree(_reader(session), thread_id, order)


def message_pk(session: Session, ref: str) -> int:
    """The row id of the message a user named by its id or a unique prefix of it."""
    return store_reads.message_pk(_reader(session), ref)


def resolve_thread(session: Session, ref: str) -> int:
    """A thread id from a thread number or the id (or unique prefix) of a message in it."""
    return store_reads.resolve_thread(_reader(session), ref)


def get_message(session: Session, message_id: str) -> MessageView:
    """One message in full, from its id or a unique prefix of it."""
    return store_reads.get_message(_reader(session), message_id)


def list_people(session: Session) -> list[PersonSummary]:
    """Every person and list: people by messages written, then lists by messages received."""
    return store_reads.list_people(_reader(session))


def search_messages(
    session: Session, query: str, *, limit: int = 50, offset: int = 0
) -> list[MessageSummary]:
    """Messages matching a search query, newest first (see db/query_language.py for the syntax).

    The SQL is `db/search_sql.py`'s, run on the session's connection: the same a `threadlore
    search` process runs without SQLAlchemy.
    """
    return search_sql.search(StoreReader.of_session(session), query, limit=limit, offset=offset)


def find_person(session: Session, name_or_alias: str) -> PersonSummary:
    """The person an alias names, loosely: exact alias first, then the busiest partial match."""
    wanted = " ".join(name_or_alias.split()).casefold().strip("<>")
    if not wanted:
        raise LookupError("no name given")
    matches = session.execute(
        select(Alias.person_id, Alias.key).where(_contains(Alias.key, wanted))
    ).all()
    people = {p.id: p for p in list_people(session)}
    exact = {m.person_id for m in matches if m.key == wanted}
    candidates = exact or {m.person_id for m in matches}
    if not candidates:
        raise LookupError(f"no person matches {name_or_alias!r}")
    return max((people[c] for c in candidates), key=lambda p: (p.messages, -p.id))


def messages_per_day(session: Session, thread_id: int | None = None) -> list[tuple[date, str, int]]:
    """Messages per UTC day and author, oldest first, optionally within one thread."""
    query = (
        select(Message.date_utc, func.coalesce(Person.name, Message.author_name, "?"))
        .outerjoin(Person, Person.id == Message.author_id)
        .where(Message.placeholder.is_(False), Message.date_utc.is_not(None))
    )
    if thread_id is not None:
        query = query.where(Message.thread_id == thread_id)
    counts = Counter((when.date(), who) for when, who in session.execute(query) if when)
    return sorted((day, who, n) for (day, who), n in counts.items())
