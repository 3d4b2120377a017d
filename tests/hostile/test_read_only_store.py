"""A store this user may only read (a file or folder without write permission, a PostgreSQL
session that is read-only) can be browsed: every read command and the UI work, and a write
fails in one line."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import cli_on, without_privileges
from sqlalchemy.engine import make_url

from threadlore.db import engine as store_engine
from threadlore.db.engine import read_only_sqlite
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.decision_source import SessionDecisions
from threadlore.tui.store_reader import SessionStoreReader

READS = [
    ("threads",),
    ("tree", "1", "--json"),
    ("search", "page"),
    ("show", "594eb4b8982e"),
    ("decisions", "--topic", "nonlinear"),
    ("map", "export", "1"),
]
THREADLORE = Path(sys.executable).with_name("threadlore")


@pytest.fixture
def read_only_url(seeded_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The seeded store, opened by a user who may not write it: on SQLite the file and its
    folder are not writable (SQLite then refuses every write, root's too); on PostgreSQL every
    transaction is read-only."""
    url = make_url(seeded_url)
    if url.get_backend_name() == "sqlite":
        monkeypatch.setattr(store_engine, "may_write", lambda _path: False)
        return seeded_url
    options = {"options": "-c default_transaction_read_only=on"}
    return url.update_query_dict(options).render_as_string(hide_password=False)


def test_every_read_command_answers_as_on_a_writable_store(
    seeded_url: str, read_only_url: str
) -> None:
    writable, read_only = cli_on(seeded_url), cli_on(read_only_url)
    for command in READS:
        expected = writable(*command)
        result = read_only(*command)
        assert (result.exit_code, result.output) == (expected.exit_code, expected.output), command
        assert expected.exit_code == 0, (command, expected.output)


def test_a_write_to_a_read_only_store_is_one_line(read_only_url: str, tmp_path: Path) -> None:
    mail = tmp_path / "new.eml"
    mail.write_text("From: a@example.org\nMessage-ID: <new@example.org>\nSubject: s\n\nbody\n")
    result = cli_on(read_only_url)("import", str(mail))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "read" in result.stderr, result.stderr
    assert cli_on(read_only_url)("show", "new@example.org").exit_code == 1


def test_the_ui_browses_a_read_only_store(read_only_url: str) -> None:
    """Threads, a thread and its messages, a search, the decision map and the people."""

    async def browse() -> None:
        reader = SessionStoreReader.open(read_only_url)
        app = ThreadloreApp(reader, decisions=SessionDecisions(lambda: reader.sessions))
        keys = [["enter"], ["j", "space"], ["slash", *"page", "enter"], ["4"]]
        async with app.run_test(size=(120, 36)) as pilot:
            for pressed in keys:
                await pilot.press(*pressed)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
        assert app.return_code in (None, 0)

    asyncio.run(browse())


@pytest.mark.parametrize("journal", ["none", "wal files left"])
def test_a_store_in_a_folder_nobody_may_write_is_read(
    seeded_url: str, tmp_path: Path, journal: str
) -> None:
    if make_url(seeded_url).get_backend_name() != "sqlite":
        pytest.skip("file permissions are SQLite's")
    folder = tmp_path / "shared"
    folder.mkdir()
    store = folder / "store.sqlite"
    with sqlite3.connect(make_url(seeded_url).database or "") as source:
        with sqlite3.connect(store) as copy:
            source.backup(copy)  # committed pages, the WAL's included
        copy.close()
    if journal != "none":
        for suffix in ("-wal", "-shm"):
            store.with_name(store.name + suffix).write_bytes(b"")
    store.chmod(0o444)
    folder.chmod(0o555)
    try:
        ran = subprocess.run(
            [*without_privileges(), str(THREADLORE), "threads", "--db", f"sqlite:///{store}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert (ran.returncode, ran.stderr) == (0, "")
        assert "fault vs truncate" in ran.stdout
        assert sorted(p.name for p in folder.iterdir())[0] == "store.sqlite"
    finally:
        folder.chmod(0o755)
    assert read_only_sqlite(store) is None  # root's test process may write it again


def test_how_a_store_is_opened_for_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store.sqlite"
    assert read_only_sqlite(store) is None  # a new store: created
    store.write_bytes(b"")
    assert read_only_sqlite(store) is None
    monkeypatch.setattr(store_engine, "may_write", lambda path: path == tmp_path)
    assert read_only_sqlite(store) == "mode=ro"
    monkeypatch.setattr(store_engine, "may_write", lambda _path: False)
    assert read_only_sqlite(store) == "immutable=1"
    for suffix in ("-wal", "-shm"):
        store.with_name(store.name + suffix).write_bytes(b"")
    assert read_only_sqlite(store) == "mode=ro"
