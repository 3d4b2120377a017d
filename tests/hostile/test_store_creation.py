"""Creating a store is all or nothing: a crash mid-migration or a race between first opens."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.operations import Operations

from threadlore.db import engine
from threadlore.db.engine import open_store
from threadlore.db.schema_snapshot import snapshot_statements

ROOT = Path(__file__).resolve().parents[2]


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return sorted(name for (name,) in rows)


def _killed_halfway_then_made(path: Path, made: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the store dies after four tables (the patches in place), leaving none; opened
    again (the patches undone), the store is whole."""
    with pytest.raises(RuntimeError, match="killed"):
        open_store(f"sqlite:///{path}")
    assert len(made) == 4
    assert _tables(path) == []
    monkeypatch.undo()
    open_store(f"sqlite:///{path}")
    assert "messages" in _tables(path)


def test_a_migration_that_fails_halfway_leaves_no_half_made_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite"
    create_table = Operations.create_table
    made: list[str] = []

    def fail_on_the_fifth_table(self: Operations, name: str, *args: object, **kw: object) -> object:
        if len(made) == 4:
            raise RuntimeError("killed")
        made.append(name)
        return create_table(self, name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "snapshot_statements", lambda revision: None)  # Alembic makes it
    monkeypatch.setattr(Operations, "create_table", fail_on_the_fifth_table)
    _killed_halfway_then_made(path, made, monkeypatch)


def test_a_snapshot_that_fails_halfway_leaves_no_half_made_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite"
    made: list[str] = []

    def fail_on_the_fifth_table(revision: str) -> Iterator[str]:
        for statement in snapshot_statements(revision) or ():
            if statement.startswith("CREATE TABLE") and len(made) == 4:
                raise RuntimeError("killed")
            made.append(statement)
            yield statement

    monkeypatch.setattr(engine, "snapshot_statements", fail_on_the_fifth_table)
    _killed_halfway_then_made(path, made, monkeypatch)


def test_first_opens_of_one_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    code = f"from threadlore.db.engine import open_store; open_store({url!r})"
    processes = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate()[1] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], errors
