"""Removing a message its archive deleted (a public-inbox `d` commit), leaving the store whole.

What hangs off the message goes with it: recipients, references, trailers, inferences,
corrections, extraction candidates, its patches (files, hunks, revision links; the patches it
stood between are linked again). Its words leave the search indexes (SQLite's FTS5 triggers,
PostgreSQL's generated columns).

The row itself goes too unless something still points at it: replies (which keep their place
in the tree), or a decision map's quote or anchor. Then it becomes a placeholder, as for a
message never seen: no author, date or text. A map entry that quotes it keeps the quoted words
and who said them (stored with the map), and shows the message as not seen; the map stays
whole. A placeholder parent left with nothing under it goes as well, so the tree keeps no
empty branches, and a thread left with no rows goes with its last one.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from threadlore.db.hot_sql import PLACEHOLDER
from threadlore.db.models import (
    Correction,
    DecisionMap,
    ExtractCandidate,
    Hunk,
    Inference,
    MapQuote,
    Message,
    Patch,
    PatchedFile,
    PatchRevision,
    Recipient,
    Reference,
    Thread,
    Trailer,
)
from threadlore.db.revisions import link_revisions

# A thread's newest date (of its real messages), read again after one of them went.
_SET_LAST_DATE = (
    update(Thread)
    .where(Thread.id.in_(bindparam("threads", expanding=True)))
    .values(
        last_date_utc=select(func.max(Message.date_utc))
        .where(Message.thread_id == Thread.id, Message.placeholder.is_(False))
        .scalar_subquery()
    )
)


def _delete_patches(connection: Connection, pk: int) -> list[int]:
    """Delete the message's patches; the ids of the patches they were linked to as revisions."""
    patches = list(connection.scalars(select(Patch.id).where(Patch.message_id == pk)))
    if not patches:
        return []
    links = or_(PatchRevision.earlier_id.in_(patches), PatchRevision.later_id.in_(patches))
    neighbours = {
        other
        for earlier, later in connection.execute(
            select(PatchRevision.earlier_id, PatchRevision.later_id).where(links)
        )
        for other in (earlier, later)
        if other not in patches
    }
    files = select(PatchedFile.id).where(PatchedFile.patch_id.in_(patches))
    connection.execute(delete(PatchRevision).where(links))
    connection.execute(delete(Hunk).where(Hunk.file_id.in_(files)))
    connection.execute(delete(PatchedFile).where(PatchedFile.patch_id.in_(patches)))
    connection.execute(delete(Patch).where(Patch.id.in_(patches)))
    return sorted(neighbours)


def _is_pointed_at(connection: Connection, pk: int) -> bool:
    """Whether a reply, a map quote or a map anchor still names the row."""
    query = select(
        or_(
            exists().where(Message.parent_id == pk),
            exists().where(MapQuote.message_id == pk),
            exists().where(DecisionMap.anchor_id == pk),
        )
    )
    return bool(connection.execute(query).scalar())


def _remove_row(connection: Connection, pk: int) -> None:
    """Delete the row, then each placeholder ancestor that is left pointing at nothing."""
    current: int | None = pk
    while current is not None:
        parent = connection.execute(select(Message.parent_id).where(Message.id == current))
        parent_pk = parent.scalar()
        connection.execute(delete(Message).where(Message.id == current))
        if parent_pk is None:
            return
        is_placeholder = connection.execute(
            select(Message.placeholder).where(Message.id == parent_pk)
        ).scalar()
        orphaned = is_placeholder and not _is_pointed_at(connection, parent_pk)
        current = parent_pk if orphaned else None


def delete_message(session: Session, message_id: str) -> bool:
    """Remove a message from the store (see the module's docstring); False when the store has
    no such message, or has it only as a placeholder. Runs in the session's transaction."""
    connection = session.connection()
    row = connection.execute(
        select(Message.id, Message.thread_id).where(
            Message.message_id == message_id, Message.placeholder.is_(False)
        )
    ).one_or_none()
    if row is None:
        return False
    pk, thread = row
    neighbours = _delete_patches(connection, pk)
    for table in (Recipient, Reference, Trailer, Inference, Correction, ExtractCandidate):
        connection.execute(delete(table).where(table.message_id == pk))
    if _is_pointed_at(connection, pk):
        connection.execute(update(Message).where(Message.id == pk).values(**PLACEHOLDER))
    else:
        _remove_row(connection, pk)
    link_revisions(session, neighbours)
    if thread is not None:
        left = connection.execute(select(exists().where(Message.thread_id == thread))).scalar()
        if left:
            connection.execute(_SET_LAST_DATE, {"threads": [thread]})
        else:
            connection.execute(delete(Thread).where(Thread.id == thread))
    return True
