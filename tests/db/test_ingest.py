"""Ingest: batched, idempotent (row counts of every table unchanged), resumable, loses nothing."""

from __future__ import annotations

import _sqlite3
import ctypes
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db import search_sql, store_writes
from threadlore.db.driver import StoreReader
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models import Message, Thread
from threadlore.db.queries import get_message
from threadlore.db.views import view_json
from threadlore.importers.patches import extract_patches
from threadlore.importers.records import (
    Hunk,
    Inference,
    InferredField,
    InputError,
    MessageDeleted,
    ParsedMessage,
    ParsedPatch,
    PatchedFile,
    SeriesPosition,
    Trailer,
)

Store = sessionmaker[Session]
MakeMessage = Callable[..., ParsedMessage]
RowCounts = Callable[[Store], dict[str, int]]
MB = 1 << 20


def a_patch() -> ParsedPatch:
    hunk = Hunk(10, 3, 10, 4, "static int do_no_page(struct mm_struct *mm)", 1, 0)
    return ParsedPatch(
        text="--- a/mm/memory.c\n+++ b/mm/memory.c\n@@ -10,3 +10,4 @@\n+lock_page(page);\n",
        files=(PatchedFile("mm/memory.c", None, 1, 0, (hunk,)),),
        truncated=False,
        added=1,
        removed=0,
    )


@pytest.fixture
def thread(make_message: MakeMessage) -> list[ParsedMessage]:
    """A small thread exercising every table: recipients, lists, patches, trailers, inferences."""
    return [
        make_message(
            "root@suse.de",
            subject="[patch 1/2] mm: fault vs truncate",
            to=["Linux Memory Management <linux-mm@kvack.org>", "Andrew Morton <akpm@...>"],
            cc=["Linux Kernel <linux-kernel@vger.kernel.org>"],
            read_patches=(a_patch(),),
            trailers=(Trailer("Signed-off-by", "Nick Piggin <npiggin@suse.de>"),),
            series=SeriesPosition(1, 1, 2),
            body="Lock the page.\n\nSigned-off-by: Nick Piggin\n---\n" + a_patch().diff,
        ),
        make_message(
            "reply@osdl.org",
            author="Andrew Morton <akpm@linux-foundation.org>",
            in_reply_to="root@suse.de",
            references=["root@suse.de"],
            inferences=(Inference(InferredField.AUTHOR, "akpm@...", 0.8, ("signature",)),),
        ),
        make_message(
            "late@suse.de",
            in_reply_to="unseen@suse.de",
            references=["root@suse.de", "unseen@suse.de"],
        ),
    ]


def test_import_stores_messages_and_everything_hanging_off_them(
    row_counts: RowCounts, store: Store, thread: list[ParsedMessage]
) -> None:
    report = import_messages(store, thread)
    assert (report.seen, report.added, report.unchanged, report.errors) == (3, 3, 0, [])
    assert report.threads_touched == 1
    counts = row_counts(store)
    assert counts["messages"] == 4  # three messages and one placeholder
    assert counts["patches"] == counts["patched_files"] == counts["hunks"] == 1
    assert counts["trailers"] == counts["inferences"] == 1
    assert counts["messages_fts"] == 4


def test_reimport_adds_and_changes_nothing(
    row_counts: RowCounts, store: Store, thread: list[ParsedMessage]
) -> None:
    import_messages(store, thread)
    before = row_counts(store)
    with store() as session:
        first = get_message(session, "root@suse.de")
    report = import_messages(store, thread)
    assert (report.added, report.unchanged, report.threads_touched) == (0, 3, 0)
    assert row_counts(store) == before
    with store() as session:
        assert get_message(session, "root@suse.de") == first


def test_duplicates_within_one_input_are_stored_once(
    store: Store, make_message: MakeMessage
) -> None:
    report = import_messages(store, [make_message("a@x"), make_message("a@x", subject="other")])
    assert (report.added, report.unchanged) == (1, 1)


def test_killed_import_resumes_and_keeps_committed_batches(
    row_counts: RowCounts, store: Store, make_message: MakeMessage
) -> None:
    messages = [
        make_message(f"m{i}@x", in_reply_to=f"m{i - 1}@x" if i else None, references=[])
        for i in range(12)
    ]

    def killed_after(count: int) -> Iterator[ParsedMessage]:
        yield from messages[:count]
        raise KeyboardInterrupt

    interrupted = import_messages(store, killed_after(7), batch_size=3)
    assert interrupted.interrupted and interrupted.seen == 7
    assert row_counts(store)["messages"] == 6  # two committed batches; the third was cut off
    report = import_messages(store, messages, batch_size=3)
    assert (report.added, report.unchanged) == (6, 6)
    with store() as session:
        parents = dict(session.execute(select(Message.message_id, Message.parent_id)).all())
    assert len(parents) == 12 and sum(p is None for p in parents.values()) == 1


def test_a_refused_message_is_reported_and_the_rest_of_its_batch_kept(
    row_counts: RowCounts, store: Store, make_message: MakeMessage
) -> None:
    messages = [make_message("ok1@x"), make_message("bad@x", position=2**70), make_message("ok2@x")]
    report = import_messages(store, messages)
    assert report.added == 2
    assert report.errors == [] and len(report.skipped) == 1
    assert report.skipped[0].startswith(f"test.mbox: message {2**70}: bad@x: not stored:")
    assert row_counts(store)["messages"] == 2


def test_unreadable_input_keeps_what_was_read_before(
    store: Store, make_message: MakeMessage
) -> None:
    def broken() -> Iterator[ParsedMessage]:
        yield make_message("first@x")
        raise InputError("in.mbox", 2, "header", "not a mail header")

    report = import_messages(store, broken())
    assert report.added == 1
    assert report.errors == ["in.mbox: message 2, header: not a mail header"]


def test_dates_keep_their_utc_offset(
    row_counts: RowCounts, store: Store, make_message: MakeMessage
) -> None:
    when = datetime(2007, 3, 7, 23, 30, tzinfo=timezone(timedelta(hours=-8)))
    import_messages(store, [make_message("d@x", date=when)])
    with store() as session:
        shown = get_message(session, "d@x").summary
    assert shown.date == when
    assert view_json(shown)["date"] == "2007-03-07T23:30:00-08:00"


def test_each_thread_keeps_the_date_of_its_newest_message(
    store: Store, make_message: Callable[..., ParsedMessage]
) -> None:
    def day(n: int) -> datetime:
        return datetime(2007, 3, n, tzinfo=UTC)

    # batches of two: a reply lands in a later batch than its thread; a late message's
    # References join two threads into one; a placeholder (never-seen parent) has no date
    messages = [
        make_message("a", date=day(1)),
        make_message("b", date=day(2)),
        make_message("a2", date=day(5), in_reply_to="a"),
        make_message("c", date=day(3), in_reply_to="lost"),
        make_message("join", date=day(4), in_reply_to="b", references=("a", "b")),
        make_message("undated", date=None),
    ]
    import_messages(store, messages, batch_size=2)
    with store() as session:
        kept = dict(session.execute(select(Thread.id, Thread.last_date_utc)).all())
        newest = dict(
            session.execute(
                select(Message.thread_id, func.max(Message.date_utc))
                .where(Message.placeholder.is_(False))
                .group_by(Message.thread_id)
            ).all()
        )
    assert kept == newest
    naive = {day(3).replace(tzinfo=None), day(5).replace(tzinfo=None), None}  # UTC, as stored
    assert set(kept.values()) == naive


def test_a_large_body_is_stored_and_found_without_being_bound(
    store: Store, make_message: MakeMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large body (from 2,000 characters here) is handed to SQLite by a function call, never
    bound: Python's sqlite3 would keep the bound copy as long as the statement is cached. It is
    stored whole and searchable, inserted or filling a placeholder, on every engine."""
    monkeypatch.setattr(store_writes, "LARGE_TEXT", 2000)
    bound: list[dict[str, object]] = []
    execute = store_writes.DriverWrites._execute

    def recorded(self: store_writes.DriverWrites, statement: str, params: object = None) -> object:
        bound.append(dict(params or {}))  # type: ignore[call-overload]
        return execute(self, statement, params)  # type: ignore[arg-type]

    monkeypatch.setattr(store_writes.DriverWrites, "_execute", recorded)
    large = {name: f"{name} zyzzyva {'page lock ' * 400}end\n" for name in ("big", "filled")}
    import_messages(
        store,
        [
            make_message("reply@x", in_reply_to="filled@x"),  # a placeholder for filled@x
            make_message("big@x", body=large["big"]),
            make_message("filled@x", body=large["filled"]),
        ],
    )
    with store() as session:
        for name, body in large.items():
            assert get_message(session, f"{name}@x").body == body
        reader = StoreReader.of_session(session)
        found = search_sql.search(reader, "zyzzyva", limit=10, offset=0)
        assert sorted(m.id for m in found) == ["big@x", "filled@x"]
        if session.get_bind().dialect.name == "sqlite":
            check = "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)"
            session.execute(text(check))  # each body indexed once, as it reads
            assert bound and not [p for p in bound for v in p.values() if v in large.values()]


def _sqlite_allocator() -> tuple[Callable[[], int], Callable[[], int]]:
    """SQLite's bytes in use and its high-water mark since the last call (its own allocator's
    counts, which tracemalloc does not see), from the library Python's sqlite3 runs on."""
    library = ctypes.CDLL(_sqlite3.__file__)
    try:
        used, highwater = library.sqlite3_memory_used, library.sqlite3_memory_highwater
    except AttributeError:
        pytest.skip("Python's sqlite3 does not show SQLite's memory counts")
    used.restype = highwater.restype = ctypes.c_int64
    highwater.argtypes = [ctypes.c_int]
    return used, lambda: int(highwater(1))  # 1: start again from what is in use


@pytest.mark.parametrize("filled", [False, True], ids=["inserted", "filling a placeholder"])
def test_sqlite_holds_a_large_body_about_twice_while_storing_it(
    migrated_sqlite_file: Path, tmp_path: Path, make_message: MakeMessage, filled: bool
) -> None:
    """SQLite's allocations while a 4 MB body is stored and indexed stay near twice the body
    (what it was handed and the row it builds, then what it is handed again to index), whether
    the body makes a new row or fills a placeholder a reply left: 2.5× both. The update trigger
    indexed a filled body inside the UPDATE, beside both copies: 3.74×."""
    used, highwater = _sqlite_allocator()
    path = tmp_path / "store.sqlite"
    shutil.copy(migrated_sqlite_file, path)
    store = open_store(f"sqlite:///{path}")
    if filled:
        import_messages(store, [make_message("reply@x", in_reply_to="big@x")])
    body = "page lock fault mapping\n" * (4 * MB // 24)
    before = used()
    highwater()
    import_messages(store, [make_message("big@x", body=body)])
    peak = highwater() - before
    assert peak < 2.75 * len(body), f"{peak / len(body):.2f} × the body"
    with store() as session:
        assert [m.id for m in search_sql.search(StoreReader.of_session(session), "mapping")] == [
            "big@x"
        ]


def _large_patch_body(megabytes: int) -> str:
    """A body that is a short note and a git diff of many files of 20 hunks each."""
    note = "Rework the reclaim path.\n\n---\n"
    lines = [note]
    for number in range(megabytes * MB // 8_000):
        path = f"mm/reclaim-{number}.c"
        lines.append(f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n")
        for hunk in range(20):
            lines.append(
                f"@@ -{10 + hunk * 40},7 +{10 + hunk * 40},8 @@ static int f{hunk}(void)\n"
            )
            lines.extend(
                f"{mark}\tfolio_lock(folio, mapping->host); {i}\n"
                for i, mark in enumerate("   -++   ")
            )
    return "".join(lines)


def test_sqlite_holds_a_large_patch_about_twice_while_storing_it(
    migrated_sqlite_file: Path, tmp_path: Path, make_message: MakeMessage
) -> None:
    """SQLite's allocations while a message that is a 4 MB patch is stored stay near twice
    the body, beside its page cache (2 MB): what it is handed and the row it makes, for the
    body and then for the diff, 2.57× in all. The body is indexed once its patch is written,
    so the terms FTS5 holds until the commit are not held beside the diff's copies: 2.82×
    when they were. The stored diff is the body's slice, and the body is found by its words."""
    body = _large_patch_body(4)
    message = make_message("big@x", body=body, read_patches=extract_patches(body))
    (patch,) = message.patches
    assert patch.span is not None and patch.text is message.body
    used, highwater = _sqlite_allocator()
    path = tmp_path / "store.sqlite"
    shutil.copy(migrated_sqlite_file, path)
    store = open_store(f"sqlite:///{path}")
    before = used()
    highwater()
    import_messages(store, [message])
    peak = highwater() - before
    assert peak < 2.65 * len(message.body), f"{peak / len(message.body):.2f} × the body"
    with store() as session:
        stored = session.execute(text("SELECT diff FROM patches")).scalar_one()
        assert stored == patch.diff == message.body[slice(*patch.span)]
        reader = StoreReader.of_session(session)
        assert [m.id for m in search_sql.search(reader, "folio_lock")] == [message.message_id]


def test_a_deletion_amid_an_import_keeps_the_full_text_index_whole(
    store: Store, make_message: MakeMessage
) -> None:
    """A message deleted in a batch that wrote messages (so indexing is paused) and left as a
    placeholder for its reply is taken out of the full-text indexes by their update triggers."""
    import_messages(
        store,
        [
            make_message("root@x", body="zyzzyva root\n", subject="aardvark"),
            make_message("reply@x", in_reply_to="root@x"),
        ],
    )
    deleted = MessageDeleted(source="test.mbox", position=10, message_id="root@x")
    import_messages(store, [make_message("other@x"), deleted])
    with store() as session:
        reader = StoreReader.of_session(session)
        assert search_sql.search(reader, "zyzzyva", limit=10, offset=0) == []
        assert search_sql.search(reader, "aardvark", limit=10, offset=0) == []
        if session.get_bind().dialect.name == "sqlite":
            for table in ("messages_fts", "messages_subject_trigram"):
                check = f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"
                session.execute(text(check))


def test_ctrl_c_inside_a_statement_is_an_interruption_not_a_failed_store(
    store: Store, thread: list[ParsedMessage]
) -> None:
    """Ctrl-C can land while psycopg waits for the server: its connection is still busy, so a
    rollback on it failed ("another command is already in progress"), which the import reported
    as a failed store (exit 1, not 130). What was committed before is kept."""
    opened: list[Session] = []

    def sessions() -> Session:
        opened.append(store())
        return opened[-1]

    def interrupted_in_a_statement() -> Iterator[ParsedMessage]:
        yield from thread[:2]
        session = opened[0]
        raw = session.connection().connection.driver_connection
        if session.get_bind().dialect.name == "postgresql":
            raw.pgconn.send_query(b"SELECT pg_sleep(0.2)")  # sent, not waited for: busy
        raise KeyboardInterrupt

    report = import_messages(sessions, interrupted_in_a_statement(), batch_size=1)  # type: ignore[arg-type]
    assert report.interrupted and report.errors == []
    with store() as session:
        stored = session.scalars(select(Message.message_id).where(~Message.placeholder)).all()
    assert sorted(stored) == sorted(m.message_id for m in thread[:2])
