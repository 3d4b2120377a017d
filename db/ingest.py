"""Storing parsed messages: batched, idempotent, resumable, threaded as they arrive.

Each batch is one transaction: a killed import keeps every committed batch, and running it again
skips what is stored (a message already in the store, by id, is left exactly as it is) and adds the
rest. A batch the store refuses is retried message by message, so one bad message is reported and
skipped while the others are kept. A public-inbox's stream also carries deletions (the message is
removed, see `db.deletion`) and how far each epoch was read (stored with the batch it ends).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import threadlore.db.models  # noqa: F401 - the package registers every table
from threadlore.db.deletion import delete_message
from threadlore.db.driver import driver_errors
from threadlore.db.hot_sql import PLACEHOLDER
from threadlore.db.people import PeopleIndex, list_local_parts
from threadlore.db.read_positions import record_position
from threadlore.db.revisions import files_key, link_revisions, subject_key
from threadlore.db.source_clocks import SourceClocks, redate_stored
from threadlore.db.store_limits import fitted_message, fitted_patches
from threadlore.db.store_writes import BodySlice, DriverWrites, StoreWrites
from threadlore.db.threading import Node, ThreadIndex, reference_chain
from threadlore.importers.archive_dates import ArchiveClock
from threadlore.importers.records import (
    Address,
    ImportRecord,
    InputError,
    MessageDeleted,
    ParsedMessage,
    ParsedPatch,
    ReadPosition,
)


def _store_errors() -> tuple[type[Exception], ...]:
    """What a refused message can raise: database errors (through SQLAlchemy or straight from
    the driver, `db/store_writes.py`), and values the driver cannot bind."""
    return (SQLAlchemyError, ValueError, OverflowError, *driver_errors())


def _race_errors() -> tuple[type[Exception], ...]:
    """What another importer writing at the same time can cause (the same message or source
    stored first, a deadlock, a busy store): the message is tried again, reading afresh."""
    return (IntegrityError, OperationalError, *driver_errors(races_only=True))


_ATTEMPTS = 3


@dataclass
class ImportReport:
    """What an import did: messages read, added, already stored, re-dated, deleted (by their
    archive), threads touched; the messages stored with warnings (one line per warning), the
    messages skipped (one line each: file, message, byte offset, reason), the inputs that could
    not be read at all, and whether Ctrl-C stopped it."""

    seen: int = 0
    added: int = 0
    unchanged: int = 0
    redated: int = 0
    deleted: int = 0
    threads_touched: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    interrupted: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "added": self.added,
            "unchanged": self.unchanged,
            "redated": self.redated,
            "deleted": self.deleted,
            "threads_touched": self.threads_touched,
            "warnings": list(self.warnings),
            "skipped": list(self.skipped),
            "errors": list(self.errors),
            "interrupted": self.interrupted,
        }


def utc_and_offset(when: datetime | None) -> tuple[datetime | None, int | None]:
    """A naive UTC datetime and the sender's UTC offset in minutes (0 when none was given)."""
    if when is None:
        return None, None
    offset = when.utcoffset()
    if offset is None:
        return when, 0
    return when.astimezone(UTC).replace(tzinfo=None), int(offset.total_seconds() // 60)


@functools.lru_cache(maxsize=256)  # an archive's messages name the same few lists
def list_address(list_id: str) -> Address:
    """The posting address a list id names: `linux-mm.kvack.org` gives linux-mm@kvack.org.

    Ids that are addresses already (X-Mailing-List, or an archive's `linux-mm@...`) are kept.
    """
    name, _, inside = list_id.rpartition("<")
    ident = inside.strip().strip(">") if inside else list_id.strip()
    if "@" not in ident:
        local, _, domain = ident.partition(".")
        ident = f"{local}@{domain}" if domain else local
    return Address(name.strip().strip('"'), ident)


class _Writer:
    """Writes one message at a time into the session's transaction, keeping indexes in step.

    Each message row is inserted at once (threading needs its id); the rows that hang off it are
    held back and written in one statement per table, and on SQLite the full-text indexes are
    filled for the rows written since the last time (`write_pending_rows`), with their insert
    and update triggers paused for the transaction (a filled placeholder is indexed by the store
    as it is filled). Pending rows are written before anything updates or deletes stored rows,
    so the update and delete triggers always find what they expect, and an update made outside
    the store's writes lifts the pause around it (`_indexed_by_triggers`).
    """

    def __init__(
        self, session: Session, clock: ArchiveClock | None = None, store: StoreWrites | None = None
    ) -> None:
        self.session = session
        self.store = store if store is not None else DriverWrites(session)
        self.threads = ThreadIndex(self.store)
        self.people = PeopleIndex(self.store)
        self.clocks = SourceClocks(clock)
        self.redated = 0
        self.new_patches: list[int] = []
        # rows that nothing reads before the batch ends, written in one statement per table
        self.pending_rows: dict[str, list[dict[str, Any]]] = {}
        self.unindexed: int | None = None  # the first message id the full-text index lacks
        self.began = False  # whether this transaction paused the index's insert triggers
        self.people.before_merge = self.write_pending_rows

    @property
    def connection(self) -> Connection:
        """The connection of the session's current transaction."""
        return self.session.connection()

    def _begin(self) -> None:
        if not self.began:
            self.store.pause_indexing()
            self.began = True

    def reset(self) -> None:
        """Forget cached state after a rollback; it is read again from the store."""
        self.store.detach()
        self.threads.clear()
        self.threads.touched.clear()
        self.threads.newest.clear()
        self.threads.recount.clear()
        self.people.reload()
        self.clocks.clear()
        self.redated = 0
        self.new_patches.clear()
        self.pending_rows.clear()
        self.unindexed = None
        self.began = False

    def prepare(self, batch: Sequence[ImportRecord]) -> None:
        """Load, in a few queries, the nodes of every id the batch's messages name."""
        messages = [m for m in batch if isinstance(m, ParsedMessage)]
        keys = {m.message_id for m in messages}
        for m in messages:
            keys.update(m.references)
            if m.in_reply_to:
                keys.add(m.in_reply_to)
        self.threads.load(keys)

    def finish(self) -> None:
        """Work that needs the whole batch, before its commit: its pending rows and index
        entries, revision links between patches, the newest date of each thread it touched."""
        self.write_pending_rows()
        link_revisions(self.session, self.new_patches)
        self.new_patches.clear()
        for thread in sorted(self.threads.touched | self.threads.recount):
            if thread in self.threads.recount:
                self.store.recount_last_date(thread)
            elif thread in self.threads.newest:
                self.store.raise_last_date(thread, self.threads.newest[thread])
        self.threads.newest.clear()
        self.threads.recount.clear()
        if self.began:
            self.store.resume_indexing()
            self.began = False
        self.store.detach()

    def write_pending_rows(self) -> None:
        """Insert the rows held back so far: one executemany per table instead of one a message,
        and index the messages written since the last time."""
        if self.unindexed is not None:
            self.store.index_since(self.unindexed)
            self.unindexed = None
        for table, rows in self.pending_rows.items():
            if rows:
                self.store.insert_details(table, rows)
        self.pending_rows.clear()

    def _index_before_update(self, node: Node) -> None:
        """Index a row written in this transaction before it changes: the update trigger takes
        out of the index what the row held, which must be there."""
        if self.unindexed is not None and node.pk >= self.unindexed:
            self.write_pending_rows()

    @contextmanager
    def _indexed_by_triggers(self) -> Iterator[None]:
        """Let the update triggers index what changes meanwhile (a re-date, a deletion leaving a
        placeholder): the store indexes only what it fills."""
        if not self.began:
            yield
            return
        self.store.resume_indexing()
        yield
        self.store.pause_indexing()

    def _source_id(self, path: str) -> int:
        known = self.clocks.known.get(path)
        return known[0] if known is not None else self.clocks.source_id(self.connection, path)

    def _insert_message(self, values: dict[str, Any]) -> int:
        self._begin()
        pk = self.store.insert_message(values)
        if self.unindexed is None:
            self.unindexed = pk
        return pk

    def _node_or_placeholder(self, key: str, thread: int) -> Node:
        found = self.threads.get(key)
        if found is not None:
            return found
        pk = self._insert_message(
            {**PLACEHOLDER, "message_id": key, "parent_id": None, "thread_id": thread}
        )
        return self.threads.add(pk, key, None, thread, placeholder=True)

    def apply(self, record: ImportRecord) -> str:
        """Store one record: "added", "unchanged" (a message already stored), "deleted" (a
        deletion that removed a message), or "" (nothing to count)."""
        if isinstance(record, ParsedMessage):
            return "added" if self.write(record) else "unchanged"
        if isinstance(record, ReadPosition):
            record_position(
                self.connection, self.clocks.source_id(self.connection, record.source), record
            )
            return ""
        return "deleted" if self.delete(record) else ""

    def delete(self, record: MessageDeleted) -> bool:
        """Remove a message its archive deleted; False when the store does not have it."""
        self.write_pending_rows()  # the message may be in this batch, its rows still held back
        with self._indexed_by_triggers():
            removed = delete_message(self.session, record.message_id)
        if removed:
            self.threads.clear()  # rows went: cached nodes are read again when named
            # a thread's newest message may have gone: its date is read again, not raised
            self.threads.recount.update(self.threads.newest)
            self.threads.newest.clear()
        return removed

    def write(self, message: ParsedMessage) -> bool:
        """Store one message; False when it was already stored (re-dated, if its source's clock
        changed, but otherwise left as it is)."""
        self._begin()
        if message.clock is not None:
            message = self.clocks.read(self.connection, message)
        node = self.threads.get(message.message_id) or self.threads.placeholder_mangled_as(
            message.message_id
        )
        if node is not None and not node.placeholder:
            if message.clock is not None:
                wanted = utc_and_offset(message.date)
                self._index_before_update(node)
                with self._indexed_by_triggers():
                    redated = redate_stored(self.connection, node.pk, message, wanted)
                if redated:
                    self.redated += 1
                    self.threads.recount.add(node.thread)
            return False
        chain = reference_chain(message.message_id, message.in_reply_to, message.references)
        known = [n for n in (node, *(self.threads.get(r) for r in chain)) if n is not None]
        threads = {n.thread for n in known}
        thread = self.threads.merge(threads) if threads else self.threads.new_thread()
        nodes = [self._node_or_placeholder(r, thread) for r in chain]
        for earlier, later in pairwise(nodes):
            self.threads.link(later, earlier, override=False)
        parent = nodes[-1] if nodes else None
        values = self._message_values(message)
        if node is not None:
            self._index_before_update(node)
            self.store.fill_placeholder(node.pk, values)
            self.threads.rename(node, message.message_id)
            node.placeholder = False
            if parent is not None:
                self.threads.link(node, parent, override=True)
            pk = node.pk
        else:
            parent_pk = parent.pk if parent else None
            pk = self._insert_message({**values, "parent_id": parent_pk, "thread_id": thread})
            self.threads.add(pk, message.message_id, parent_pk, thread, False)
        self.threads.dated(thread, values["date_utc"])
        self._write_details(pk, message)
        self.store.end_message()
        return True

    def _message_values(self, message: ParsedMessage) -> dict[str, Any]:
        date_utc, offset = utc_and_offset(message.date)
        list_names = list_local_parts(message.list_ids)
        author = message.author
        series = message.series
        return {
            "message_id": message.message_id,
            "placeholder": False,
            "synthetic": message.synthetic_id,
            "source_id": self._source_id(message.source),
            "position": message.position,
            "subject": message.subject,
            "author_id": self.people.resolve(author, list_names) if author else None,
            "author_name": author.name if author else None,
            "author_email": author.email if author else None,
            "date_utc": date_utc,
            "utc_offset_minutes": offset,
            "body": message.body,
            "truncated": message.truncated,
            "in_reply_to": message.in_reply_to,
            "series_version": series.version if series else None,
            "series_index": series.index if series else None,
            "series_total": series.total if series else None,
            "series_inferred": series.inferred if series else False,
        }

    def _write_details(self, pk: int, message: ParsedMessage) -> None:
        list_names = list_local_parts(message.list_ids)
        addressed = [
            *(("to", a) for a in message.to),
            *(("cc", a) for a in message.cc),
            *(("list", list_address(i)) for i in message.list_ids),
        ]
        rows: list[dict[str, Any]] = [
            {
                "message_id": pk,
                "kind": kind,
                "position": position,
                "person_id": self.people.resolve(address, list_names),
                "name": address.name,
                "email": address.email,
            }
            for position, (kind, address) in enumerate(addressed)
        ]
        self._insert_many("recipients", rows)
        self._insert_many(
            "message_references",
            [
                {"message_id": pk, "position": i, "referenced_id": ref}
                for i, ref in enumerate(message.references)
            ],
        )
        self._insert_many(
            "trailers",
            [
                {"message_id": pk, "position": i, "key": t.key, "value": t.value}
                for i, t in enumerate(message.trailers)
            ],
        )
        self._insert_many(
            "inferences",
            [
                {
                    "message_id": pk,
                    "field": str(i.field),
                    "value": i.value,
                    "confidence": i.confidence,
                    "evidence": list(i.evidence),
                }
                for i in message.inferences
            ],
        )
        if message.patches_unread:
            self._write_patches_read_now(pk, message)
            return
        for position, patch in enumerate(message.patches):
            self._write_patch(pk, position, patch, message, self._insert_many)

    def _write_patches_read_now(self, pk: int, message: ParsedMessage) -> None:
        """Write the patches of a large body, which its importer left unread, now that the
        message's row is written: the body and SQLite's two copies of it made 3× its size, and
        the patch's records beside them 3.4×. Each patch's row is written without its diff,
        then its files and hunks (written at once, not held: 0.6× the diff), and only once the
        records are let go, the diff: SQLite's two copies of it beside the body, 3× again. A
        message written again (its batch refused) reads them again."""
        self._write_held_rows("hunks")  # the hunks held before these keep their place
        diffs = [
            (
                self._write_patch(pk, position, patch, message, self.store.insert_details, ""),
                _diff_value(patch, message),
            )
            for position, patch in enumerate(fitted_patches(message.patches))
        ]
        if diffs:
            gc.collect()  # and the free lists, whose blocks would keep the records' memory
        for patch_id, diff in diffs:
            self.store.set_patch_diff(patch_id, diff)

    def _write_held_rows(self, table: str) -> None:
        """Insert the rows held back for one table now."""
        rows = self.pending_rows.pop(table, None)
        if rows:
            self.store.insert_details(table, rows)

    def _insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Hold rows back until the batch ends (`write_pending_rows`)."""
        if rows:
            self.pending_rows.setdefault(table, []).extend(rows)

    def _write_patch(
        self,
        pk: int,
        position: int,
        patch: ParsedPatch,
        message: ParsedMessage,
        write_hunks: Callable[[str, list[dict[str, Any]]], None],
        diff: str | None = None,
    ) -> int:
        """Write a patch's row, with `diff` for its diff if given, and its files' rows; give its
        hunks' rows to `write_hunks` (held back, or written). The patch's row id."""
        patch_id = self.store.insert_patch(
            {
                "message_id": pk,
                "position": position,
                "diff": _diff_value(patch, message) if diff is None else diff,
                "truncated": patch.truncated,
                "added": patch.added,
                "removed": patch.removed,
                "subject_key": subject_key(message.subject),
                "files_key": files_key(patch, message.body),
            },
        )
        self.new_patches.append(patch_id)
        for file_position, patched in enumerate(patch.files):
            file_id = self.store.insert_patched_file(
                {
                    "patch_id": patch_id,
                    "position": file_position,
                    "path": patched.path,
                    "old_path": patched.old_path,
                    "added": patched.added,
                    "removed": patched.removed,
                    "is_new": patched.is_new,
                    "is_deleted": patched.is_deleted,
                    "is_binary": patched.is_binary,
                },
            )
            write_hunks(
                "hunks",
                [
                    {
                        "file_id": file_id,
                        "position": i,
                        "source_start": h.source_start,
                        "source_length": h.source_length,
                        "target_start": h.target_start,
                        "target_length": h.target_length,
                        "function": h.function,
                        "added": h.added,
                        "removed": h.removed,
                    }
                    for i, h in enumerate(patched.hunks)
                ],
            )
        return patch_id


def _diff_value(patch: ParsedPatch, message: ParsedMessage) -> str | BodySlice:
    """A patch's diff as written: the slice of its message's body it holds, or its text."""
    if patch.span is not None and patch.text is message.body:
        return BodySlice(message.body, *patch.span)
    return patch.diff


def _first_line(exc: BaseException) -> str:
    """An error's message without SQLAlchemy's statement, parameters and background link."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _describe(record: ImportRecord, exc: Exception) -> str:
    problem = _first_line(exc)
    if isinstance(record, ReadPosition):
        return f"{record.source}: position {record.commits} not stored: {problem}"
    return f"{record.source}: message {record.position}: {record.message_id}: not stored: {problem}"


# SQLite result codes (the low byte of an extended code) that no message can get past.
_SQLITE_STORE_FAILURES = {
    8: "read-only",  # SQLITE_READONLY
    10: "I/O error",  # SQLITE_IOERR
    11: "damaged",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "cannot be opened",  # SQLITE_CANTOPEN
    26: "not a database",  # SQLITE_NOTADB
}
# PostgreSQL SQLSTATE classes and codes that no message can get past: the connection (08),
# resources such as disk space (53), the server shutting down (57), its system (58) or internals
# (XX), a read-only transaction, a missing privilege.
_PG_STORE_FAILURE_CLASSES = ("08", "53", "57", "58", "XX")
_PG_STORE_FAILURE_CODES = ("25006", "42501")


def store_failure(exc: BaseException) -> bool:
    """Whether `exc` says the store takes no write at all (its disk is full, it is read-only,
    its server is gone, its file is damaged) rather than refusing one message."""
    orig: object = exc  # what the driver raised: straight from it on the hot path
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
    if not isinstance(orig, driver_errors()):
        return False
    if hasattr(orig, "sqlstate"):  # psycopg: None when the server never answered
        state: str | None = getattr(orig, "sqlstate")  # noqa: B009 - not every driver's error has it
        return (
            state is None
            or state.startswith(_PG_STORE_FAILURE_CLASSES)
            or state in _PG_STORE_FAILURE_CODES
        )
    code = getattr(orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _SQLITE_STORE_FAILURES


class StoreFailed(Exception):
    """The store took no more writes: the import stops with what was committed before."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"the store failed, import stopped: {_first_line(cause)}")


class _Importer:
    """Runs batches through a writer and keeps the report.

    A batch the store refuses is stored record by record, so that one bad message is skipped
    and reported; a message refused because another importer wrote at the same moment is tried
    again. An error that no message could get past (see `store_failure`) raises StoreFailed at
    once instead of being met again by every message.
    """

    def __init__(
        self, session: Session, report: ImportReport, clock: ArchiveClock | None = None
    ) -> None:
        self.session = session
        self.writer = _Writer(session, clock)
        self.report = report
        self.touched: set[int] = set()

    def _commit(self, outcomes: list[str]) -> None:
        self.writer.finish()
        self.session.commit()
        self.report.added += outcomes.count("added")
        self.report.unchanged += outcomes.count("unchanged")
        self.report.deleted += outcomes.count("deleted")
        self.report.redated += self.writer.redated
        self.writer.redated = 0
        self.touched |= self.writer.threads.touched
        self.writer.threads.touched.clear()
        self.writer.threads.forget_nodes()  # what is committed is read again when named

    def _rollback(self, cause: Exception) -> None:
        """Undo the open transaction; StoreFailed when `cause` leaves nothing to retry."""
        try:
            self.session.rollback()
        except _store_errors() as exc:  # the connection is gone: there is no transaction left
            raise StoreFailed(cause) from exc
        self.writer.reset()
        if store_failure(cause):
            raise StoreFailed(cause) from cause

    def run_batch(self, batch: Sequence[ImportRecord]) -> None:
        """Store a batch in one transaction; if refused, store its records one by one."""
        if not batch:
            return
        try:
            self.writer.prepare(batch)
            self._commit([self.writer.apply(record) for record in batch])
        except _store_errors() as exc:
            self._rollback(exc)
            for record in batch:
                self._run_one(record)

    def _run_one(self, message: ImportRecord) -> None:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                self._commit([self.writer.apply(message)])
                return
            except _race_errors() as exc:
                self._rollback(exc)
                if attempt == _ATTEMPTS:
                    self.report.skipped.append(_describe(message, exc))
            except _store_errors() as exc:
                self._rollback(exc)
                self.report.skipped.append(_describe(message, exc))
                return


def import_messages(
    sessions: sessionmaker[Session],
    messages: Iterable[ImportRecord],
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
    clock: ArchiveClock | None = None,
    strict: bool = False,
) -> ImportReport:
    """Store messages in batches of `batch_size`, one transaction each, and report what changed.

    Args:
        sessions: the store.
        messages: what the importers read: messages, and a public-inbox's deletions and read
            positions.
        batch_size: messages per transaction.
        progress: called after each batch with the number of messages read so far.
        clock: the clock archive-text sources are read on (`--archive-tz`); without it, each
            source keeps the clock it was last read on (see `db.source_clocks`).
        strict: stop at the first message read with a warning or refused by the store, instead
            of storing it with its warning or skipping it; the messages before it are stored.

    A message read with warnings is stored and its warnings listed in the report. An input that
    cannot be read (an InputError ending the stream) or a reader that fails ends the import after
    storing every message read before it; the error is listed in the report. A store that takes
    no more writes (full, read-only, its server gone) ends it at once, with one error; Ctrl-C
    ends it with `interrupted` set, the open batch rolled back. Either way every committed batch
    is kept, and `messages` is closed (a reader process ends with it).
    """
    report = ImportReport()
    stream = iter(messages)
    importer: _Importer | None = None
    try:
        with sessions() as session:
            importer = _Importer(session, report, clock)
            try:
                _store_stream(importer, stream, report, batch_size, progress, strict)
            except KeyboardInterrupt:
                # Ctrl-C inside a statement leaves psycopg's connection busy: asked to roll back
                # it failed ("another command is already in progress"), and the import reported
                # a failed store. Dropped, it is rolled back by its server (or SQLite's file).
                session.invalidate()
                raise
    except StoreFailed as exc:
        report.errors.append(str(exc))
    except SQLAlchemyError as exc:  # the session could not even be closed: its store is gone
        report.errors.append(str(StoreFailed(exc)))
    except KeyboardInterrupt:  # the open batch is rolled back; every committed one is kept
        report.interrupted = True
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # a reader process (importers/read_ahead.py) ends with its stream
    report.threads_touched = len(importer.touched) if importer is not None else 0
    return report


def _store_stream(
    importer: _Importer,
    stream: Iterator[ImportRecord],
    report: ImportReport,
    batch_size: int,
    progress: Callable[[int], None] | None,
    strict: bool,
) -> None:
    """Read the stream into batches and store each; see `import_messages`."""
    batch: list[ImportRecord] = []
    try:
        for record in stream:
            message = fitted_message(record) if isinstance(record, ParsedMessage) else record
            if isinstance(message, ParsedMessage):
                report.seen += 1
                if message.warnings and strict:
                    report.errors.append(f"{message.warnings[0]} (--strict)")
                    break
                report.warnings.extend(str(w) for w in message.warnings)
            batch.append(message)
            if len(batch) >= batch_size:
                importer.run_batch(batch)
                batch = []
                if progress:
                    progress(report.seen)
                if strict and report.skipped:
                    break
    except InputError as exc:
        stopped = strict and exc.position is not None
        report.errors.append(f"{exc} (--strict)" if stopped else str(exc))
    except RuntimeError as exc:  # the reader process failed: keep what it had read
        report.errors.append(str(exc).splitlines()[0])
    importer.run_batch(batch)
    if progress and batch:
        progress(report.seen)
