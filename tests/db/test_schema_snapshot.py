"""A new SQLite store is made from the schema snapshot, and is the store the migrations make."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from threadlore.db import engine as engine_module
from threadlore.db import schema_snapshot
from threadlore.db.engine import make_engine, open_store, upgrade_to_head


def _everything(path: Path) -> tuple[list[tuple[str, ...]], dict[str, list[tuple[object, ...]]]]:
    """A store's schema (without where its pages are) and every table's rows, the full-text
    indexes' configuration included; their segments are not compared (a migrated store's empty
    index has written and emptied its structure record, a new one has not), but checked."""
    with sqlite3.connect(path) as connection:
        schema = sorted(
            connection.execute("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master")
        )
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN"
                " ('table', 'shadow') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_data'"
            )
        ]
        for (index,) in connection.execute(
            "SELECT name FROM pragma_table_list WHERE type = 'virtual'"
        ):
            connection.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
        rows = {name: sorted(connection.execute(f'SELECT * FROM "{name}"')) for name in tables}
    return schema, rows


def _migrated(path: Path) -> None:
    url = f"sqlite:///{path}"
    upgrade_to_head(make_engine(url), url, snapshot=False)


def test_the_snapshot_is_what_the_migrations_make() -> None:
    made = schema_snapshot.snapshot_text(schema_snapshot.migrated_statements())
    stale = "db/schema_snapshot.sql is stale: run `make schema-snapshot` and commit it"
    assert schema_snapshot.SNAPSHOT.read_text(encoding="utf-8") == made, stale


def test_a_store_made_from_the_snapshot_is_the_migrated_store(tmp_path: Path) -> None:
    open_store(f"sqlite:///{tmp_path / 'snapshot.sqlite'}")
    _migrated(tmp_path / "migrated.sqlite")
    snapshot = _everything(tmp_path / "snapshot.sqlite")
    assert snapshot == _everything(tmp_path / "migrated.sqlite")
    assert len(snapshot[0]) > 50  # every table, index and trigger, not an empty pair


def test_a_snapshot_behind_the_head_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "HEAD_REVISION", "0001_older")  # the snapshot is ahead
    found: list[list[str] | None] = []

    def recorded(revision: str) -> list[str] | None:
        found.append(schema_snapshot.snapshot_statements(revision))
        return found[-1]

    monkeypatch.setattr(engine_module, "snapshot_statements", recorded)
    open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    _migrated(tmp_path / "migrated.sqlite")
    assert found == [None]
    assert _everything(tmp_path / "store.sqlite") == _everything(tmp_path / "migrated.sqlite")


def test_a_file_with_tables_is_migrated_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.execute("INSERT INTO notes VALUES ('kept')")
    open_store(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT text FROM notes").fetchall() == [("kept",)]
        assert connection.execute("SELECT count(*) FROM messages").fetchone() == (0,)


def _page_size(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        size: int = connection.execute("PRAGMA page_size").fetchone()[0]
    return size


def test_a_new_store_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    new = tmp_path / "new.sqlite"
    open_store(f"sqlite:///{new}")
    assert _page_size(new) == engine_module.PAGE_BYTES != 4096
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as connection:  # a store of SQLite's default page size
        connection.execute("CREATE TABLE notes (text TEXT)")
    assert _page_size(old) == 4096
    open_store(f"sqlite:///{old}")
    assert _page_size(old) == 4096
