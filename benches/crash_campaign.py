"""Kill -9 `threadlore import` at random points and check that nothing is lost or duplicated.

A seeded archive (benches/generate_archive.py) is imported by a real `threadlore import` process
that is sent SIGKILL after a random delay, several times in a row on the same store (each run
resumes the last), then run to completion. After every kill the store must pass its engine's
integrity check (SQLite: `PRAGMA integrity_check`, and every trigger of the schema there, which an
import drops for its transaction; PostgreSQL: amcheck's `verify_heapam` on every table and
`bt_index_check` on every index); at the end the stored Message-IDs must equal the
archive's: none lost, none stored twice. `--engine postgresql` runs the same on a throwaway
cluster (`.ci/pg-cluster.sh`), or on the server `$THREADLORE_TEST_PG` names. Each trial starts
with a new, empty store, so that early kills land in the schema's creation; a second phase aims
kills at that creation alone (a new store opened by `threadlore threads`), and counts the stores
a kill left that no later command can open.

    .venv/bin/python -m benches.crash_campaign --messages 20000 --kills 24
    .venv/bin/python -m benches.crash_campaign --messages 5000 --kills 20 --engine postgresql
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benches.generate_archive import write_archive
from threadlore.db.engine import store_url
from threadlore.db.schema_snapshot import SNAPSHOT
from threadlore.importers.detect import read_inputs

THREADLORE = Path(sys.executable).with_name("threadlore")


@dataclass
class CampaignResult:
    """What the kills did: how many landed, integrity results, and the final comparison."""

    kills: int = 0
    finished_before_kill: int = 0
    integrity_failures: list[str] = field(default_factory=list)
    rerun_failures: list[str] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0
    trials: int = 0

    def ok(self) -> bool:
        """Whether every check passed."""
        return not (self.integrity_failures or self.rerun_failures or self.lost or self.duplicated)


# the triggers a SQLite store at head has (an import drops four for its transaction)
_SCHEMA_TRIGGERS = set(re.findall(r"^CREATE TRIGGER (\w+)", SNAPSHOT.read_text(), re.M))


class SqliteStores:
    """A new SQLite file per trial, in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def new(self, name: str) -> str:
        path = self.folder / f"{name}.sqlite"
        for leftover in self.folder.glob(f"{name}.sqlite*"):
            leftover.unlink()
        return f"sqlite:///{path}"

    def integrity(self, url: str) -> str:
        """`PRAGMA integrity_check` ("ok", or what is wrong), and the triggers missing from a
        made schema; "ok" if the file was never made."""
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return "ok"  # killed before the file was created: nothing to damage
        with closing(sqlite3.connect(path)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
            names = connection.execute("SELECT type, name FROM sqlite_master").fetchall()
        check = "; ".join(str(row[0]) for row in rows)
        triggers = {name for kind, name in names if kind == "trigger"}
        missing = sorted(_SCHEMA_TRIGGERS - triggers) if ("table", "messages") in names else []
        return f"{check}; triggers missing: {', '.join(missing)}" if missing else check

    def ids(self, url: str) -> list[str]:
        """Every stored (not placeholder) message's id, repeats included."""
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            rows = connection.execute("SELECT message_id FROM messages WHERE NOT placeholder")
            return [row[0] for row in rows]


class PostgresStores:
    """A new database per trial on the server behind `server_url`."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(store_url(server_url))

    def _connect(self, database: str | None = None) -> Any:
        import psycopg

        url = self.server.set(drivername="postgresql", database=database or self.server.database)
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def new(self, name: str) -> str:
        database = f"crash_{name.replace('-', '_')}"
        with self._connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{database}"')
        return self.server.set(database=database).render_as_string(hide_password=False)

    def integrity(self, url: str) -> str:
        """amcheck over every table and index of the store ("ok", or the first problems)."""
        with self._connect(make_url(url).database) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            problems = connection.execute(
                "SELECT c.relname || ': ' || v.msg FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace, verify_heapam(c.oid) v "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'"
            ).fetchall()
            indexes = connection.execute(
                "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND a.amname = 'btree'"
            ).fetchall()
            for (index,) in indexes:
                connection.execute("SELECT bt_index_check(%s::regclass, true)", (index,))
        return "; ".join(row[0] for row in problems[:5]) or "ok"

    def ids(self, url: str) -> list[str]:
        with self._connect(make_url(url).database) as connection:
            rows = connection.execute("SELECT message_id FROM messages WHERE NOT placeholder")
            return [row[0] for row in rows]


Stores = SqliteStores | PostgresStores


def import_command(archive: Path, url: str) -> list[str]:
    return [str(THREADLORE), "import", str(archive), "--db", url]


def run_and_kill(archive: Path, url: str, delay: float) -> bool:
    """Start an import, SIGKILL it after `delay` seconds; True when it had already finished."""
    process = subprocess.Popen(
        import_command(archive, url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        process.wait(timeout=delay)
        return True
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return False


def run_to_completion(archive: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(import_command(archive, url), capture_output=True, text=True)


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A PostgreSQL cluster (.ci/pg-cluster.sh) for the campaign's life; yields its URL.

    Its folder is a temp folder of its own: as root the server runs as nobody, who must reach it.
    """
    script = Path(__file__).resolve().parents[1] / ".ci" / "pg-cluster.sh"
    folder = tempfile.mkdtemp(prefix="threadlore-pg-")
    try:
        started = subprocess.run(
            [str(script), "start", folder], capture_output=True, text=True, check=True
        )
        yield started.stdout.strip()
    finally:
        subprocess.run([str(script), "stop", folder], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def archive_ids(archive: Path) -> set[str]:
    return {message.message_id for message in read_inputs([archive])}


def timed_import(archive: Path, url: str) -> float:
    """Seconds a whole import takes on a fresh store (the window kills are drawn from)."""
    started = time.perf_counter()
    done = run_to_completion(archive, url)
    if done.returncode != 0:
        raise SystemExit(f"crash campaign: the import fails without kills: {done.stderr.strip()}")
    return time.perf_counter() - started


def campaign(
    archive: Path,
    stores: Stores,
    *,
    kills: int,
    kills_per_trial: int,
    seed: int,
    log: Callable[[str], None] = print,
) -> CampaignResult:
    """Run trials of consecutive kills until `kills` kills have landed, each trial on a new store.

    Args:
        archive: the mbox to import.
        stores: where each trial's new store is made, and how it is checked.
        kills: how many kills must land (an import that ends before its kill does not count).
        kills_per_trial: kills in a row on one store before it is run to completion.
        seed: for the random delays.
        log: told one line per kill and per trial.
    """
    chooser = random.Random(seed)
    expected = archive_ids(archive)
    window = timed_import(archive, stores.new("timing"))
    log(f"a whole import takes {window:.1f} s; kills are drawn in (0, {window:.1f}) s")
    result = CampaignResult()
    while result.kills < kills:
        result.trials += 1
        store = stores.new(f"trial-{result.trials}")
        for _ in range(kills_per_trial):
            delay = chooser.uniform(0.05, window)
            if run_and_kill(archive, store, delay):
                result.finished_before_kill += 1
                continue
            result.kills += 1
            check = stores.integrity(store)
            log(f"kill {result.kills} after {delay:.2f} s: integrity_check {check}")
            if check != "ok":
                result.integrity_failures.append(f"kill {result.kills}: {check}")
        done = run_to_completion(archive, store)
        if done.returncode != 0:
            result.rerun_failures.append(f"trial {result.trials}: {done.stderr.strip()}")
        ids = stores.ids(store)
        lost = len(expected - set(ids))
        duplicated = len(ids) - len(set(ids))
        result.lost += lost
        result.duplicated += duplicated
        log(f"trial {result.trials}: re-run exit {done.returncode}, {len(ids)} stored, "
            f"{lost} lost, {duplicated} duplicated")  # fmt: skip
        check = stores.integrity(store)
        if check != "ok":
            result.integrity_failures.append(f"trial {result.trials} after re-run: {check}")
    return result


def creation_campaign(stores: Stores, *, kills: int, seed: int) -> tuple[int, list[str]]:
    """Kill the first opening of new stores (where the schema is made) at random points.

    Returns the kills that landed and, for each store that no command could open afterwards,
    the one-line error the next command gave.
    """
    chooser = random.Random(seed)

    def threads(url: str) -> list[str]:
        return [str(THREADLORE), "threads", "--db", url]

    started = time.perf_counter()
    subprocess.run(threads(stores.new("creation-timing")), capture_output=True, check=True)
    window = time.perf_counter() - started
    landed, unopenable = 0, []
    for number in range(kills):
        store = stores.new(f"creation-{number}")
        process = subprocess.Popen(
            threads(store), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            process.wait(timeout=chooser.uniform(0.5 * window, window))
            continue
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        landed += 1
        after = subprocess.run(threads(store), capture_output=True, text=True)
        if after.returncode != 0:
            unopenable.append(after.stderr.strip())
    return landed, unopenable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=24)
    parser.add_argument("--kills-per-trial", type=int, default=4)
    parser.add_argument("--creation-kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2007)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="threadlore-crash-") as folder, ExitStack() as stack:
        work = Path(folder)
        stores: Stores = SqliteStores(work)
        if args.engine == "postgresql":
            server = os.environ.get("THREADLORE_TEST_PG") or stack.enter_context(
                throwaway_cluster()
            )
            stores = PostgresStores(server)
        mbox, _ = write_archive(args.messages, work, args.seed)
        print(f"generated {args.messages} messages ({mbox.stat().st_size / 2**20:.0f} MB mbox)")
        result = campaign(
            mbox, stores, kills=args.kills, kills_per_trial=args.kills_per_trial, seed=args.seed
        )
        creation_kills, unopenable = creation_campaign(
            stores, kills=args.creation_kills, seed=args.seed
        )
    print(
        f"kills: {result.kills} in {result.trials} trials "
        f"({result.finished_before_kill} imports ended before their kill); "
        f"integrity_check failures: {len(result.integrity_failures)}; "
        f"re-run failures: {len(result.rerun_failures)}; "
        f"messages lost: {result.lost}; duplicated: {result.duplicated}"
    )
    for failure in result.integrity_failures + result.rerun_failures:
        print(f"  {failure}")
    print(
        f"kills while a new store is created: {creation_kills}; "
        f"stores left unopenable: {len(unopenable)}"
    )
    for error in sorted(set(unopenable)):
        print(f"  {error}")
    sys.exit(0 if result.ok() and not unopenable else 1)


if __name__ == "__main__":
    main()
