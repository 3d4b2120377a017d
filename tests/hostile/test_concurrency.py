"""Concurrency on SQLite (WAL): the UI and CLI read while an import writes; two imports of
overlapping archives at once end with every message stored once and no error to handle."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from benches.generate_archive import write_archive
from threadlore.cli.main import threadlore
from threadlore.importers.detect import read_inputs
from threadlore.tui.store_reader import SessionStoreReader

THREADLORE = Path(sys.executable).with_name("threadlore")


def start_import(source: Path, db_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(THREADLORE), "import", str(source), "--db", db_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_ids(db_url: str) -> list[str]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        return [
            r[0]
            for r in connection.execute("SELECT message_id FROM messages WHERE NOT placeholder")
        ]


def split_maildir(maildir: Path, folder: Path, parts: list[slice]) -> list[Path]:
    """Maildirs holding the given slices of `maildir`'s messages (slices may overlap)."""
    files = sorted((maildir / "cur").iterdir())
    made = []
    for number, part in enumerate(parts):
        cur = folder / f"part-{number}" / "cur"
        cur.mkdir(parents=True)
        for path in files[part]:
            shutil.copy(path, cur / path.name)
        made.append(cur.parent)
    return made


@pytest.mark.slow
def test_the_ui_and_the_cli_read_while_an_import_writes(tmp_path: Path, db_url: str) -> None:
    mbox, _ = write_archive(1000, tmp_path)
    importing = start_import(mbox, db_url)
    reader = SessionStoreReader.open(db_url)
    rounds = 0
    while importing.poll() is None:
        threads = reader.list_threads(limit=20)
        assert reader.count_threads() >= len(threads)
        if threads:
            assert reader.thread_tree(threads[0].id)
        reader.search_messages("page OR lock")
        reader.list_people()
        reader.messages_per_day()
        for command in (["threads", "--limit", "5"], ["search", "f:nick truncate"], ["people"]):
            result = CliRunner().invoke(threadlore, [*command, "--db", db_url])
            no_hits_yet = command[0] == "search" and "no messages match" in result.output
            assert result.exit_code == 0 or no_hits_yet, result.output
        rounds += 1
    _, errors = importing.communicate()
    assert (importing.returncode, errors) == (0, "")
    assert rounds >= 2
    assert len(stored_ids(db_url)) == 1000


@pytest.mark.slow
def test_two_overlapping_imports_at_once_store_each_message_once(
    tmp_path: Path, db_url: str
) -> None:
    _, maildir = write_archive(1000, tmp_path)
    first, second = split_maildir(maildir, tmp_path, [slice(0, 700), slice(300, 1000)])
    imports = [start_import(first, db_url), start_import(second, db_url)]
    outcomes = [(p.communicate()[1], p.returncode) for p in imports]
    assert outcomes == [("", 0), ("", 0)]
    ids = stored_ids(db_url)
    assert len(ids) == len(set(ids))
    assert set(ids) == {m.message_id for m in read_inputs([maildir])}
