"""People and mailing lists, each with every name and address it was seen under."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from threadlore.db.base import Base
from threadlore.db.types import bool_false, intpk, short_text

if TYPE_CHECKING:
    from threadlore.db.models.messages import Message, Recipient


class Person(Base):
    """One human (all their names and addresses merged), or one mailing list (`is_list`)."""

    __tablename__ = "people"

    id: Mapped[intpk]
    name: Mapped[short_text]
    is_list: Mapped[bool_false]
    # kept by the store's triggers (migration 0012), never written by the application
    messages_written: Mapped[int] = mapped_column(server_default="0")  # real messages authored
    messages_received: Mapped[int] = mapped_column(server_default="0")  # distinct, as a recipient

    aliases: Mapped[list[Alias]] = relationship(back_populates="person", order_by="Alias.id")
    messages: Mapped[list[Message]] = relationship(back_populates="author")
    recipients: Mapped[list[Recipient]] = relationship(back_populates="person")

    def __repr__(self) -> str:
        return f"Person({self.name!r})"


class Alias(Base):
    """A name or an address a person used; `key` is its normalised form, unique per kind."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[intpk]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "name" or "address"
    value: Mapped[short_text]
    key: Mapped[short_text] = mapped_column(index=True)

    person: Mapped[Person] = relationship(back_populates="aliases")
