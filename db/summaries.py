"""The one SELECT that turns message rows into MessageSummary views, shared by every query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, exists, func, select
from sqlalchemy.orm import aliased

from threadlore.db.models.decision_map import Correction
from threadlore.db.models.inferences import Inference
from threadlore.db.models.messages import Message
from threadlore.db.models.patches import Patch
from threadlore.db.models.people import Person
from threadlore.db.views import MessageSummary, local_date

Parent = aliased(Message, name="parent")


def summary_select() -> Select[Any]:
    """Every column a MessageSummary needs, plus the row's key, parent key and placeholder flag."""
    corrected = (
        select(Correction.id)
        .where(
            Correction.message_id == Message.id,
            Correction.field == "author",
            Correction.undone.is_(False),
        )
        .exists()
    )
    author_confidence = (  # an author a person corrected is no longer a guess
        select(func.max(Inference.confidence))
        .where(Inference.message_id == Message.id, Inference.field == "author", ~corrected)
        .scalar_subquery()
    )
    return (
        select(
            Message.message_id,
            Message.position,
            func.coalesce(Person.name, Message.author_name, Message.author_email).label("author"),
            Parent.message_id.label("parent"),
            Message.date_utc,
            Message.utc_offset_minutes,
            Message.subject,
            exists().where(Patch.message_id == Message.id).label("has_patch"),
            Message.thread_id,
            author_confidence.label("author_confidence"),
            Message.id.label("pk"),
            Message.parent_id.label("parent_pk"),
            Message.placeholder,
        )
        .outerjoin(Person, Person.id == Message.author_id)
        .outerjoin(Parent, Parent.id == Message.parent_id)
    )


def to_summary(row: Row[Any]) -> MessageSummary:
    """A summary view of one row of `summary_select()`."""
    return MessageSummary(
        id=row.message_id,
        position=row.position or 0,
        author=row.author,
        parent=row.parent,
        date=local_date(row.date_utc, row.utc_offset_minutes),
        subject=row.subject,
        has_patch=bool(row.has_patch),
        thread=row.thread_id,
        author_confidence=row.author_confidence,
    )
