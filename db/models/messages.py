"""Messages and what hangs off each one: recipients, references, trailers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from threadlore.db.base import Base
from threadlore.db.types import bool_false, intpk, long_text, short_text, utc_datetime

if TYPE_CHECKING:
    from threadlore.db.models.inferences import Inference
    from threadlore.db.models.patches import Patch
    from threadlore.db.models.people import Person
    from threadlore.db.models.sources import Source
    from threadlore.db.models.threads import Thread


class Message(Base):
    """One message, or a placeholder for a parent that replies referenced but was never seen.

    `message_id` is the Message-ID without angle brackets, or the importer's synthetic content hash
    (`synthetic` set). `date_utc` is stored in UTC and `utc_offset_minutes` keeps the sender's
    offset, so that `date` can give back the original ISO 8601 time.
    """

    __tablename__ = "messages"
    # a person's messages, first and last dates read from the index alone (migration 0011)
    __table_args__ = (Index("ix_messages_author_dates", "author_id", "placeholder", "date_utc"),)

    id: Mapped[intpk]
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    placeholder: Mapped[bool_false]
    synthetic: Mapped[bool_false]
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    position: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[long_text] = mapped_column(default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    author_name: Mapped[str | None] = mapped_column(Text)
    author_email: Mapped[str | None] = mapped_column(Text)
    date_utc: Mapped[utc_datetime] = mapped_column(index=True)
    utc_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[long_text] = mapped_column(default="")
    truncated: Mapped[bool_false]
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"), index=True)
    series_version: Mapped[int | None] = mapped_column(Integer)
    series_index: Mapped[int | None] = mapped_column(Integer)
    series_total: Mapped[int | None] = mapped_column(Integer)
    series_inferred: Mapped[bool_false]

    source: Mapped[Source | None] = relationship(back_populates="messages")
    author: Mapped[Person | None] = relationship(back_populates="messages")
    thread: Mapped[Thread | None] = relationship(back_populates="messages")
    parent: Mapped[Message | None] = relationship(
        back_populates="children", remote_side="Message.id"
    )
    children: Mapped[list[Message]] = relationship(back_populates="parent")
    recipients: Mapped[list[Recipient]] = relationship(
        back_populates="message", order_by="Recipient.position"
    )
    references: Mapped[list[Reference]] = relationship(
        back_populates="message", order_by="Reference.position"
    )
    trailers: Mapped[list[Trailer]] = relationship(
        back_populates="message", order_by="Trailer.position"
    )
    patches: Mapped[list[Patch]] = relationship(back_populates="message", order_by="Patch.position")
    inferences: Mapped[list[Inference]] = relationship(back_populates="message")

    @property
    def date(self) -> datetime | None:
        """The date in the sender's own UTC offset, as the message stated it."""
        if self.date_utc is None:
            return None
        offset = timezone(timedelta(minutes=self.utc_offset_minutes or 0))
        return self.date_utc.replace(tzinfo=UTC).astimezone(offset)

    def __repr__(self) -> str:
        return f"Message({self.message_id!r})"


class Recipient(Base):
    """One To, Cc or List-Id entry of a message, resolved to a person or a list."""

    __tablename__ = "recipients"
    # a list's distinct messages counted from the index alone (migration 0011)
    __table_args__ = (Index("ix_recipients_person_messages", "person_id", "message_id"),)

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "to", "cc" or "list"
    position: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    name: Mapped[short_text]
    email: Mapped[short_text]

    message: Mapped[Message] = relationship(back_populates="recipients")
    person: Mapped[Person | None] = relationship(back_populates="recipients")


class Reference(Base):
    """One id a message's References header (then In-Reply-To) named, in order."""

    __tablename__ = "message_references"
    __table_args__ = (UniqueConstraint("message_id", "position"),)

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))  # the unique key leads
    position: Mapped[int] = mapped_column(Integer)
    referenced_id: Mapped[str] = mapped_column(String(998), index=True)

    message: Mapped[Message] = relationship(back_populates="references")


class Trailer(Base):
    """A `Key: value` trailer (Signed-off-by, Acked-by, …) found in a message."""

    __tablename__ = "trailers"

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[short_text]
    value: Mapped[long_text]

    message: Mapped[Message] = relationship(back_populates="trailers")
