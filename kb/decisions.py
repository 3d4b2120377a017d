"""The decisions service: a thread's map — read it, load it from a file, record, edit, undo.

The command line and the UI both go through `DecisionService`; the store keeps the rows
(db/models/decision_map.py). Reading never writes. Every change is one user action — recording a
proposal may also add its question and topic — journalled entry by entry with the state before
and after, so `undo` puts the newest action back exactly. Quotes are checked verbatim against the
stored message (runs of whitespace count as one space), as the map loader checks a file's.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from threadlore.db.models.decision_map import Correction as CorrectionRow
from threadlore.db.models.decision_map import DecisionMap, MapChange, MapEntry, MapQuote
from threadlore.db.models.messages import Message, Recipient
from threadlore.db.models.people import Person as PersonRow
from threadlore.importers.subjects import strip_reply_markers
from threadlore.kb.corrections import CorrectionService
from threadlore.kb.discussion import (
    CorrectedField,
    Correction,
    DiscussionMap,
    Person,
    Recorded,
    Status,
    StoredMap,
    ThreadLocator,
)
from threadlore.kb.map_loader import (
    DATE_FORMAT,
    ThreadMessage,
    load_map,
    locate_quotes,
    message_date_text,
)
from threadlore.kb.map_rows import Snapshot, assemble, content, snapshot, snapshots
from threadlore.kb.map_writer import map_document, write_map
from threadlore.kb.quoting import normalize_space, own_words, shorten, slugify


class DecisionError(ValueError):
    """A change the map cannot take, said in one line."""


def local_user() -> str:
    """Who records by default: the login name of whoever runs threadlore."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class MapImport:
    """What loading a map file did to the thread's map."""

    path: str
    thread_id: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    corrections: int = 0

    def describe(self) -> str:
        counts = (
            ("added", self.added),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
            ("removed", self.removed),
            ("corrections applied", self.corrections),
        )
        said = ", ".join(f"{n} {what}" for what, n in counts if n)
        return f"{self.path}: thread {self.thread_id}: {said or 'nothing to load'}"

    def as_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class ChangeView:
    """One journalled action: what was done, to which entries, by whom and when."""

    batch: int
    thread_id: int
    action: str
    slugs: tuple[str, ...]
    recorded: Recorded
    undone: bool

    def describe(self) -> str:
        shown = ", ".join(self.slugs[:3])
        if len(self.slugs) > 3:
            shown += f" and {len(self.slugs) - 3} more"
        return f"{self.action} {shown} (by {self.recorded.describe()})"

    def as_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "thread": self.thread_id,
            "action": self.action,
            "entries": list(self.slugs),
            "by": self.recorded.by,
            "at": self.recorded.at.isoformat(),
            "undone": self.undone,
        }


class DecisionService:
    """One session's view of every thread's map; writes are flushed, the caller commits."""

    def __init__(self, session: Session, user: str | None = None) -> None:
        self.session = session
        self.user = user or local_user()
        self._batch: int | None = None
        self._action_name = ""
        self._keys: dict[int, str] = {}
        self._pks: dict[str, int] = {}

    # ------------------------------------------------------------------ reading

    def _thread_of_map(self, record: DecisionMap) -> int:
        thread = self.session.scalar(
            select(Message.thread_id).where(Message.id == record.anchor_id)
        )
        if thread is None:
            raise DecisionError(f"the map {record.title!r} lost its thread")
        return thread

    def _records(self, thread_id: int | None) -> list[DecisionMap]:
        query = (
            select(DecisionMap)
            .join(Message, Message.id == DecisionMap.anchor_id)
            .order_by(Message.thread_id, DecisionMap.id)
        )
        if thread_id is not None:
            query = query.where(Message.thread_id == thread_id)
        return list(self.session.scalars(query))

    def maps(self, thread_id: int | None = None) -> list[StoredMap]:
        """Every stored map (or one thread's), assembled; reads only."""
        return [self._assemble(record) for record in self._records(thread_id)]

    def entry_ids(self, thread_id: int) -> set[str]:
        """The ids of the entries on the thread's map (none when it has no map)."""
        records = [r.id for r in self._records(thread_id)]
        return set(self.session.scalars(select(MapEntry.slug).where(MapEntry.map_id.in_(records))))

    def thread_map(self, thread_id: int) -> StoredMap | None:
        """The thread's map, if it has one."""
        found = self.maps(thread_id)
        return found[0] if found else None

    def _assemble(self, record: DecisionMap) -> StoredMap:
        thread_id = self._thread_of_map(record)
        entries = list(
            self.session.scalars(
                select(MapEntry)
                .where(MapEntry.map_id == record.id)
                .options(selectinload(MapEntry.quotes))
            )
        )
        quoted = {q.message_id for e in entries for q in e.quotes} | {record.anchor_id}
        messages = {
            m.id: m for m in self.session.scalars(select(Message).where(Message.id.in_(quoted)))
        }
        dates = {
            m.message_id: message_date_text(m.date, record.timezone) or ""
            for m in messages.values()
        }
        anchor = messages[record.anchor_id]
        thread = ThreadLocator(
            title=record.title,
            first_by=self.name_of(anchor),
            first_date=dates[anchor.message_id],
            source=record.source,
            timezone=record.timezone,
            first_message_id=anchor.message_id,
        )
        discussion = assemble(
            thread,
            (Person(p["name"], tuple(p.get("aliases", ()))) for p in record.people),
            (self._snapshot_of(e) for e in entries),
            dates=dates,
            corrections=self._corrections(thread_id),
        )
        return StoredMap(thread_id, record.id, discussion)

    def _snapshot_of(self, entry: MapEntry) -> Snapshot:
        """A stored entry as a snapshot, its quotes naming their messages by Message-ID."""
        found = snapshot(
            entry.kind,
            entry.slug,
            entry.position,
            entry.fields,
            recorded=Recorded(entry.recorded_by, entry.recorded_at),
        )
        keys = self._message_keys(q.message_id for q in entry.quotes)
        found["quotes"] = [
            {
                "message": keys[q.message_id],
                "by": q.by_name,
                "writer": q.writer_name,
                "text": q.text,
            }
            for q in entry.quotes
        ]
        return found

    def _message_keys(self, pks: Iterable[int]) -> dict[int, str]:
        """Message-IDs by row id, remembered for the session (quotes name a few messages often)."""
        missing = set(pks) - set(self._keys)
        if missing:
            rows = self.session.execute(
                select(Message.id, Message.message_id).where(Message.id.in_(missing))
            )
            for pk, key in rows:
                self._keys[pk], self._pks[key] = key, pk
        return self._keys

    def _message_pks(self, message_ids: Iterable[str]) -> dict[str, int]:
        """Row ids by Message-ID, remembered; DecisionError names one the store lacks."""
        missing = set(message_ids) - set(self._pks)
        if missing:
            rows = self.session.execute(
                select(Message.message_id, Message.id).where(Message.message_id.in_(missing))
            )
            for key, pk in rows:
                self._keys[pk], self._pks[key] = key, pk
            absent = missing - set(self._pks)
            if absent:
                raise DecisionError(f"no stored message <{sorted(absent)[0]}>")
        return self._pks

    def _corrections(self, thread_id: int) -> tuple[Correction, ...]:
        rows = self.session.execute(
            select(CorrectionRow, Message.message_id)
            .join(Message, Message.id == CorrectionRow.message_id)
            .where(Message.thread_id == thread_id, CorrectionRow.undone.is_(False))
            .order_by(CorrectionRow.id)
        ).all()
        newest = {(row.message_id, row.field): (row, mid) for row, mid in rows}
        return tuple(
            Correction(
                mid,
                CorrectedField(row.field),
                row.value,
                Recorded(row.recorded_by, row.recorded_at),
            )
            for row, mid in sorted(newest.values(), key=lambda pair: pair[0].id)
        )

    def history(self, thread_id: int | None = None, limit: int = 20) -> list[ChangeView]:
        """The newest actions on the maps (of one thread), newest first."""
        records = {r.id: r for r in self._records(thread_id)}
        if not records:
            return []
        rows = self.session.scalars(
            select(MapChange)
            .where(MapChange.map_id.in_(records))
            .order_by(MapChange.batch.desc(), MapChange.id)
        ).all()
        views: dict[int, ChangeView] = {}
        for row in rows:
            view = views.get(row.batch)
            slugs = (*view.slugs, row.slug) if view else (row.slug,)
            views[row.batch] = ChangeView(
                row.batch,
                self._thread_of_map(records[row.map_id]),
                row.action,
                tuple(dict.fromkeys(slugs)),
                Recorded(row.recorded_by, row.recorded_at),
                row.undone,
            )
        return list(views.values())[:limit]

    # ------------------------------------------------------------------ files

    def export_yaml(self, thread_id: int) -> str:
        """The thread's map (and corrections) as a reviewable YAML file's text."""
        return write_map(self._exported(thread_id))

    def export_document(self, thread_id: int) -> dict[str, Any]:
        """The same map as plain data (what `map export --json` prints; `map import` reads it)."""
        return map_document(self._exported(thread_id))

    def _exported(self, thread_id: int) -> DiscussionMap:
        stored = self.thread_map(thread_id)
        if stored is None:
            raise DecisionError(f"thread {thread_id} has no decision map")
        return stored.discussion

    def import_file(
        self, path: Path, *, thread_id: int | None = None, replace: bool = False
    ) -> MapImport:
        """Load a map file into its thread's map: new entries added, changed ones updated.

        Entries only the store has are kept, unless `replace`. Loading the same file again
        changes nothing. MapError (file, entry, problem) when the file or a quote is wrong;
        DecisionError when no stored thread is the one the file describes.
        """
        discussion = load_map(path)
        thread_id = thread_id if thread_id is not None else self._locate_thread(discussion, path)
        located = locate_quotes(discussion, self._thread_messages(thread_id))
        record = self._map_record(thread_id, create=True)
        assert record is not None
        record.title = discussion.thread.title
        record.timezone = discussion.thread.timezone
        record.source = discussion.thread.source
        record.people = [{"name": p.name, "aliases": list(p.aliases)} for p in discussion.people]
        existing = {e.slug: e for e in record.entries}
        counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
        with self.action(f"import {Path(path).name}"):
            wanted = snapshots(located)
            for entry in wanted:
                old = existing.get(entry["slug"])
                if old is not None and content(self._snapshot_of(old)) == content(entry):
                    counts["unchanged"] += 1
                    continue
                self._put(record, entry, old)
                counts["updated" if old else "added"] += 1
            if replace:
                keep = {e["slug"] for e in wanted}
                for slug, old in existing.items():
                    if slug not in keep:
                        self._drop(record, old)
                        counts["removed"] += 1
        applied = CorrectionService(self.session, self.user).apply_all(located.corrections)
        return MapImport(str(path), thread_id, corrections=applied, **counts)

    def _locate_thread(self, discussion: DiscussionMap, path: Path) -> int:
        """The stored thread holding the map's first message (by id, or by author and minute)."""
        wanted = discussion.thread
        if wanted.first_message_id:
            thread = self.session.scalar(
                select(Message.thread_id).where(Message.message_id == wanted.first_message_id)
            )
            if thread is not None:
                return thread
            raise DecisionError(
                f"{path}: the store has no message <{wanted.first_message_id}>; "
                "import the thread first"
            )
        wall = datetime.strptime(wanted.first_date, DATE_FORMAT)
        # Without a zone the minute is the sender's own clock: any offset on Earth may apply.
        zone = ZoneInfo(wanted.timezone) if wanted.timezone else UTC
        start = wall.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        slack = timedelta(hours=0 if wanted.timezone else 14)
        person = discussion.person(wanted.first_by)
        names = {n.casefold() for n in (person.names() if person else (wanted.first_by,))}
        for message in self.session.scalars(
            select(Message).where(
                Message.placeholder.is_(False),
                Message.thread_id.is_not(None),
                Message.date_utc >= start - slack,
                Message.date_utc < start + slack + timedelta(minutes=1),
            )
        ):
            author = (message.author_name or message.author_email or "").casefold()
            same_minute = message_date_text(message.date, wanted.timezone) == wanted.first_date
            if same_minute and any(n == author or n in author for n in names):
                assert message.thread_id is not None
                return message.thread_id
        raise DecisionError(
            f"{path}: no stored thread starts with a message by {wanted.first_by} at "
            f"{wanted.first_date}; import the thread first"
        )

    def _thread_messages(self, thread_id: int) -> list[ThreadMessage]:
        """The thread's messages and those of the files they came from, for checking quotes."""
        sources = select(Message.source_id).where(Message.thread_id == thread_id).distinct()
        rows = self.session.scalars(
            select(Message)
            .where(
                Message.placeholder.is_(False),
                (Message.thread_id == thread_id) | Message.source_id.in_(sources),
            )
            .order_by(Message.id)
        ).all()
        names: dict[int, list[str]] = {}
        for pk, name, email in self.session.execute(
            select(Recipient.message_id, Recipient.name, Recipient.email).where(
                Recipient.message_id.in_([m.id for m in rows])
            )
        ):
            names.setdefault(pk, []).extend(t for t in (name, email) if t)
        return [
            ThreadMessage(
                message_id=m.message_id,
                author=m.author_name or m.author_email,
                date=m.date,
                body=m.body,
                names=(*(n for n in (m.author_name, m.author_email) if n), *names.get(m.id, ())),
            )
            for m in rows
        ]

    # ------------------------------------------------------------------ the journal

    @contextmanager
    def action(self, action: str) -> Iterator[None]:
        """Group the changes made inside into one undoable action."""
        if self._batch is not None:  # nested: part of the enclosing action
            yield
            return
        newest = self.session.scalar(select(func.max(MapChange.batch))) or 0
        self._batch, self._action_name = newest + 1, shorten(action, 255)
        try:
            yield
        finally:
            self._batch = None
        self.session.flush()

    def _journal(
        self, record: DecisionMap, slug: str, before: Snapshot | None, after: Snapshot | None
    ) -> None:
        assert self._batch is not None, "changes are made inside an action"
        self.session.add(
            MapChange(
                map_id=record.id,
                batch=self._batch,
                action=self._action_name,
                slug=slug,
                before=before,
                after=after,
                recorded_by=self.user,
                recorded_at=_now(),
            )
        )

    def _write_row(
        self, record: DecisionMap, entry: Snapshot, current: MapEntry | None
    ) -> MapEntry:
        """Make the stored entry say what the snapshot says (a new row when there is none)."""
        row = current or MapEntry(map_id=record.id, slug=entry["slug"])
        row.kind, row.position, row.fields = entry["kind"], entry["position"], entry["fields"]
        recorded = entry.get("recorded") or {"by": self.user, "at": _now().isoformat()}
        row.recorded_by, row.recorded_at = recorded["by"], datetime.fromisoformat(recorded["at"])
        pks = self._message_pks(q["message"] for q in entry["quotes"])
        row.quotes = [
            MapQuote(
                position=i,
                message_id=pks[q["message"]],
                by_name=q["by"],
                writer_name=q["writer"],
                text=q["text"],
            )
            for i, q in enumerate(entry["quotes"])
        ]
        if current is None:
            record.entries.append(row)
        return row

    def _put(self, record: DecisionMap, entry: Snapshot, old: MapEntry | None) -> MapEntry:
        """Write one entry (new, or over `old`) and journal it."""
        before = self._snapshot_of(old) if old is not None else None
        after = {**entry, "recorded": entry.get("recorded")}
        after["recorded"] = after["recorded"] or {"by": self.user, "at": _now().isoformat()}
        row = self._write_row(record, after, old)
        self._journal(record, row.slug, before, after)
        return row

    def _drop(self, record: DecisionMap, entry: MapEntry) -> None:
        self._journal(record, entry.slug, self._snapshot_of(entry), None)
        record.entries.remove(entry)  # an orphan entry is deleted, its quotes with it

    def undo(self, thread_id: int | None = None) -> ChangeView:
        """Put back the newest action not yet undone (on one thread's map, if given)."""
        records = {r.id: r for r in self._records(thread_id)}
        query = select(MapChange.batch).where(MapChange.undone.is_(False))
        if thread_id is not None:
            query = query.where(MapChange.map_id.in_(records))
        batch = self.session.scalar(query.order_by(MapChange.batch.desc()).limit(1))
        if batch is None:
            raise DecisionError("nothing to undo")
        changes = self.session.scalars(
            select(MapChange).where(MapChange.batch == batch).order_by(MapChange.id.desc())
        ).all()
        maps = {
            c.map_id: records.get(c.map_id) or self.session.get(DecisionMap, c.map_id)
            for c in changes
        }
        for change in changes:
            record = maps[change.map_id]
            assert record is not None
            current = self._entry_row(record, change.slug)
            if change.before is None:
                if current is not None:
                    record.entries.remove(current)
            else:
                self._write_row(record, change.before, current)
            change.undone = True
        self.session.flush()
        first = changes[-1]
        first_map = maps[first.map_id]
        assert first_map is not None
        return ChangeView(
            batch,
            self._thread_of_map(first_map),
            first.action,
            tuple(dict.fromkeys(c.slug for c in reversed(changes))),
            Recorded(first.recorded_by, first.recorded_at),
            undone=True,
        )

    # ------------------------------------------------------------------ recording

    def _map_record(self, thread_id: int, *, create: bool) -> DecisionMap | None:
        records = self._records(thread_id)
        if records:
            return records[0]
        if not create:
            return None
        anchor = self.session.scalars(
            select(Message)
            .where(Message.thread_id == thread_id, Message.placeholder.is_(False))
            .order_by(Message.date_utc, Message.id)
            .limit(1)
        ).first()
        if anchor is None:
            raise DecisionError(f"no thread {thread_id}")
        record = DecisionMap(
            anchor_id=anchor.id,
            title=strip_reply_markers(anchor.subject) or f"thread {thread_id}",
            timezone="UTC",
            source=None,
            people=[],
        )
        self.session.add(record)
        self.session.flush()
        return record

    def _entry_row(self, record: DecisionMap, slug: str) -> MapEntry | None:
        return next((e for e in record.entries if e.slug == slug), None)

    def find_entry(self, slug: str, thread_id: int | None = None) -> tuple[DecisionMap, MapEntry]:
        """The entry with this id (on one thread's map, if given); DecisionError if none or many."""
        query = select(MapEntry).where(MapEntry.slug == slug)
        if thread_id is not None:
            query = query.where(MapEntry.map_id.in_([r.id for r in self._records(thread_id)]))
        found = list(self.session.scalars(query))
        if not found:
            where = f" on the map of thread {thread_id}" if thread_id is not None else ""
            raise DecisionError(f"no map entry {slug!r}{where}")
        if len(found) > 1:
            threads = sorted(self._thread_of_map(e.map) for e in found)
            raise DecisionError(
                f"{slug!r} is on the maps of threads {', '.join(map(str, threads))}: "
                "say which with --thread"
            )
        return found[0].map, found[0]

    def name_of(self, message: Message) -> str:
        if message.author_id is not None:
            person = self.session.get(PersonRow, message.author_id)
            if person is not None and not person.is_list:
                return person.name
        return message.author_name or message.author_email or "unknown sender"

    def _message(self, thread_id: int, ref: str) -> Message:
        from threadlore.db.queries import message_pk

        try:
            message = self.session.get(Message, message_pk(self.session, ref))
        except LookupError as exc:
            raise DecisionError(str(exc)) from None
        assert message is not None
        if message.thread_id != thread_id:
            raise DecisionError(f"message {ref!r} is not in thread {thread_id}")
        return message

    def _quote(self, message: Message, text: str) -> dict[str, str]:
        """The quote's stored form, once its words are found in the message's own text."""
        words = normalize_space(text)
        if not words:
            raise DecisionError("the quote is empty")
        if words not in own_words(message.body):
            if words in normalize_space(message.body):
                raise DecisionError(
                    f"those words are quoted in <{message.message_id}> from an earlier message: "
                    "record them on the message that wrote them"
                )
            raise DecisionError(f"the quote is not in <{message.message_id}>: {shorten(words)!r}")
        name = self.name_of(message)
        return {"message": message.message_id, "by": name, "writer": name, "text": words}

    def _new_slug(self, record: DecisionMap, text: str) -> str:
        base = slugify(text)
        taken = {e.slug for e in record.entries}
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _next_position(self, record: DecisionMap, kind: str) -> int:
        return 1 + max((e.position for e in record.entries if e.kind == kind), default=-1)

    def _add(
        self,
        record: DecisionMap,
        kind: str,
        slug_text: str,
        fields: dict[str, Any],
        quotes: Sequence[dict[str, str]] = (),
    ) -> str:
        slug = self._new_slug(record, slug_text)
        entry = snapshot(kind, slug, self._next_position(record, kind), fields)
        entry["quotes"] = list(quotes)
        entry["recorded"] = {"by": self.user, "at": _now().isoformat()}
        self._put(record, entry, None)
        return slug

    def _by_slug_or_title(self, record: DecisionMap, kind: str, text: str) -> MapEntry | None:
        wanted = normalize_space(text).casefold()
        return next(
            (
                e
                for e in record.entries
                if e.kind == kind
                and (
                    e.slug == text
                    or normalize_space(e.fields.get("title", "")).casefold() == wanted
                )
            ),
            None,
        )

    def _topic(self, record: DecisionMap, topic: str | None) -> str:
        if topic is None:
            first = min(
                (e for e in record.entries if e.kind == "topic"),
                key=lambda e: e.position,
                default=None,
            )
            if first is not None:
                return first.slug
            topic = record.title
        found = self._by_slug_or_title(record, "topic", topic)
        if found is not None:
            return found.slug
        return self._add(record, "topic", topic, {"title": normalize_space(topic), "keywords": []})

    def _question(self, record: DecisionMap, question: str, topic: str | None) -> str:
        found = self._by_slug_or_title(record, "question", question)
        if found is not None:
            return found.slug
        fields = {
            "topic": self._topic(record, topic),
            "title": normalize_space(question),
            "keywords": [],
        }
        return self._add(record, "question", question, fields)

    def add_proposal(
        self,
        thread_id: int,
        message_ref: str,
        quote: str,
        *,
        question: str,
        topic: str | None = None,
        title: str | None = None,
        policy: str | None = None,
    ) -> str:
        """Record a proposal quoted from a message, under a question (and topic) new or existing."""
        message = self._message(thread_id, message_ref)
        source = self._quote(message, quote)
        record = self._map_record(thread_id, create=True)
        assert record is not None
        with self.action("add proposal"):
            question_slug = self._question(record, question, topic)
            fields = {
                "question": question_slug,
                "title": normalize_space(title) if title else shorten(source["text"]),
                "policy": policy,
                "policy_note": None,
                "decision": None,
            }
            return self._add(record, "proposal", title or source["text"], fields, [source])

    def _check_targets(self, record: DecisionMap, targets: Sequence[str]) -> None:
        for target in targets:
            entry = self._entry_row(record, target)
            if entry is None or entry.kind not in ("proposal", "argument"):
                raise DecisionError(f"{target!r} is not a proposal or argument on this map")

    def add_argument(
        self,
        thread_id: int,
        message_ref: str,
        quote: str,
        *,
        supports: Sequence[str] = (),
        attacks: Sequence[str] = (),
    ) -> str:
        """Record an argument for (supports) or against (attacks) proposals or arguments."""
        if not supports and not attacks:
            raise DecisionError("an argument supports or attacks a proposal or another argument")
        message = self._message(thread_id, message_ref)
        words = self._quote(message, quote)
        record = self._map_record(thread_id, create=False)
        if record is None:
            raise DecisionError(f"thread {thread_id} has no map yet: record a proposal first")
        self._check_targets(record, (*supports, *attacks))
        with self.action("add argument"):
            fields = {"supports": list(supports), "attacks": list(attacks), "about": None}
            return self._add(record, "argument", words["text"], fields, [words])

    def add_source(
        self, slug: str, message_ref: str, quote: str, *, thread_id: int | None = None
    ) -> None:
        """Add another quote to a proposal: where it was restated, or a candidate merged into it."""
        record, entry = self.find_entry(slug, thread_id)
        if entry.kind != "proposal":
            raise DecisionError(f"{slug!r} is a {entry.kind}, not a proposal")
        message = self._message(self._thread_of_map(record), message_ref)
        source = self._quote(message, quote)
        current = self._snapshot_of(entry)
        if any(
            q["message"] == source["message"] and q["text"] == source["text"]
            for q in current["quotes"]
        ):
            raise DecisionError(f"{slug!r} already quotes those words")
        with self.action("add source to"):
            self._put(record, {**current, "quotes": [*current["quotes"], source]}, entry)

    def set_status(
        self,
        slug: str,
        status: Status,
        *,
        thread_id: int | None = None,
        summary: str | None = None,
        evidence: Sequence[str] = (),
        evidence_quote: tuple[str, str] | None = None,
        superseded_by: str | None = None,
    ) -> None:
        """Decide a proposal: its status, why (arguments, or a quote that becomes one), and by what
        it was superseded."""
        record, entry = self.find_entry(slug, thread_id)
        if entry.kind != "proposal":
            raise DecisionError(f"{slug!r} is a {entry.kind}: only proposals are decided")
        if status is Status.SUPERSEDED and superseded_by is None:
            raise DecisionError("a superseded proposal needs --superseded-by PROPOSAL")
        if superseded_by is not None:
            other = self._entry_row(record, superseded_by)
            if other is None or other.kind != "proposal":
                raise DecisionError(f"{superseded_by!r} is not a proposal on this map")
        self._check_targets(record, evidence)
        with self.action(f"set {status.value}"):
            reasons = list(evidence)
            if evidence_quote is not None:
                message = self._message(self._thread_of_map(record), evidence_quote[0])
                words = self._quote(message, evidence_quote[1])
                against = status in (Status.REJECTED, Status.SUPERSEDED)
                fields = {
                    "supports": [] if against else [slug],
                    "attacks": [slug] if against else [],
                    "about": None,
                }
                reasons.append(self._add(record, "argument", words["text"], fields, [words]))
            current = self._snapshot_of(entry)
            old = current["fields"].get("decision") or {}
            decision = {
                "status": status.value,
                "summary": normalize_space(summary)
                if summary
                else old.get("summary") or status.value,
                "evidence": reasons or list(old.get("evidence", ())),
                "superseded_by": superseded_by,
                "later": list(old.get("later", ())),
                "recorded": {"by": self.user, "at": _now().isoformat()},
            }
            self._put(
                record, {**current, "fields": {**current["fields"], "decision": decision}}, entry
            )

    def edit(
        self,
        slug: str,
        *,
        thread_id: int | None = None,
        title: str | None = None,
        question: str | None = None,
        topic: str | None = None,
        supports: Sequence[str] | None = None,
        attacks: Sequence[str] | None = None,
        policy: str | None = None,
    ) -> None:
        """Change what an entry says: its title, where it sits, what it argues about."""
        record, entry = self.find_entry(slug, thread_id)
        current = self._snapshot_of(entry)
        fields = dict(current["fields"])
        with self.action("edit"):
            if title is not None:
                if entry.kind == "argument":
                    raise DecisionError("an argument's words are its quote: record a new one")
                fields["title"] = normalize_space(title)
            if question is not None:
                if entry.kind != "proposal":
                    raise DecisionError("only a proposal moves to another question")
                fields["question"] = self._question(record, question, topic)
            elif topic is not None:
                if entry.kind != "question":
                    raise DecisionError(
                        "only a question moves to another topic (or give --question)"
                    )
                fields["topic"] = self._topic(record, topic)
            if supports is not None or attacks is not None:
                if entry.kind != "argument":
                    raise DecisionError("only an argument supports or attacks")
                fields["supports"] = list(supports if supports is not None else fields["supports"])
                fields["attacks"] = list(attacks if attacks is not None else fields["attacks"])
                self._check_targets(record, (*fields["supports"], *fields["attacks"]))
                if slug in (*fields["supports"], *fields["attacks"]):
                    raise DecisionError("an argument cannot target itself")
            if policy is not None:
                fields["policy"] = policy or None
            if fields == current["fields"]:
                raise DecisionError("nothing to change")
            self._put(record, {**current, "fields": fields}, entry)

    @staticmethod
    def _without(fields: dict[str, Any], gone: set[str]) -> dict[str, Any]:
        """An entry's fields with every reference to a removed entry taken out."""
        cleaned = dict(fields)
        for key in ("supports", "attacks"):
            if key in cleaned:
                cleaned[key] = [t for t in cleaned[key] if t not in gone]
        decision = cleaned.get("decision")
        if decision:
            decision = {**decision, "evidence": [e for e in decision["evidence"] if e not in gone]}
            if decision.get("superseded_by") in gone:
                decision["superseded_by"] = None
            cleaned["decision"] = decision
        return cleaned

    @staticmethod
    def _needs(entry: MapEntry, gone: set[str]) -> bool:
        """Whether an entry cannot stand without the removed ones: its question or topic, or
        every target it argues about."""
        f = entry.fields
        if f.get("question") in gone or f.get("topic") in gone:
            return True
        targets = [*f.get("supports", ()), *f.get("attacks", ())]
        return bool(targets) and all(t in gone for t in targets)

    def remove(
        self, slug: str, *, thread_id: int | None = None, cascade: bool = False
    ) -> list[str]:
        """Remove an entry, and with `cascade` the entries that cannot stand without it; other
        entries just stop naming it (as evidence, a target, what superseded them). The ids
        removed, in order."""
        record, entry = self.find_entry(slug, thread_id)
        gone = [entry.slug]
        while True:
            needing = [
                e for e in record.entries if e.slug not in gone and self._needs(e, set(gone))
            ]
            if not needing:
                break
            if not cascade:
                names = ", ".join(e.slug for e in needing[:5])
                raise DecisionError(
                    f"{gone[-1]!r} is needed by {names}: remove those, or --cascade"
                )
            gone.extend(e.slug for e in needing)
        with self.action("remove"):
            for victim in [e for e in record.entries if e.slug in gone]:
                self._drop(record, victim)
            for other in list(record.entries):
                cleaned = self._without(other.fields, set(gone))
                if cleaned != other.fields:
                    current = self._snapshot_of(other)
                    self._put(record, {**current, "fields": cleaned}, other)
        return gone
