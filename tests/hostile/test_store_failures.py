"""A store that stops taking writes in the middle of an import (its disk full, its PostgreSQL
server gone) ends the import at once with one line and every committed batch kept; Ctrl-C
ends it cleanly, reader process included, and a re-run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile_support import cli_on
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url

from benches.generate_archive import write_archive
from threadlore.db import engine as store_engine
from threadlore.db.engine import open_store
from threadlore.db.models.messages import Message

THREADLORE = Path(sys.executable).with_name("threadlore")
ARCHIVE_MESSAGES = 1_200
STORED_BEFORE_FAILING = 700  # messages PostgreSQL takes before it fails
GROWTH_BYTES = 2 << 20  # what a SQLite store may grow by before it is full (~600 messages)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mbox, _ = write_archive(ARCHIVE_MESSAGES, tmp_path_factory.mktemp("archive"))
    return mbox


LONG_ARCHIVE_MESSAGES = 12_000  # an import that lasts a second or more, for Ctrl-C to reach


@pytest.fixture(scope="module")
def long_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mbox, _ = write_archive(LONG_ARCHIVE_MESSAGES, tmp_path_factory.mktemp("long"))
    return mbox


def stored(db_url: str) -> int:
    with open_store(db_url)() as session:
        count: int = session.scalar(
            select(func.count()).select_from(Message).where(Message.placeholder.is_(False))
        )
        return count


def _sqlite_disk_fills(engine: Engine) -> None:
    """SQLite's own "database or disk is full" (SQLITE_FULL) once the file has grown a little."""

    def cap(connection: object, _record: object) -> None:
        cursor = connection.cursor()  # type: ignore[attr-defined]
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        page_bytes = cursor.execute("PRAGMA page_size").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + GROWTH_BYTES // page_bytes}")
        cursor.close()

    event.listen(engine, "connect", cap)


def _pg_fails(db_url: str, how: str) -> None:
    """From the STORED_BEFORE_FAILING-th message on, PostgreSQL answers every insert as a full
    disk does (SQLSTATE 53100), or its backend dies as on a server shutdown (57P01)."""
    failing = {
        "disk full": "RAISE EXCEPTION 'could not extend file: No space left on device' "
        "USING ERRCODE = 'disk_full';",
        "server gone": "PERFORM pg_terminate_backend(pg_backend_pid());",
    }[how]
    with open_store(db_url).kw["bind"].begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION hostile_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF (SELECT count(*) FROM messages) >= {STORED_BEFORE_FAILING} THEN {failing} "
                "END IF; RETURN NEW; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER hostile_fail BEFORE INSERT ON messages "
                "FOR EACH ROW EXECUTE FUNCTION hostile_fail()"
            )
        )


@pytest.fixture(params=["disk full", "server gone"])
def failing_store(
    request: pytest.FixtureRequest, engine_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    sqlite = make_url(engine_url).get_backend_name() == "sqlite"
    if request.param == "server gone" and sqlite:
        pytest.skip("SQLite has no server")
    if sqlite:
        make_engine: Callable[[str], Engine] = store_engine.make_engine

        def filling(url: str) -> Engine:
            engine = make_engine(url)
            _sqlite_disk_fills(engine)
            return engine

        monkeypatch.setattr(store_engine, "make_engine", filling)
    else:
        _pg_fails(engine_url, request.param)
    yield engine_url
    monkeypatch.undo()


def test_a_store_that_stops_taking_writes_ends_the_import_in_one_line(
    failing_store: str, archive: Path
) -> None:
    started = time.monotonic()
    result = cli_on(failing_store)("import", str(archive))
    took = time.monotonic() - started
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("threadlore: the store failed, import stopped: "), line
    assert any(
        words in line
        for words in ("database or disk is full", "No space left", "terminating connection")
    ), line
    assert result.stdout.startswith("read "), result.stdout
    kept = stored(failing_store)
    assert 0 < kept <= STORED_BEFORE_FAILING + 500
    assert took < 120  # not one failure, and three retries, per message


def test_ctrl_c_ends_an_import_cleanly_and_a_rerun_completes_it(
    engine_url: str, long_archive: Path
) -> None:
    importing = subprocess.Popen(
        [str(THREADLORE), "import", str(long_archive), "--db", engine_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 120
    while stored(engine_url) == 0 and importing.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(importing.pid, signal.SIGINT)  # what Ctrl-C does: the reader child gets it too
    out, err = importing.communicate(timeout=60)
    if importing.returncode == 0:
        pytest.skip("the import finished before Ctrl-C reached it")
    assert importing.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert (
        err == "threadlore: interrupted: what was read so far is stored; import again to finish\n"
    )
    assert out.startswith("read ")
    with pytest.raises(ProcessLookupError):  # no process of the group is left, reader included
        os.killpg(importing.pid, 0)
    rerun = cli_on(engine_url)("import", str(long_archive))
    assert rerun.exit_code == 0, rerun.output
    with open_store(engine_url)() as session:
        ids = list(
            session.scalars(select(Message.message_id).where(Message.placeholder.is_(False)))
        )
    assert len(ids) == len(set(ids)) == LONG_ARCHIVE_MESSAGES
