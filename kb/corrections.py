"""Corrections: a person's author, parent or date for a message, which wins over inference.

Archive text has no From, no Message-ID and a clock without a zone, so threadlore infers them;
a reader who knows better says so. A correction is kept as its own row (who, when, the value it
replaced) and written onto the message at once, so every view — the tree, `show`, search — sees
it; a corrected parent moves the message and its replies into the parent's thread. Re-importing
the thread leaves it alone (stored messages are never rewritten by an import); `reapply` puts
corrections back after anything that recomputes inferred values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from threadlore.db.archive_sources import reinfer_source
from threadlore.db.models.decision_map import Correction as CorrectionRow
from threadlore.db.models.inferences import Inference
from threadlore.db.models.messages import Message
from threadlore.db.models.threads import Thread
from threadlore.db.people import PeopleIndex
from threadlore.db.store_writes import DriverWrites
from threadlore.importers.records import Address, InferredField, ParsedMessage
from threadlore.importers.records import Inference as InferenceRecord
from threadlore.kb.discussion import CorrectedField, Correction, Recorded

_CORRECTABLE = (InferredField.AUTHOR, InferredField.PARENT, InferredField.DATE)


def _value_of(message: ParsedMessage, field: CorrectedField) -> str:
    """A re-inferred message's value of a field, in the form a correction gives it."""
    if field is CorrectedField.AUTHOR:
        author = message.author
        if author is None:
            return ""
        return (
            f"{author.name} <{author.email}>"
            if author.name and author.email
            else (author.name or author.email)
        )
    if field is CorrectedField.PARENT:
        return message.in_reply_to or ""
    return message.date.isoformat() if message.date is not None else ""


class CorrectionError(ValueError):
    """A correction that cannot be made, said in one line."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class CorrectionView:
    """A correction as `show` and the UI present it: evidence that names who and when."""

    message_id: str
    field: CorrectedField
    value: str
    replaced: str
    recorded: Recorded
    undone: bool = False
    reinferred: int = 0  # other messages of the same archive page whose inferred values moved

    def describe(self) -> str:
        was = f"(was {self.replaced or 'none'})"
        by = self.recorded.describe()
        said = f"{self.field.value} corrected to {self.value or 'none'} {was} by {by}"
        if self.reinferred:
            said += f"; {self.reinferred} other messages of its page inferred again"
        return said

    def as_json(self) -> dict[str, Any]:
        return {
            "message": self.message_id,
            "field": self.field.value,
            "value": self.value,
            "replaced": self.replaced,
            "by": self.recorded.by,
            "at": self.recorded.at.isoformat(),
            "undone": self.undone,
            "reinferred": self.reinferred,
        }


def parse_date(text: str) -> datetime:
    """An ISO 8601 time with its offset ("2007-02-21T05:50:17+01:00"); UTC when none is given."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CorrectionError(f"{text!r} is not an ISO 8601 date and time") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


class CorrectionService:
    """Record, apply and undo corrections in one session; the caller commits."""

    def __init__(self, session: Session, user: str) -> None:
        self.session = session
        self.user = user

    def _message(self, ref: str) -> Message:
        from threadlore.db.queries import message_pk

        try:
            found = self.session.get(Message, message_pk(self.session, ref))
        except LookupError as exc:
            raise CorrectionError(str(exc)) from None
        assert found is not None
        if found.placeholder:
            raise CorrectionError(f"<{found.message_id}> was referenced but never seen")
        return found

    # ------------------------------------------------------------------ what a message says now

    def current(self, message: Message, field: CorrectedField) -> str:
        """The value a message has now, in the form a correction gives it."""
        if field is CorrectedField.AUTHOR:
            name, email = message.author_name or "", message.author_email or ""
            return f"{name} <{email}>" if name and email else name or email
        if field is CorrectedField.PARENT:
            if message.parent_id is None:
                return ""
            parent = self.session.get(Message, message.parent_id)
            return parent.message_id if parent is not None else ""
        when = message.date
        return when.isoformat() if when is not None else ""

    # ------------------------------------------------------------------ writing a value

    def _set_author(self, message: Message, value: str) -> None:
        if not value.strip():  # unknown, as inference may leave it (and undo gives it back)
            message.author_name = message.author_email = message.author_id = None
            return
        name, email = parseaddr(value)
        if not name and not email:
            raise CorrectionError(f"{value!r} is not a name or an address")
        if not email and "@" in name:
            name, email = "", name
        message.author_name = name or None
        message.author_email = email or None
        message.author_id = PeopleIndex(DriverWrites(self.session)).resolve(Address(name, email))

    def _set_date(self, message: Message, value: str) -> None:
        when = parse_date(value)
        offset = when.utcoffset() or timedelta(0)
        message.date_utc = when.astimezone(UTC).replace(tzinfo=None)
        message.utc_offset_minutes = int(offset.total_seconds() // 60)
        self._refresh_last_dates({message.thread_id})

    def _descendants(self, message: Message) -> list[int]:
        found, frontier = [message.id], [message.id]
        while frontier:
            frontier = list(
                self.session.scalars(select(Message.id).where(Message.parent_id.in_(frontier)))
            )
            frontier = [pk for pk in frontier if pk not in found]
            found.extend(frontier)
        return found

    def _set_parent(self, message: Message, value: str) -> None:
        subtree = self._descendants(message)
        if value:
            parent = self._message(value)
            if parent.id in subtree:
                raise CorrectionError(
                    f"<{parent.message_id}> is <{message.message_id}> or one of its replies"
                )
            message.parent_id, message.in_reply_to = parent.id, parent.message_id
            new_thread = parent.thread_id
        else:
            message.parent_id, message.in_reply_to = None, None
            new_thread = None
        old_thread = message.thread_id
        if new_thread is None:
            thread = Thread()
            self.session.add(thread)
            self.session.flush()
            new_thread = thread.id
        if new_thread != old_thread:
            self.session.execute(
                update(Message).where(Message.id.in_(subtree)).values(thread_id=new_thread)
            )
        self.session.flush()
        self._refresh_last_dates({old_thread, new_thread})

    def _refresh_last_dates(self, threads: set[int | None]) -> None:
        """Keep each thread's newest date (db/ingest's upkeep) right; drop emptied threads."""
        self.session.flush()
        for thread_id in threads - {None}:
            newest = self.session.scalar(
                select(func.max(Message.date_utc)).where(
                    Message.thread_id == thread_id, Message.placeholder.is_(False)
                )
            )
            thread = self.session.get(Thread, thread_id)
            if thread is None:
                continue
            left = self.session.scalar(
                select(func.count()).select_from(Message).where(Message.thread_id == thread_id)
            )
            if not left:
                self.session.delete(thread)
            else:
                thread.last_date_utc = newest
        self.session.flush()

    def _write(self, message: Message, field: CorrectedField, value: str) -> None:
        if field is CorrectedField.AUTHOR:
            self._set_author(message, value)
        elif field is CorrectedField.PARENT:
            self._set_parent(message, value)
        else:
            self._set_date(message, value)
        self.session.flush()

    # ------------------------------------------------------------------ the service

    def correct(
        self,
        message_ref: str,
        field: CorrectedField,
        value: str,
        *,
        recorded: Recorded | None = None,
    ) -> CorrectionView:
        """Give a message's author, parent or date; it wins from now on.

        `recorded` keeps who made it and when, for a correction that comes from a map file.
        """
        message = self._message(message_ref)
        if field is CorrectedField.PARENT and value:
            value = self._message(value).message_id
        if field is CorrectedField.DATE:
            value = parse_date(value).isoformat()
        before = self.current(message, field)
        if value == before:
            raise CorrectionError(f"<{message.message_id}> already has {field.value} {value!r}")
        self._write(message, field, value)
        row = CorrectionRow(
            message_id=message.id,
            field=field.value,
            value=value,
            replaced=before,
            recorded_by=recorded.by if recorded else self.user,
            recorded_at=recorded.at if recorded else _now(),
        )
        self.session.add(row)
        self.session.flush()
        return replace(self._view(row, message.message_id), reinferred=self._reinfer_page(message))

    def undo(self, message_ref: str, field: CorrectedField | None = None) -> CorrectionView:
        """Take back the newest live correction of a message (of one field, if given)."""
        message = self._message(message_ref)
        query = select(CorrectionRow).where(
            CorrectionRow.message_id == message.id, CorrectionRow.undone.is_(False)
        )
        if field is not None:
            query = query.where(CorrectionRow.field == field.value)
        row = self.session.scalars(query.order_by(CorrectionRow.id.desc()).limit(1)).first()
        if row is None:
            raise CorrectionError(f"<{message.message_id}> has no correction to undo")
        self._write(message, CorrectedField(row.field), row.replaced)
        row.undone = True
        self.session.flush()
        return replace(self._view(row, message.message_id), reinferred=self._reinfer_page(message))

    def apply_all(self, corrections: Iterable[Correction]) -> int:
        """Apply corrections a map file carries, skipping those the store already has."""
        applied = 0
        for correction in corrections:
            message = self._message(correction.message_id)
            value = correction.value
            if correction.field is CorrectedField.DATE:
                value = parse_date(value).isoformat()
            if self.current(message, correction.field) == value:
                continue
            self.correct(
                correction.message_id, correction.field, value, recorded=correction.recorded
            )
            applied += 1
        return applied

    def of_message(self, message_pk: int) -> list[CorrectionView]:
        """Every correction of one message, oldest first (undone ones marked)."""
        message_id = self.session.scalar(select(Message.message_id).where(Message.id == message_pk))
        rows = self.session.scalars(
            select(CorrectionRow)
            .where(CorrectionRow.message_id == message_pk)
            .order_by(CorrectionRow.id)
        )
        return [self._view(row, message_id or "") for row in rows]

    def reapply(self, message_pks: Iterable[int] | None = None) -> int:
        """Write every live correction onto its message again (after values were recomputed)."""
        query = select(CorrectionRow).where(CorrectionRow.undone.is_(False))
        if message_pks is not None:
            query = query.where(CorrectionRow.message_id.in_(list(message_pks)))
        newest: dict[tuple[int, str], CorrectionRow] = {}
        for row in self.session.scalars(query.order_by(CorrectionRow.id)):
            newest[(row.message_id, row.field)] = row
        changed = 0
        for (pk, field_name), row in newest.items():
            message = self.session.get(Message, pk)
            field = CorrectedField(field_name)
            if message is not None and self.current(message, field) != row.value:
                self._write(message, field, row.value)
                changed += 1
        return changed

    def _reinfer_page(self, corrected: Message) -> int:
        """Infer the rest of an archive-text page again with its corrections taken as certain,
        and write what changed; how many other messages moved.

        Archive text has no headers, so one message's author or parent is evidence for its
        neighbours' (a reply drops its author from the parent's recipients; a parent changes
        which earlier messages a later one can answer). Mail with real headers needs none of it.
        """
        if not corrected.synthetic or corrected.source_id is None:
            return 0
        rows = {
            m.message_id: m
            for m in self.session.scalars(
                select(Message).where(Message.source_id == corrected.source_id)
            )
        }
        pinned: dict[str, dict[InferredField, str]] = {}
        for message_id, field_name, value in self.session.execute(
            select(Message.message_id, CorrectionRow.field, CorrectionRow.value)
            .join(Message, Message.id == CorrectionRow.message_id)
            .where(Message.source_id == corrected.source_id, CorrectionRow.undone.is_(False))
            .order_by(CorrectionRow.id)
        ):
            pinned.setdefault(message_id, {})[InferredField(field_name)] = value
        moved = 0
        for parsed in reinfer_source(self.session, corrected.source_id, pinned):
            message = rows.get(parsed.message_id)
            if message is None or message.id == corrected.id:
                continue
            changed = False
            for inferred_field in _CORRECTABLE:
                if inferred_field in pinned.get(parsed.message_id, {}):
                    continue
                field = CorrectedField(inferred_field.value)
                value = _value_of(parsed, field)
                if self.current(message, field) != value:
                    self._write(message, field, value)
                    changed = True
                self._replace_inference(
                    message.id, inferred_field, parsed.inference(inferred_field)
                )
            moved += changed
        self.session.flush()
        return moved

    def _replace_inference(
        self, message_pk: int, field: InferredField, inferred: InferenceRecord | None
    ) -> None:
        """The message's evidence for a field is what the page says now (none if nothing)."""
        self.session.execute(
            delete(Inference).where(
                Inference.message_id == message_pk, Inference.field == field.value
            )
        )
        if inferred is not None:
            self.session.add(
                Inference(
                    message_id=message_pk,
                    field=field.value,
                    value=inferred.value,
                    confidence=inferred.confidence,
                    evidence=list(inferred.evidence),
                )
            )

    @staticmethod
    def _view(row: CorrectionRow, message_id: str) -> CorrectionView:
        return CorrectionView(
            message_id=message_id,
            field=CorrectedField(row.field),
            value=row.value,
            replaced=row.replaced,
            recorded=Recorded(row.recorded_by, row.recorded_at),
            undone=row.undone,
        )
