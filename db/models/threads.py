"""Threads: the connected reply trees that JWZ threading builds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, mapped_column, relationship

from threadlore.db.base import Base
from threadlore.db.types import intpk, utc_datetime

if TYPE_CHECKING:
    from threadlore.db.models.messages import Message


class Thread(Base):
    """A reply tree; its subject, root and dates are read from its messages when listed."""

    __tablename__ = "threads"

    id: Mapped[intpk]
    # the newest date among its messages (not placeholders), kept by db/ingest.py, so that the
    # newest threads of a million-message store are read from an index, not grouped anew
    last_date_utc: Mapped[utc_datetime] = mapped_column(index=True)

    messages: Mapped[list[Message]] = relationship(back_populates="thread")
