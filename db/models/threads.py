"""Threads: the connected reply trees that JWZ threading builds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, relationship

from db.base import Base
from db.types import intpk

if TYPE_CHECKING:
    from db.models.messages import Message


class Thread(Base):
    """A reply tree; its subject, root and dates are read from its messages when listed."""

    __tablename__ = "threads"

    id: Mapped[intpk]

    messages: Mapped[list[Message]] = relationship(back_populates="thread")
