"""The store's read queries (threads, a thread's tree, a message, people) as SQL text on its
DB-API connection (`db/driver.py`): what `threadlore threads`/`tree`/`show`/`people` run
without importing SQLAlchemy, and what `db/queries.py` runs for the UI on a session's connection.

Each is a fixed number of SELECTs. The SQL is standard, with the engine's pieces from its SQL
module (`db/sqlite_sql.py`, `db/postgres_sql.py`): parameter style, lists, case-insensitive LIKE,
datetimes, and SQLite's subject trigrams for the thread filter. tests/db/test_store_reads.py
checks every query against the SQLAlchemy reference (tests/db/orm_reads.py) on both engines.
"""

from __future__ import annotations

from collections.abc import Sequence

from threadlore.db.driver import StoreReader
from threadlore.db.hot_sql import EngineSql, Parameters, like_escaped
from threadlore.db.views import (
    CorrectionNote,
    HunkView,
    InferenceView,
    MessageSummary,
    MessageView,
    PatchedFileView,
    PatchView,
    PersonSummary,
    ThreadSummary,
    local_date,
)

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    from threadlore.importers.records import ReadPosition

    Row: TypeAlias = Sequence[Any]


SUMMARY_COLUMNS = (  # a MessageSummary's columns, in the order `summary_of` reads them
    "m.id, m.message_id, m.position, "
    "coalesce(people.name, m.author_name, m.author_email), parent.message_id, m.date_utc, "
    "m.utc_offset_minutes, m.subject, "
    "EXISTS (SELECT 1 FROM patches WHERE patches.message_id = m.id), m.thread_id, "
    "(SELECT max(inferences.confidence) FROM inferences WHERE inferences.message_id = m.id "
    "AND inferences.field = 'author' AND NOT EXISTS (SELECT 1 FROM corrections "
    "WHERE corrections.message_id = m.id AND corrections.field = 'author' "
    "AND corrections.undone = false))"
)
SUMMARY_FROM = (
    "FROM messages AS m LEFT OUTER JOIN people ON people.id = m.author_id "
    "LEFT OUTER JOIN messages AS parent ON parent.id = m.parent_id "
)


def summary_of(row: Sequence[Any], sql: EngineSql) -> MessageSummary:
    """The summary of a row that starts with `SUMMARY_COLUMNS`."""
    return MessageSummary(
        id=row[1],
        position=row[2] or 0,
        author=row[3],
        parent=row[4],
        date=local_date(sql.read_datetime(row[5]), row[6]),
        subject=row[7],
        has_patch=bool(row[8]),
        thread=row[9],
        author_confidence=row[10],
    )


class AmbiguousMessageId(LookupError):
    """A message id prefix that more than one message shares."""


class _Statement(Parameters):
    """A read's statement on `reader`, its parameters collected as its SQL is written."""

    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader

    def contains(self, column: str, text: str) -> str:
        """`column` contains `text`, ignoring case, as SQLAlchemy's `ilike` writes it."""
        return self.reader.sql.ilike(column, self.param(f"%{like_escaped(text)}%"))

    def paging(self, limit: int | None, offset: int) -> str:
        if limit is None and not offset:
            return ""
        if limit is None:  # no bound: SQLite reads it as -1, PostgreSQL as NULL
            limit = -1 if self.reader.sql.name == "sqlite" else None
        return f" LIMIT {self.param(limit)} OFFSET {self.param(offset)}"

    def rows(self, statement: str) -> list[Row]:
        return self.reader.query(statement, **self.params)


# ---------------------------------------------------------------------------------- threads


def _thread_filter(statement: _Statement, filter_text: str | None) -> str:
    """Threads with a message whose subject, or whose author's name, contains the text.

    On SQLite a subject is found through its trigram index (unless the text has LIKE's
    wildcards, which that index cannot take unescaped); authors through the people table,
    which is small.
    """
    if not filter_text:
        return "threads.id IS NOT NULL"
    if statement.reader.sql.name == "sqlite" and not {"%", "_"} & set(filter_text):
        from threadlore.db.sqlite_sql import SUBJECT_TRIGRAMS

        rowids = f"SELECT rowid FROM {SUBJECT_TRIGRAMS} WHERE subject LIKE "
        by_subject = f"messages.id IN ({rowids}{statement.param(f'%{filter_text}%')})"
    else:
        by_subject = statement.contains("messages.subject", filter_text)
    authors = f"SELECT people.id FROM people WHERE {statement.contains('people.name', filter_text)}"
    return (
        f"threads.id IN (SELECT messages.thread_id FROM messages WHERE {by_subject} "
        f"UNION SELECT messages.thread_id FROM messages WHERE messages.author_id IN ({authors}))"
    )


def count_threads(reader: StoreReader, *, filter_text: str | None = None) -> int:
    """How many threads `list_threads` would list without a limit."""
    statement = _Statement(reader)
    condition = _thread_filter(statement, filter_text)
    count: int = statement.rows(f"SELECT count(*) FROM threads WHERE {condition}")[0][0]
    return count


def list_threads(
    reader: StoreReader,
    *,
    filter_text: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ThreadSummary]:
    """Threads with the latest activity first; `filter_text` matches a subject or an author."""
    statement = _Statement(reader)
    # First the page of threads, then the costlier columns for it alone. Unfiltered, the page is
    # read from the threads' kept newest dates (an index); a filter picks threads by their
    # messages, grouped.
    if filter_text:
        page = (
            "SELECT messages.thread_id AS id, max(messages.date_utc) AS last FROM messages "
            "JOIN threads ON threads.id = messages.thread_id "
            f"WHERE messages.placeholder = false AND {_thread_filter(statement, filter_text)} "
            "GROUP BY messages.thread_id "
            "ORDER BY max(messages.date_utc) DESC, messages.thread_id DESC"
        )
    else:
        page = (
            "SELECT threads.id AS id, threads.last_date_utc AS last FROM threads "
            "ORDER BY threads.last_date_utc DESC, threads.id DESC"
        )
    page += statement.paging(limit, offset)
    rows = statement.rows(
        "SELECT threads.id, "
        "(SELECT sub.subject FROM messages AS sub WHERE sub.thread_id = threads.id "
        "AND sub.placeholder = false ORDER BY sub.parent_id IS NOT NULL, sub.date_utc, sub.id "
        "LIMIT 1), "
        "(SELECT sub.message_id FROM messages AS sub WHERE sub.thread_id = threads.id "
        "AND sub.parent_id IS NULL ORDER BY sub.placeholder, sub.date_utc, sub.id LIMIT 1), "
        "count(m.id), min(m.date_utc), page.last "
        f"FROM threads JOIN ({page}) AS page ON page.id = threads.id "
        "JOIN messages AS m ON m.thread_id = threads.id AND m.placeholder = false "
        "GROUP BY threads.id, page.last ORDER BY page.last DESC, threads.id DESC"
    )
    people = _thread_people(reader, [row[0] for row in rows])
    return [
        ThreadSummary(
            id=row[0],
            subject=row[1] or "",
            root=row[2],
            messages=row[3],
            people=tuple(people.get(row[0], ())),
            first=reader.sql.read_utc(row[4]),
            last=reader.sql.read_utc(row[5]),
        )
        for row in rows
    ]


def _thread_people(reader: StoreReader, thread_ids: list[int]) -> dict[int, list[str]]:
    """Authors of each thread, most messages first."""
    if not thread_ids:
        return {}
    sql = reader.sql
    rows = reader.query(
        "SELECT m.thread_id, people.name FROM messages AS m "
        "JOIN people ON people.id = m.author_id "
        f"WHERE {sql.in_list('m.thread_id', ':threads')} "
        "GROUP BY m.thread_id, people.id, people.name "
        "ORDER BY m.thread_id, count(m.id) DESC, people.name",
        threads=sql.list_value(thread_ids),
    )
    people: dict[int, list[str]] = {}
    for thread_id, name in rows:
        people.setdefault(thread_id, []).append(name)
    return people


# ---------------------------------------------------------------------------------- naming


def message_pk(reader: StoreReader, ref: str) -> int:
    """The row id of the message a user named by its id or a unique prefix of it."""
    ref = ref.strip().strip("<>")
    if not ref:
        raise LookupError("no message id given")
    exact = reader.query("SELECT id FROM messages WHERE message_id = :ref LIMIT 1", ref=ref)
    if exact:
        pk: int = exact[0][0]
        return pk
    found = reader.query(
        "SELECT id FROM messages WHERE message_id LIKE :prefix ESCAPE '\\' "
        "ORDER BY placeholder, id LIMIT 2",
        prefix=f"{like_escaped(ref)}%",
    )
    if not found:
        raise LookupError(f"no message {ref!r}")
    if len(found) > 1:
        raise AmbiguousMessageId(f"message id {ref!r} is ambiguous: give more of it")
    pk = found[0][0]
    return pk


_SHORTEST_ID_PREFIX = 6


def resolve_thread(reader: StoreReader, ref: str) -> int:
    """A thread id from a thread number or the id (or unique prefix) of a message in it."""
    ref = ref.strip()
    if ref.isdigit() and int(ref) < 2**63:  # past that, no store's integer holds it
        if reader.query("SELECT id FROM threads WHERE id = :id", id=int(ref)):
            return int(ref)
        if len(ref) < _SHORTEST_ID_PREFIX:  # "7" is a thread number, not a message id prefix
            raise LookupError(f"no thread {ref} (threadlore threads lists them)")
    try:
        pk = message_pk(reader, ref)
    except AmbiguousMessageId:
        raise
    except LookupError:
        raise LookupError(f"no thread or message {ref!r}") from None
    thread = reader.query("SELECT thread_id FROM messages WHERE id = :pk", pk=pk)[0][0]
    if thread is None:
        raise LookupError(f"message {ref!r} is in no thread")
    found: int = thread
    return found


# ---------------------------------------------------------------------------------- a message


def _json_list(value: Any) -> tuple[str, ...]:
    """A JSON column's list: text on SQLite, decoded already by psycopg."""
    import json  # loaded when first used: a search's start does not pay for it (issue 15)

    return tuple(json.loads(value) if isinstance(value, str) else value)


def get_message(reader: StoreReader, message_id: str) -> MessageView:
    """One message in full, from its id or a unique prefix of it."""
    pk = message_pk(reader, message_id)
    summary = summary_of(
        reader.query(f"SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM}WHERE m.id = :pk", pk=pk)[0],
        reader.sql,
    )
    body, author_email, source = reader.query(
        "SELECT m.body, m.author_email, sources.path FROM messages AS m "
        "LEFT OUTER JOIN sources ON sources.id = m.source_id WHERE m.id = :pk",
        pk=pk,
    )[0]
    recipients = reader.query(
        "SELECT kind, name, email FROM recipients WHERE message_id = :pk ORDER BY position",
        pk=pk,
    )
    trailers = reader.query(
        "SELECT key, value FROM trailers WHERE message_id = :pk ORDER BY position", pk=pk
    )
    children = reader.query(
        "SELECT message_id FROM messages WHERE parent_id = :pk ORDER BY date_utc, id",
        pk=pk,
    )
    inferences = reader.query(
        "SELECT field, value, confidence, evidence FROM inferences WHERE message_id = :pk "
        "ORDER BY id",
        pk=pk,
    )
    corrections = reader.query(
        "SELECT field, value, replaced, recorded_by, recorded_at FROM corrections "
        "WHERE message_id = :pk AND undone = false ORDER BY id",
        pk=pk,
    )
    live = {c[0]: c for c in corrections}  # the newest correction of each field wins

    def shown(kind: str) -> tuple[str, ...]:
        return tuple(
            f"{name} <{email}>" if name and email else name or email
            for r_kind, name, email in recipients
            if r_kind == kind
        )

    return MessageView(
        summary=summary,
        source=source or "",
        author_email=author_email,
        to=shown("to"),
        cc=shown("cc"),
        body=body,
        patches=_patch_views(reader, pk),
        trailers=tuple((key, value) for key, value in trailers),
        children=tuple(row[0] for row in children),
        inferences=tuple(
            InferenceView(field, value, confidence, _json_list(evidence))
            for field, value, confidence, evidence in inferences
        ),
        corrections=tuple(
            CorrectionNote(c[0], c[1], c[2], c[3], reader.sql.read_datetime(c[4]))  # type: ignore[arg-type]
            for c in live.values()
        ),
    )


def _series_text(version: int | None, index: int | None, total: int | None, inferred: Any) -> str:
    text = f"v{version or 1} {index}/{total}"
    return f"{text} (inferred)" if inferred else text


def _patch_views(reader: StoreReader, message_pk: int) -> tuple[PatchView, ...]:
    patches = reader.query(
        "SELECT id, diff, truncated, added, removed FROM patches WHERE message_id = :pk "
        "ORDER BY position",
        pk=message_pk,
    )
    if not patches:
        return ()
    sql = reader.sql
    version, index, total, inferred = reader.query(
        "SELECT series_version, series_index, series_total, series_inferred FROM messages "
        "WHERE id = :pk",
        pk=message_pk,
    )[0]
    series = (
        None if index is None or total is None else _series_text(version, index, total, inferred)
    )
    patch_ids = sql.list_value([p[0] for p in patches])
    files = reader.query(
        "SELECT id, patch_id, path, added, removed FROM patched_files "
        f"WHERE {sql.in_list('patch_id', ':patches')} ORDER BY position",
        patches=patch_ids,
    )
    hunks = reader.query(
        "SELECT file_id, source_start, source_length, target_start, target_length, function, "
        f"added, removed FROM hunks WHERE {sql.in_list('file_id', ':files')} ORDER BY position",
        files=sql.list_value([f[0] for f in files]),
    )
    links = reader.query(
        "SELECT patch_revisions.earlier_id, patch_revisions.later_id, messages.message_id "
        "FROM patch_revisions JOIN patches ON patches.id = patch_revisions.earlier_id "
        "OR patches.id = patch_revisions.later_id "
        "JOIN messages ON messages.id = patches.message_id "
        f"WHERE ({sql.in_list('patch_revisions.earlier_id', ':patches')} "
        f"OR {sql.in_list('patch_revisions.later_id', ':patches')}) "
        f"AND NOT ({sql.in_list('patches.id', ':patches')})",
        patches=patch_ids,
    )
    hunks_of: dict[int, list[HunkView]] = {}
    for file_id, *numbers in hunks:
        hunks_of.setdefault(file_id, []).append(HunkView(*numbers))
    views = []
    for patch_id, diff, truncated, added, removed in patches:
        file_views = tuple(
            PatchedFileView(path, f_added, f_removed, tuple(hunks_of.get(file_id, ())))
            for file_id, file_patch, path, f_added, f_removed in files
            if file_patch == patch_id
        )
        views.append(
            PatchView(
                diff=diff,
                truncated=bool(truncated),
                added=added,
                removed=removed,
                files=file_views,
                series=series,
                revises=tuple(link[2] for link in links if link[1] == patch_id),
                revised_by=tuple(link[2] for link in links if link[0] == patch_id),
            )
        )
    return tuple(views)


# ---------------------------------------------------------------------------------- people


def list_people(reader: StoreReader) -> list[PersonSummary]:
    """Every person and list: people by messages written, then lists by messages received;
    people of one name and count in the order they were first met (two "Andrew"s apart).

    The counts are the ones the store keeps on each person's row (migration 0012); the first and
    last dates are the ends of the person's range in `messages (author_id, placeholder,
    date_utc)` (migration 0011), one index look-up each: nothing here grows with the messages.
    """
    written = "FROM messages WHERE messages.author_id = people.id AND messages.placeholder = false"
    rows = reader.query(
        "SELECT people.id, people.name, people.is_list, CASE WHEN people.is_list "
        "THEN people.messages_received ELSE people.messages_written END, "
        f"(SELECT min(messages.date_utc) {written}), (SELECT max(messages.date_utc) {written}) "
        "FROM people",
    )
    aliases: dict[int, list[str]] = {}
    for person_id, value in reader.query("SELECT person_id, value FROM aliases ORDER BY id"):
        aliases.setdefault(person_id, []).append(value)
    people = [
        PersonSummary(
            id=pk,
            name=name,
            is_list=bool(is_list),
            messages=messages,
            aliases=tuple(aliases.get(pk, ())),
            first=reader.sql.read_utc(first),
            last=reader.sql.read_utc(last),
        )
        for pk, name, is_list, messages, first, last in rows
    ]
    people.sort(key=lambda p: (p.is_list, -p.messages, p.name.casefold(), p.id))
    return people


# ------------------------------------------------------------------------- read positions


def stored_positions(reader: StoreReader) -> dict[str, ReadPosition]:
    """How far each incremental source (a public-inbox epoch) was imported, by its path: what an
    import hands its reader (`db/read_positions.py` keeps them), read before SQLAlchemy loads so
    that the reader can start at once."""
    from threadlore.importers.records import ReadPosition  # enum and typing: not for the reads

    rows = reader.query(
        'SELECT sources.path, read_positions."commit", read_positions.commits '  # a keyword
        "FROM read_positions JOIN sources ON sources.id = read_positions.source_id"
    )
    return {path: ReadPosition(path, commit, commits) for path, commit, commits in rows}
