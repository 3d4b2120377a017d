"""A thread's decision map as the store keeps it: entries, their quotes, and a journal of changes.

A map hangs on its thread's first message (`anchor_id`), so it follows the thread through merges
and re-imports. Each topic, question, proposal or argument is one `MapEntry` row whose
kind-specific fields (title, targets, the decision on a proposal …) are JSON, so recording,
editing and undoing an entry touch one row and its quotes. `MapChange` keeps every entry's state
before and after each change, grouped by user action (`batch`), which is what undo replays.
Corrections to inferred authors, parents and dates, and the candidates `extract` found, live here
too: they are what people record about a thread besides its messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from threadlore.db.base import Base
from threadlore.db.types import bool_false, intpk, long_text, short_text

slug_text = String(255)


class DecisionMap(Base):
    """One thread's map; `people` lists the names (and aliases) its quotes cite."""

    __tablename__ = "decision_maps"

    id: Mapped[intpk]
    anchor_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    title: Mapped[long_text]
    timezone: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)
    people: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    entries: Mapped[list[MapEntry]] = relationship(
        back_populates="map", order_by="MapEntry.position", cascade="all, delete-orphan"
    )


class MapEntry(Base):
    """A topic, question, proposal or argument; `slug` is its id in the map file."""

    __tablename__ = "map_entries"
    __table_args__ = (UniqueConstraint("map_id", "slug"),)

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("decision_maps.id"))  # the unique key leads
    kind: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(slug_text)
    position: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_by: Mapped[short_text]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))

    map: Mapped[DecisionMap] = relationship(back_populates="entries")
    quotes: Mapped[list[MapQuote]] = relationship(
        back_populates="entry", order_by="MapQuote.position", cascade="all, delete-orphan"
    )


class MapQuote(Base):
    """The exact words an entry stands on, and the stored message they are in."""

    __tablename__ = "map_quotes"

    id: Mapped[intpk]
    entry_id: Mapped[int] = mapped_column(ForeignKey("map_entries.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    by_name: Mapped[short_text]
    writer_name: Mapped[short_text]
    text: Mapped[long_text]

    entry: Mapped[MapEntry] = relationship(back_populates="quotes")


class MapChange(Base):
    """One entry's state before and after a change (null: absent); one `batch` per user action."""

    __tablename__ = "map_changes"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("decision_maps.id"), index=True)
    batch: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[short_text]  # what the user did, as a short phrase ("add proposal")
    slug: Mapped[str] = mapped_column(slug_text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    recorded_by: Mapped[short_text]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    undone: Mapped[bool_false]


class Correction(Base):
    """A person's value for a message's author, parent or date; the newest live one wins.

    `replaced` is the value the message had before, which undoing the correction restores.
    """

    __tablename__ = "corrections"

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    field: Mapped[str] = mapped_column(String(16))
    value: Mapped[long_text]
    replaced: Mapped[long_text]
    recorded_by: Mapped[short_text]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    undone: Mapped[bool_false]


class ExtractCandidate(Base):
    """A sentence `extract` offers as a map entry, and what a person decided about it.

    `details` keeps what the extractor said about it (evidence, target, group, status, question);
    `entry_slug` names the map entry an accepted or merged candidate became.
    """

    __tablename__ = "extract_candidates"
    __table_args__ = (UniqueConstraint("message_id", "kind", "offset"),)

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))  # the unique key leads
    kind: Mapped[str] = mapped_column(String(16))
    offset: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[long_text]
    score: Mapped[float] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    entry_slug: Mapped[str | None] = mapped_column(slug_text)
