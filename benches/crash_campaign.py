"""Kill -9 `threadlore import` at random points and check that nothing is lost or duplicated.

A seeded archive (benches/generate_archive.py) is imported by a real `threadlore import` process
that is sent SIGKILL after a random delay, several times in a row on the same store (each run
resumes the last), then run to completion. After every kill the SQLite file must pass
`PRAGMA integrity_check`; at the end the stored Message-IDs must equal the archive's: none lost,
none stored twice. Each trial starts without a store file, so that early kills land in the
schema's creation; a second phase aims kills at that creation alone (a new store opened by
`threadlore threads`), and counts the stores a kill left that no later command can open.

    .venv/bin/python -m benches.crash_campaign --messages 20000 --kills 24
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benches.generate_archive import write_archive
from importers.detect import read_inputs

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


def import_command(archive: Path, store: Path) -> list[str]:
    return [str(THREADLORE), "import", str(archive), "--db", f"sqlite:///{store}"]


def run_and_kill(archive: Path, store: Path, delay: float) -> bool:
    """Start an import, SIGKILL it after `delay` seconds; True when it had already finished."""
    process = subprocess.Popen(
        import_command(archive, store), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        process.wait(timeout=delay)
        return True
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return False


def run_to_completion(archive: Path, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(import_command(archive, store), capture_output=True, text=True)


def integrity(store: Path) -> str:
    """`PRAGMA integrity_check` of the store ("ok", or what is wrong); "no store" if absent."""
    if not store.exists():
        return "ok"  # killed before the file was created: nothing to damage
    with sqlite3.connect(store) as connection:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows)


def stored_ids(store: Path) -> list[str]:
    """Every stored (not placeholder) message's id, repeats included."""
    with sqlite3.connect(store) as connection:
        rows = connection.execute("SELECT message_id FROM messages WHERE NOT placeholder")
        return [row[0] for row in rows]


def archive_ids(archive: Path) -> set[str]:
    return {message.message_id for message in read_inputs([archive])}


def timed_import(archive: Path, store: Path) -> float:
    """Seconds a whole import takes on a fresh store (the window kills are drawn from)."""
    store.unlink(missing_ok=True)
    started = time.perf_counter()
    done = run_to_completion(archive, store)
    if done.returncode != 0:
        raise SystemExit(f"crash campaign: the import fails without kills: {done.stderr.strip()}")
    return time.perf_counter() - started


def campaign(
    archive: Path,
    work: Path,
    *,
    kills: int,
    kills_per_trial: int,
    seed: int,
    log: Callable[[str], None] = print,
) -> CampaignResult:
    """Run trials of consecutive kills until `kills` kills have landed, each trial on a new store.

    Args:
        archive: the mbox to import.
        work: a folder for the stores.
        kills: how many kills must land (an import that ends before its kill does not count).
        kills_per_trial: kills in a row on one store before it is run to completion.
        seed: for the random delays.
        log: told one line per kill and per trial.
    """
    chooser = random.Random(seed)
    expected = archive_ids(archive)
    window = timed_import(archive, work / "timing.sqlite")
    log(f"a whole import takes {window:.1f} s; kills are drawn in (0, {window:.1f}) s")
    result = CampaignResult()
    while result.kills < kills:
        result.trials += 1
        store = work / f"trial-{result.trials}.sqlite"
        for _ in range(kills_per_trial):
            delay = chooser.uniform(0.05, window)
            if run_and_kill(archive, store, delay):
                result.finished_before_kill += 1
                continue
            result.kills += 1
            check = integrity(store)
            log(f"kill {result.kills} after {delay:.2f} s: integrity_check {check}")
            if check != "ok":
                result.integrity_failures.append(f"kill {result.kills}: {check}")
        done = run_to_completion(archive, store)
        if done.returncode != 0:
            result.rerun_failures.append(f"trial {result.trials}: {done.stderr.strip()}")
        ids = stored_ids(store)
        lost = len(expected - set(ids))
        duplicated = len(ids) - len(set(ids))
        result.lost += lost
        result.duplicated += duplicated
        log(f"trial {result.trials}: re-run exit {done.returncode}, {len(ids)} stored, "
            f"{lost} lost, {duplicated} duplicated")  # fmt: skip
        check = integrity(store)
        if check != "ok":
            result.integrity_failures.append(f"trial {result.trials} after re-run: {check}")
    return result


def creation_campaign(work: Path, *, kills: int, seed: int) -> tuple[int, list[str]]:
    """Kill the first opening of new stores (where the schema is made) at random points.

    Returns the kills that landed and, for each store that no command could open afterwards,
    the one-line error the next command gave.
    """
    chooser = random.Random(seed)

    def threads(store: Path) -> list[str]:
        return [str(THREADLORE), "threads", "--db", f"sqlite:///{store}"]

    started = time.perf_counter()
    subprocess.run(threads(work / "creation-timing.sqlite"), capture_output=True, check=True)
    window = time.perf_counter() - started
    landed, unopenable = 0, []
    for number in range(kills):
        store = work / f"creation-{number}.sqlite"
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="threadlore-crash-") as folder:
        work = Path(folder)
        mbox, _ = write_archive(args.messages, work, args.seed)
        print(f"generated {args.messages} messages ({mbox.stat().st_size / 2**20:.0f} MB mbox)")
        result = campaign(
            mbox, work, kills=args.kills, kills_per_trial=args.kills_per_trial, seed=args.seed
        )
        creation_kills, unopenable = creation_campaign(
            work, kills=args.creation_kills, seed=args.seed
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
