"""The clock of each source whose dates carry no time zone (archive text), kept in the store.

A source is read on one clock: the one `threadlore import --archive-tz` names, else the one the
source was last read on, else the importer's default. A message read on another clock than its
source's is re-dated before it is stored, and a stored message whose date the source's clock now
reads differently is re-dated in place (its DATE inference too), so changing the clock of a
source changes the dates of every message already stored from it (but not a date a person
corrected).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from threadlore.db.base import Base
from threadlore.db.models import Inference, Message, Source
from threadlore.db.models.decision_map import Correction
from threadlore.importers.archive_dates import (
    ArchiveClock,
    date_inference,
    parse_archive_date,
    parse_clock,
)
from threadlore.importers.records import InferredField, ParsedMessage

_SOURCES = Base.metadata.tables[Source.__tablename__]
_SOURCE_BY_PATH = select(_SOURCES.c.id, _SOURCES.c.clock).where(
    _SOURCES.c.path == bindparam("path")
)
_SET_CLOCK = update(_SOURCES).where(_SOURCES.c.id == bindparam("pk")).values(clock=bindparam("c"))
_INFERENCES = Base.metadata.tables[Inference.__tablename__]
_MESSAGES = Base.metadata.tables[Message.__tablename__]
_CORRECTED_DATE = (
    select(Correction.id)
    .where(
        Correction.message_id == bindparam("pk"),
        Correction.field == str(InferredField.DATE),
        Correction.undone.is_(False),
    )
    .limit(1)
)


def _date_header(message: ParsedMessage) -> str | None:
    return next((value for name, value in message.headers if name == "Date"), None)


def on_clock(message: ParsedMessage, clock: ArchiveClock) -> ParsedMessage:
    """The message with its date (and DATE inference) read on `clock`; as it is when it was
    read on that clock already, when it has no zoneless date, or when a person corrected it."""
    text = _date_header(message)
    current = message.inference(InferredField.DATE)
    if message.clock in (None, clock.name) or text is None or current is None:
        return message
    if current.confidence >= 1.0:  # a corrected date is not the clock's to change
        return message
    try:
        when = parse_archive_date(text, clock)
    except ValueError:
        return dataclasses.replace(message, clock=clock.name)
    inferences = tuple(
        date_inference(text, when, clock) if i.field is InferredField.DATE else i
        for i in message.inferences
    )
    return dataclasses.replace(message, date=when, inferences=inferences, clock=clock.name)


@dataclass
class SourceClocks:
    """The sources an import writes to: their row ids and the clocks they are read on.

    `chosen` is the clock the user set for this import (`--archive-tz`), if any.
    """

    chosen: ArchiveClock | None = None
    known: dict[str, tuple[int, str | None]] = field(default_factory=dict)

    def clear(self) -> None:
        """Forget what was read (after a rollback)."""
        self.known.clear()

    def source_id(self, connection: Connection, path: str) -> int:
        """The row id of a source, inserted if new."""
        return self._row(connection, path)[0]

    def _row(self, connection: Connection, path: str) -> tuple[int, str | None]:
        if path not in self.known:
            row = connection.execute(_SOURCE_BY_PATH, {"path": path}).one_or_none()
            if row is None:
                inserted: int = connection.execute(
                    insert(_SOURCES).returning(_SOURCES.c.id), {"path": path}
                ).scalar_one()
                self.known[path] = (inserted, None)
            else:
                self.known[path] = (row[0], row[1])
        return self.known[path]

    def read(self, connection: Connection, message: ParsedMessage) -> ParsedMessage:
        """The message on its source's clock, recording the clock on the source row."""
        if message.clock is None:
            return message
        pk, stored = self._row(connection, message.source)
        if self.chosen is not None:
            clock = self.chosen
        elif stored is not None:
            clock = parse_clock(stored)
        else:
            clock = None
        name = clock.name if clock is not None else message.clock
        if stored != name:
            connection.execute(_SET_CLOCK, {"pk": pk, "c": name})
            self.known[message.source] = (pk, name)
        return on_clock(message, clock) if clock is not None else message


def redate_stored(
    connection: Connection,
    pk: int,
    message: ParsedMessage,
    wanted: tuple[datetime | None, int | None],
) -> bool:
    """Give a stored message the date its source's clock now reads; True when it changed.

    `wanted` is the message's date as ingest stores it: naive UTC and the offset in minutes. A
    date a person corrected (`kb.corrections`) is theirs, not the clock's: it is left alone.
    """
    if connection.execute(_CORRECTED_DATE, {"pk": pk}).first() is not None:
        return False
    stored = connection.execute(
        select(_MESSAGES.c.date_utc, _MESSAGES.c.utc_offset_minutes).where(_MESSAGES.c.id == pk)
    ).one()
    if tuple(stored) == wanted:
        return False
    connection.execute(
        update(_MESSAGES)
        .where(_MESSAGES.c.id == pk)
        .values(date_utc=wanted[0], utc_offset_minutes=wanted[1])
    )
    note = message.inference(InferredField.DATE)
    if note is not None:
        connection.execute(
            delete(_INFERENCES).where(
                _INFERENCES.c.message_id == pk, _INFERENCES.c.field == str(InferredField.DATE)
            )
        )
        connection.execute(
            insert(_INFERENCES),
            {
                "message_id": pk,
                "field": str(note.field),
                "value": note.value,
                "confidence": note.confidence,
                "evidence": list(note.evidence),
            },
        )
    return True
