"""The hot paths' SQL (db/hot_sql.py, db/sqlite_sql.py, db/postgres_sql.py) against SQLAlchemy.

An import through the driver's statements and one through SQLAlchemy Core (tests/db/
orm_reference.py) give identical stores, row for row and in the full-text indexes; a search's
SQL text gives the hits, in the order, that `orm_search.message_filter` gives through SQLAlchemy.
Both on every engine, on real lists, the seed, and a generated archive read in shuffled order
(placeholders filled, threads merged).
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from orm_reference import CoreWrites, orm_page
from store_contents import (
    LISTS,
    SEED,
    MakeMessage,
    NewStoreUrl,
    Store,
    index_contents,
    store_rows,
)

from benches.generate_archive import ArchiveGenerator, render
from threadlore.db import ingest, search_sql, sqlite_sql, store_writes
from threadlore.db.driver import StoreReader
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.importers import body_lines
from threadlore.importers.archive_dates import parse_clock
from threadlore.importers.detect import read_inputs

QUERIES = [
    "page",
    "lock page",
    '"lock the page"',
    "s:patch",
    "b:truncate -s:re",
    "page OR deadlock",
    "(page OR mapping) -lock",
    "f:miklos",
    "f:miklos OR nonlinear",
    "t:linux-mm",
    "c:akpm page",
    "d:2007-03-01..2007-03-08",
    "d:..2007-02-22 page",
    "-d:2007",
    "dfn:mm/ has:patch",
    "dfhh:page",
    "has:patch -dfn:memory",
    "NOT page",
    "page_mkclean",
    "mm/memory.c",
    "_",
    "s:___ OR lock",
    "%",
    "kernel reclaim -writeback -f:piggin",
    'subject "fault vs"',
]


def _shuffled_archive(folder: Path) -> Path:
    """A generated archive's messages in a shuffled mbox: replies before what they answer."""
    generator = ArchiveGenerator(7)
    mails = list(generator.mails(300))
    random.Random(7).shuffle(mails)
    path = folder / "shuffled.mbox"
    with path.open("wb") as mbox:
        for mail in mails:
            data = render(mail, generator.local_time(mail.date)).replace(b"\nFrom ", b"\n>From ")
            mbox.write(f"From {mail.author[1]} Mon Jan  1 00:00:00 2007\n".encode() + data + b"\n")
    return path


def _inputs(folder: Path) -> list[Path]:
    lists = sorted(LISTS.glob("*.mbox"))[:8] if LISTS.is_dir() else []
    return [SEED, *lists, _shuffled_archive(folder)]


def _import(store: Store, inputs: list[Path]) -> None:
    import_messages(store, read_inputs(inputs), batch_size=97)
    clock = parse_clock("Europe/Berlin")  # the seed again, re-dated: its dates move in the index
    import_messages(store, read_inputs([SEED], clock=clock), batch_size=97, clock=clock)


def test_an_import_through_the_driver_and_through_sqlalchemy_give_the_same_store(
    new_store_url: NewStoreUrl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body from 1,500 characters counts as large here (1 MiB in use), so that bodies and
    diffs handed to SQLite by a function call and indexed as they are inserted (placeholders
    filled, bodies re-dated) are compared too, beside bodies bound and indexed by the batch.
    The driver's import reads every body's lines as offsets (those of a body from 256 KiB in
    use), so that its patches hold their diffs as slices of their bodies, cut out as they are
    written, against the reference's diffs, each its own text."""
    monkeypatch.setattr(store_writes, "LARGE_TEXT", 1500)
    inputs = _inputs(tmp_path)
    fast = open_store(new_store_url(migrated=True))
    with monkeypatch.context() as offsets:
        offsets.setattr(body_lines, "LIST_BELOW", 0)
        _import(fast, inputs)
    reference = open_store(new_store_url(migrated=True))
    monkeypatch.setattr(ingest, "DriverWrites", CoreWrites)
    _import(reference, inputs)
    fast_rows, reference_rows = store_rows(fast), store_rows(reference)
    assert len(fast_rows["messages"]) > 500
    assert len(fast_rows["patches"]) > 20
    assert sum(1 for row in fast_rows["messages"] if row[2]) > 0  # placeholders remain
    for table in fast_rows:
        assert fast_rows[table] == reference_rows[table], table
    assert index_contents(fast) == index_contents(reference)
    with fast() as session:
        reader = StoreReader.of_session(session)
        for query in QUERIES:
            for limit, offset in ((50, 0), (7, 3), (1000, 0)):
                found = search_sql.search(reader, query, limit=limit, offset=offset)
                expected = orm_page(session, query, limit, offset)
                assert [m.id for m in found] == expected, (query, limit, offset)


@pytest.mark.parametrize(
    "values",
    [[], [1, 2, 30000000000], ["<a@b>", 'quote " and \\ back'], [True, 1], [1, "2"]],
    ids=["empty", "ids", "keys", "bools", "mixed"],
)
def test_sqlite_reads_a_list_parameter_as_the_json_module_writes_it(values: list[object]) -> None:
    """Ids are written as a JSON array by hand (a search's start without json, issue 15)."""
    import json
    import sqlite3

    from threadlore.db.sqlite_sql import list_value

    connection = sqlite3.connect(":memory:")
    read = connection.execute(
        "SELECT json_group_array(value) FROM json_each(?)", (list_value(values),)
    )
    assert json.loads(read.fetchone()[0]) == values


def _triggers(connection: sqlite3.Connection, events: str = "INSERT") -> dict[str, str]:
    """The store's triggers AFTER `events` on messages or recipients, by name, as written."""
    rows = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    pattern = re.compile(rf"AFTER {events} ON (messages|recipients)\b")
    return {name: sql for name, sql in rows if pattern.search(sql)}


def test_an_import_drops_every_insert_trigger_of_messages_and_recipients(
    migrated_sqlite_file: Path,
) -> None:
    """A trigger a later migration adds must be done by the import too, or not dropped."""
    with closing(sqlite3.connect(migrated_sqlite_file)) as connection:
        dropped = [drop for drop, _ in connection.execute(sqlite_sql.DROPPED_TRIGGERS)]
        insert_triggers = _triggers(connection)
    assert sorted(dropped) == sorted(f"DROP TRIGGER {name}" for name in insert_triggers)
    assert len(dropped) == 4


def test_the_insert_triggers_are_gone_inside_the_import_transaction_only(
    migrated_sqlite_file: Path, tmp_path: Path, make_message: MakeMessage
) -> None:
    """While an import's indexing is paused its own transaction has no insert triggers; any
    other connection has them all, and after its commit, or its rollback, the store has the
    same triggers as before, written the same."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(migrated_sqlite_file, path)
    with closing(sqlite3.connect(path)) as other:
        before = _triggers(other, "INSERT|UPDATE|DELETE")
        store = open_store(f"sqlite:///{path}")
        for end in ("rollback", "commit"):
            with store() as session:
                writes = store_writes.DriverWrites(session)
                writes.pause_indexing()
                assert _triggers(writes.raw) == {}
                assert _triggers(other, "INSERT|UPDATE|DELETE") == before
                writes.resume_indexing()
                assert _triggers(writes.raw, "INSERT|UPDATE|DELETE") == before
                writes.pause_indexing()
                if end == "rollback":
                    session.rollback()
                    writes.detach()
                else:
                    writes.resume_indexing()
                    session.commit()
            assert _triggers(other, "INSERT|UPDATE|DELETE") == before, end
        report = import_messages(store, [make_message("<a@b>", subject="one")], batch_size=1)
        assert report.added == 1
        assert _triggers(other, "INSERT|UPDATE|DELETE") == before
