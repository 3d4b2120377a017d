"""How long recording a map entry takes: in the UI (keys and milliseconds) and from the command
line (`threadlore map add`, one process per entry, the peer), and what a map costs in the store.

The UI is driven headless by Textual's Pilot on a real SQLite store of a thread nobody curated
(the nbd wrong-cookie thread of the shared corpora). For each entry: the keys a person presses
from the message to the recorded entry, and the two waits they see — `a` until the form is up
with the message's sentences and the map's questions, `ctrl+s` until the entry is stored and the
form gone. Think time and the harness's own key handling are not counted.
Run: `python -m benches.bench_recording`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benches.measure import measure
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.importers.detect import read_inputs
from threadlore.kb.decisions import DecisionService
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.decision_source import SessionDecisions
from threadlore.tui.dialogs.record_dialog import RecordDialog
from threadlore.tui.store_reader import SessionStoreReader

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
THREAD = CORPORA / "lists" / "threads" / "nbd-wrong-cookie-2024.mbox"
SEED = ROOT / "samples" / "lkml-2007-fault-vs-truncate.txt"
SEED_MAP = ROOT / "kb" / "maps" / "lkml-2007-fault-vs-truncate.yaml"
KEVIN = "Zw5CNDIde6xkq_Sf@redhat.com"
MING = "CAFj5m9LXwcH7vc2Fk_i+VhfUA+tevzhciJzKc1am49y_5jgC2Q@mail.gmail.com"
THREADLORE = Path(sys.executable).parent / "threadlore"


class Keys:
    """Presses keys through a Pilot, counts them, and times the two waits of a recording."""

    def __init__(self, pilot: Any) -> None:
        self.pilot = pilot
        self.count = 0
        self.waits: dict[str, float] = {}

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)

    async def timed(self, wait: str, key: str) -> None:
        """Press `key` and time it until every worker it started is done, in ms."""
        started = time.perf_counter()
        await self.press(key)
        await self.settle()
        self.waits[wait] = (time.perf_counter() - started) * 1000

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.pilot.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def to_sentence(self, starts: str) -> None:
        dialog = self.pilot.app.screen
        assert isinstance(dialog, RecordDialog)
        while not dialog.query_one("#words").value.startswith(starts):  # type: ignore[attr-defined]
            await self.press("j")


async def _proposal(keys: Keys) -> None:
    await keys.timed("open", "a")
    await keys.to_sentence("1. Is it that blk-mq")
    await keys.press("p", "tab", *"Who keeps the cookie?")
    await keys.timed("store", "ctrl+s")


async def _argument(keys: Keys) -> None:
    await keys.timed("open", "a")
    await keys.to_sentence("I don't expect so")
    await keys.press("minus", "enter", "down", "enter")
    await keys.timed("store", "ctrl+s")


async def _decision(keys: Keys) -> None:
    await keys.timed("open", "a")
    await keys.to_sentence("3. Is it that it should never")
    await keys.press("d", "enter", "down", "enter", "tab", "enter", "down", "down", "enter")
    await keys.timed("store", "ctrl+s")


ENTRIES: list[tuple[str, Callable[[Keys], Awaitable[None]]]] = [
    ("proposal (new question)", _proposal),
    ("argument against it", _argument),
    ("decision (accepted)", _decision),
]


def _store(folder: Path) -> tuple[Any, Path]:
    path = folder / "store.sqlite"
    sessions = open_store(f"sqlite:///{path}")
    import_messages(sessions, read_inputs([THREAD]))
    return sessions, path


async def _ui_round(folder: Path) -> list[tuple[str, int, float, float]]:
    """One fresh store, the three entries recorded in the UI: (entry, keys, open ms, store ms)."""
    sessions, _ = _store(folder)
    decisions = SessionDecisions(lambda: sessions, "bench")
    app = ThreadloreApp(
        SessionStoreReader(sessions), decisions=decisions, start_thread=1, start_message=KEVIN
    )
    found = []
    async with app.run_test(size=(100, 32)) as pilot:
        keys = Keys(pilot)
        await keys.settle()
        for name, record in ENTRIES:
            keys.count = 0
            await record(keys)
            found.append((name, keys.count, keys.waits["open"], keys.waits["store"]))
    return found


def _cli_entry(db: str) -> float:
    """The peer: the same proposal recorded by one `threadlore map add` process, in ms."""
    args = [
        str(THREADLORE), "map", "add", "proposal", "--db", db, "--message", KEVIN,
        "--quote", "1. Is it that blk-mq should always re-run the request with the same tag?",
        "--question", "Who keeps the cookie?",
    ]  # fmt: skip
    return measure(args).measure.seconds * 1000


def _sizes(folder: Path) -> list[tuple[str, int]]:
    """Store sizes: the seed alone, with its curated map, and the journal rows that map wrote."""
    path = folder / "seed.sqlite"
    sessions = open_store(f"sqlite:///{path}")
    import_messages(sessions, read_inputs([SEED]))
    sessions.kw["bind"].dispose()
    before = path.stat().st_size
    sessions = open_store(f"sqlite:///{path}")
    with sessions() as session:
        loaded = DecisionService(session, "bench").import_file(SEED_MAP)
        session.commit()
    sessions.kw["bind"].dispose()
    return [
        ("seed thread (99 messages)", before),
        (f"… and its map ({loaded.added} entries, journalled)", path.stat().st_size),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    if not THREAD.is_file():
        raise SystemExit(f"bench_recording: no shared corpora at {CORPORA}")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as work:
        opened: dict[str, list[float]] = {}
        stored: dict[str, list[float]] = {}
        keys: dict[str, int] = {}
        cli: list[float] = []
        for run in range(runs):
            folder = Path(work) / f"ui-{run}"
            folder.mkdir()
            for name, count, open_ms, store_ms in asyncio.run(_ui_round(folder)):
                opened.setdefault(name, []).append(open_ms)
                stored.setdefault(name, []).append(store_ms)
                keys[name] = count
            cli_folder = Path(work) / f"cli-{run}"
            cli_folder.mkdir()
            _, path = _store(cli_folder)
            cli.append(_cli_entry(f"sqlite:///{path}"))
        sizes = _sizes(Path(work))
    print(f"recording a map entry, medians of {runs} runs (load {load:.2f})")
    print(f"  {'entry':26} {'keys':>5} {'a: form up':>11} {'ctrl+s: stored':>15}  vs map add")
    cli_ms = statistics.median(cli)
    for name in opened:
        open_ms, store_ms = statistics.median(opened[name]), statistics.median(stored[name])
        ratio = cli_ms / (open_ms + store_ms)
        print(
            f"  {name:26} {keys[name]:>5} {open_ms:>8.0f} ms {store_ms:>12.0f} ms"
            f"  {ratio:.1f}× faster"
        )
    print(f"  {'threadlore map add (peer)':26} {'':>5} {'':>11} {cli_ms:>12.0f} ms")
    print("store sizes (SQLite file)")
    for name, size in sizes:
        print(f"  {name:44} {size / 1024:>8.0f} KB")


if __name__ == "__main__":
    main()
