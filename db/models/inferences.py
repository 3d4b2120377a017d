"""Inferences: values an importer had to guess, with its confidence and the evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from threadlore.db.base import Base
from threadlore.db.types import intpk

if TYPE_CHECKING:
    from threadlore.db.models.messages import Message


class Inference(Base):
    """Why threadlore believes a message's author, parent, date or series position."""

    __tablename__ = "inferences"

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    field: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[str]] = mapped_column(JSON)

    message: Mapped[Message] = relationship(back_populates="inferences")
