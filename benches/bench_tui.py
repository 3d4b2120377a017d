"""Benchmark the terminal UI: opening on the seed, and staying responsive on a large store.

Every figure is a median of several runs of the real app (headless, through Textual's Pilot, on
the real SQLite store), timed from the key press to the message that says the screen changed
(`ThreadsFetched`, `ThreadTreeFetched`, `MessageFetched`, `SearchCompleted`). The peer each UI
figure is set against is the bare store query it waits for: the ratio is what the UI adds.

The large store is generated (benches/synthetic_threads.py: one 1,000-message thread, the rest in
ten-message threads) and kept in --store-dir between runs, as building it takes a minute or two;
or it is any store given by --store, such as the one benches/bench_archive.py imported. With
--notmuch-config (a notmuch database of the same messages, as bench_archive leaves one), notmuch's
own command line is timed too on what it can answer: the newest page of threads, and the newest
page of a search.

Run: .venv/bin/python -m benches.bench_tui [--messages 100000] [--runs 5] [--store-dir DIR]
     .venv/bin/python -m benches.bench_tui --store sqlite:///W/stores-1000000/threadlore.sqlite \
         --notmuch-config W/stores-1000000/notmuch/config --search nonlinear
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from textual.message import Message

from benches.measure import measure
from benches.synthetic_threads import discussion
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models import Message as StoredMessage
from threadlore.importers.detect import read_inputs
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import (
    MessageFetched,
    SearchCompleted,
    ThreadsFetched,
    ThreadTreeFetched,
)
from threadlore.tui.store_reader import SessionStoreReader

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "lkml-2007-fault-vs-truncate.txt"
SIZE = (160, 48)
SEARCH = "lock_page"
STEPS = 30  # `j` presses timed in the big thread
THREAD_PAGE = 200  # threads the list fetches at a time
SEARCH_PAGE = 50  # messages a search fetches at a time


@dataclass(frozen=True)
class Targets:
    """What the run looks at, chosen from the store: its largest thread (found by filtering the
    list on the thread's subject, which no other thread's contains), a filter text, a search."""

    messages: int
    big_thread: int
    big_size: int
    big_subject: str
    filter_text: str
    search: str

    @property
    def big(self) -> str:
        return f"{self.big_size:,}-message thread"


def choose_targets(url: str, search: str) -> Targets:
    store = SessionStoreReader.open(url)
    sessions = open_store(url)
    size = func.count(StoredMessage.id)
    with sessions() as session:
        largest = session.execute(
            select(StoredMessage.thread_id, size)
            .where(StoredMessage.placeholder.is_(False))
            .group_by(StoredMessage.thread_id)
            .order_by(size.desc(), StoredMessage.thread_id)
            .limit(20)
        ).all()
        messages = session.scalar(select(size).where(StoredMessage.placeholder.is_(False))) or 0
    total = store.count_threads()
    middle = store.list_threads(limit=1, offset=min(4242, total - 1))[0].subject
    filter_text = " ".join(middle.split()[-2:])
    for thread, count in largest:
        subject = store.thread_tree(thread)[0].message.subject
        if subject and store.count_threads(filter_text=subject) == 1:
            return Targets(messages, thread, count, subject, filter_text, search)
    raise SystemExit("bench: none of the 20 largest threads has a subject of its own")


class Stopwatch:
    """A message hook that notes when each kind of message first arrives after `start()`."""

    def __init__(self) -> None:
        self.started = 0.0
        self.arrived: dict[type[Message], float] = {}

    def start(self) -> None:
        self.started = time.perf_counter()
        self.arrived = {}

    def __call__(self, message: Message) -> None:
        self.arrived.setdefault(type(message), time.perf_counter())

    async def wait_for(self, kind: type[Message], timeout: float = 60.0) -> float:
        """Seconds from `start()` to the first `kind` message."""
        deadline = time.perf_counter() + timeout
        while kind not in self.arrived:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no {kind.__name__} within {timeout} s")
            await asyncio.sleep(0.001)
        return self.arrived[kind] - self.started


def timed(call: Callable[[], Any], runs: int) -> float:
    """Median seconds of a plain call (the peer: the bare store query)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def ui_figures(url: str, runs: int, targets: Targets) -> dict[str, list[float]]:
    """Run the app `runs` times on the store and time each screen change."""
    figures: dict[str, list[float]] = {}

    def note(name: str, seconds: float) -> None:
        figures.setdefault(name, []).append(seconds)

    for _ in range(runs):
        store = SessionStoreReader.open(url)
        watch = Stopwatch()
        watch.start()
        app = ThreadloreApp(store)
        async with app.run_test(size=SIZE, message_hook=watch) as pilot:
            note("thread list: first page", await watch.wait_for(ThreadsFetched))
            await pilot.pause()
            await _time_key(watch, pilot, ["G"], ThreadsFetched, note, "thread list: next page")
            await pilot.press("g", "slash")
            await pilot.pause()
            await _time_key(
                watch, pilot, list(targets.filter_text), ThreadsFetched, note, "thread list: filter"
            )
            await pilot.press("escape")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("slash")  # the big thread: the only one with its subject
            watch.start()
            await pilot.press(*targets.big_subject)
            await watch.wait_for(ThreadsFetched)
            await pilot.app.workers.wait_for_complete()
            await pilot.press("enter")
            await _open_big_thread(watch, pilot, note, targets.big)
            await _step_through(watch, pilot, note, targets.big)
            await pilot.press("2")
            await pilot.pause()
            await pilot.press(*targets.search)
            await _time_key(watch, pilot, ["enter"], SearchCompleted, note, "search: first page")
            await pilot.app.workers.wait_for_complete()
            await _time_key(watch, pilot, ["n"], MessageFetched, note, "search: n (next hit)")
    return figures


async def _time_key(
    watch: Stopwatch,
    pilot: Any,
    keys: list[str],
    kind: type[Message],
    note: Callable[[str, float], None],
    name: str,
) -> None:
    await pilot.press(*keys[:-1])
    watch.start()
    await pilot.press(keys[-1])
    note(name, await watch.wait_for(kind))


async def _open_big_thread(
    watch: Stopwatch, pilot: Any, note: Callable[[str, float], None], big: str
) -> None:
    watch.start()
    await pilot.press("enter")
    note(f"{big}: tree shown", await watch.wait_for(ThreadTreeFetched))
    note(f"{big}: first message", await watch.wait_for(MessageFetched))
    await pilot.app.workers.wait_for_complete()


async def _step_through(
    watch: Stopwatch, pilot: Any, note: Callable[[str, float], None], big: str
) -> None:
    steps = []
    for _ in range(STEPS):
        watch.start()
        await pilot.press("j")
        steps.append(await watch.wait_for(MessageFetched))
        await pilot.app.workers.wait_for_complete()
    note(f"{big}: j (next message)", statistics.median(steps))
    watch.start()
    await pilot.press("G")
    note(f"{big}: G (last message)", await watch.wait_for(MessageFetched))
    await pilot.app.workers.wait_for_complete()
    await pilot.press("q")
    await pilot.pause()


def peer_figures(url: str, runs: int, targets: Targets) -> dict[str, float]:
    """The bare queries each screen change waits for."""
    store = SessionStoreReader.open(url)
    rows = store.thread_tree(targets.big_thread)
    hits = store.search_messages(targets.search)
    filter_text, big = targets.filter_text, targets.big
    return {
        "thread list: first page": timed(
            lambda: (store.count_threads(), store.list_threads(limit=THREAD_PAGE)), runs
        ),
        "thread list: next page": timed(
            lambda: store.list_threads(limit=THREAD_PAGE, offset=THREAD_PAGE), runs
        ),
        "thread list: filter": timed(
            lambda: (
                store.count_threads(filter_text=filter_text),
                store.list_threads(filter_text=filter_text, limit=THREAD_PAGE),
            ),
            runs,
        ),
        f"{big}: tree shown": timed(lambda: store.thread_tree(targets.big_thread), runs),
        f"{big}: first message": timed(lambda: store.get_message(rows[0].message.id), runs),
        f"{big}: j (next message)": timed(lambda: store.get_message(rows[1].message.id), runs),
        f"{big}: G (last message)": timed(lambda: store.get_message(rows[-1].message.id), runs),
        "search: first page": timed(lambda: store.search_messages(targets.search), runs),
        "search: n (next hit)": timed(lambda: store.get_message(hits[1].id), runs),
    }


def notmuch_figures(config: Path, runs: int, targets: Targets) -> dict[str, float]:
    """notmuch's command line on what it answers too: the newest page of threads and of a
    search's messages, one process each (start-up included), medians."""
    env = {**os.environ, "NOTMUCH_CONFIG": str(config)}
    newest = ["notmuch", "search", "--sort=newest-first"]
    commands = {
        "thread list: first page": [*newest, f"--limit={THREAD_PAGE}", "*"],
        "thread list: next page": [
            *newest,
            f"--limit={THREAD_PAGE}",
            f"--offset={THREAD_PAGE}",
            "*",
        ],
        "search: first page": [
            *newest,
            "--output=messages",
            f"--limit={SEARCH_PAGE}",
            targets.search,
        ],
    }
    return {
        name: statistics.median(measure(command, env).measure.seconds for _ in range(runs))
        for name, command in commands.items()
    }


def build_large_store(folder: Path, messages: int) -> str:
    """The generated store, built once per size and reused."""
    path = folder / f"tui-bench-{messages}.sqlite"
    url = f"sqlite:///{path}"
    if not path.exists():
        start = time.perf_counter()
        report = import_messages(open_store(url), discussion(messages))
        took = time.perf_counter() - start
        print(f"built {path} ({report.added} messages) in {took:.0f} s", file=sys.stderr)
    return url


# A fresh process doing what `threadlore tui` does (the store opened on first use, in a worker):
# it prints the seconds from before its imports to the first screen (empty) and to the first page
# of threads on it.
OPEN_ONCE = """
import time
start = time.perf_counter()
import asyncio, sys
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.deferred_store import DeferredStoreReader
from threadlore.tui.messages import ThreadsFetched

def open_reader():
    from threadlore.tui.store_reader import SessionStoreReader
    return SessionStoreReader.open(sys.argv[1])

async def main() -> None:
    shown = asyncio.Event()
    app = ThreadloreApp(DeferredStoreReader(open_reader))
    hook = lambda message: isinstance(message, ThreadsFetched) and shown.set()
    async with app.run_test(size=(160, 48), message_hook=hook):
        ready = time.perf_counter() - start  # the first screen is composed and mounted
        await shown.wait()
        print(ready, time.perf_counter() - start)

asyncio.run(main())
"""


def seed_open_seconds(folder: Path, runs: int) -> tuple[float, float, float]:
    """Median seconds to the seed's thread list on screen.

    Returns the whole process's time, then, counted from interpreter start-up, the time to the
    first (empty) screen and to the list on it.
    """
    url = f"sqlite:///{folder / 'seed.sqlite'}"
    if not (folder / "seed.sqlite").exists():
        import_messages(open_store(url), read_inputs([SEED]))
    process = []
    ready = []
    inside = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", OPEN_ONCE, url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        process.append(time.perf_counter() - start)
        first_screen, listed = map(float, result.stdout.split())
        ready.append(first_screen)
        inside.append(listed)
    return statistics.median(process), statistics.median(ready), statistics.median(inside)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store-dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--store", help="an existing store's URL instead of the synthetic one")
    parser.add_argument("--notmuch-config", type=Path, help="notmuch's config for the same mail")
    parser.add_argument("--search", default=SEARCH, help="the word the search screen looks for")
    args = parser.parse_args()
    if (
        args.store is None and args.messages < 5_000
    ):  # a 1,000-message thread and two pages of ten-message threads
        parser.error("--messages must be at least 5000, so that the thread list has a second page")
    console = Console(width=140)
    folder = args.store_dir
    folder.mkdir(parents=True, exist_ok=True)
    process, ready, inside = seed_open_seconds(folder, args.runs)
    console.print(
        f"seed: the thread list is on screen {process * 1000:.0f} ms after `python` is started; "
        f"after the interpreter is up, the first screen shows at {ready * 1000:.0f} ms and the "
        f"list at {inside * 1000:.0f} ms (medians of {args.runs})"
    )
    url = args.store or build_large_store(folder, args.messages)
    targets = choose_targets(url, args.search)
    ui = asyncio.run(ui_figures(url, args.runs, targets))
    peer = peer_figures(url, args.runs, targets)
    notmuch = (
        notmuch_figures(args.notmuch_config, args.runs, targets) if args.notmuch_config else {}
    )
    table = Table(title=f"UI on a {targets.messages:,}-message store (medians of {args.runs} runs)")
    columns = ["what", "UI ms", "bare query ms", "UI / query"]
    columns += ["notmuch CLI ms", "notmuch / UI"] if notmuch else []
    for column in columns:
        table.add_column(column, justify="left" if column == "what" else "right")
    for name, samples in ui.items():
        seconds = statistics.median(samples)
        ratio = seconds / peer[name] if peer[name] else float("inf")
        row = [name, f"{seconds * 1000:.0f}", f"{peer[name] * 1000:.1f}", f"{ratio:.1f}×"]
        if notmuch:
            theirs = notmuch.get(name)
            row += [f"{theirs * 1000:.0f}", f"{theirs / seconds:.2f}×"] if theirs else ["—", "—"]
        table.add_row(*row)
    console.print(table)
    console.print(
        f"filter: {targets.filter_text!r}; search: {targets.search!r}; notmuch / UI above 1: the "
        "UI shows it sooner than notmuch's command line prints it"
    )


if __name__ == "__main__":
    main()
