"""Stores of real mail for the UI's tests: every shared corpus, with and without the seed.

Imported once per test session with `threadlore import` and, with the seed, `threadlore map
import` of its curated map (as a user would), shared by the xdist workers: the first to get the
lock builds a store, the others wait and reuse it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from threadlore.cli.main import threadlore
from threadlore.importers.detect import read_inputs

REPOSITORY = Path(__file__).resolve().parents[2]
CORPORA = REPOSITORY.parent / "shared" / "corpora"
LIST_THREADS = CORPORA / "lists" / "threads"
SEED = REPOSITORY / "samples" / "lkml-2007-fault-vs-truncate.txt"
SEED_MAP = REPOSITORY / "kb" / "maps" / "lkml-2007-fault-vs-truncate.yaml"


def session_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this test session shares (and no other session does)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _import(url: str, *paths: Path) -> None:
    """`threadlore import` the mail, then `threadlore map import` the seed's map if it is there."""
    result = CliRunner().invoke(threadlore, ["import", *map(str, paths), "--db", url])
    assert result.exit_code in (0, 4), result.output  # 4: the corpora's fuzz mail has warnings
    if SEED in paths:
        result = CliRunner().invoke(threadlore, ["map", "import", str(SEED_MAP), "--db", url])
        assert result.exit_code == 0, result.output


def _copy_store(source: Path, copy: Path) -> None:
    """A copy of a store with what its WAL holds: the import's connections may still be open in
    this process, so the file alone can lack its last batches."""
    reading, writing = sqlite3.connect(source), sqlite3.connect(copy)
    try:
        reading.backup(writing)
    finally:
        reading.close()
        writing.close()


def shared_store(folder: Path, name: str, *inputs: Path, base: str | None = None) -> str:
    """The URL of a store of `inputs` (added to a copy of store `base`), built once a session."""
    path = folder / f"{name}.sqlite"
    with (folder / "stores.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / f"{name}.done").exists():
            if base is not None:
                _copy_store(folder / f"{base}.sqlite", path)
            _import(f"sqlite:///{path}", *inputs)
            (folder / f"{name}.done").touch()
    return f"sqlite:///{path}"


def corpora_store(folder: Path) -> str:
    """Every shared corpus: many lists, hostile test mail, no decision map."""
    return shared_store(folder, "corpora", CORPORA)


def corpora_and_seed_store(folder: Path) -> str:
    """Every shared corpus and the seed beside them."""
    corpora_store(folder)
    return shared_store(folder, "with-seed", SEED, base="corpora")


def list_thread_roots() -> dict[str, str]:
    """Each file of the lists corpus and the Message-ID of its first message."""
    return {
        path.name: next(iter(read_inputs([path]))).message_id
        for path in sorted(LIST_THREADS.glob("*.mbox"))
    }
