"""Sources: the files and folders messages were imported from, and how far each was read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from threadlore.db.base import Base
from threadlore.db.types import created_at, intpk

if TYPE_CHECKING:
    from threadlore.db.models.messages import Message


class Source(Base):
    """One imported input, named as the importer named it (its path).

    `clock` is the clock a source without time zones (archive text) was read on, "UTC-04:00" or
    a zone name; None until such a source is imported, and for mail, whose dates carry theirs.
    """

    __tablename__ = "sources"

    id: Mapped[intpk]
    path: Mapped[str] = mapped_column(Text, unique=True)
    imported_at: Mapped[created_at]
    clock: Mapped[str | None] = mapped_column(String(64))

    messages: Mapped[list[Message]] = relationship(back_populates="source")

    def __repr__(self) -> str:
        return f"Source({self.path!r})"


class ReadPosition(Base):
    """How far an incremental source (a public-inbox epoch) was imported: its last commit, and
    how many commits that is (the position of the next message). One row per source."""

    __tablename__ = "read_positions"

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), unique=True)
    commit: Mapped[str] = mapped_column(String(64))
    commits: Mapped[int] = mapped_column(Integer)
