"""threadlore against notmuch, mu and public-inbox on the same generated archive: import, search.

For each size: a seeded archive (benches/generate_archive.py, an mbox and the same messages as a
Maildir), imported by `threadlore import` into a new SQLite store and indexed by each peer
installed (benches/peers.py) into a new database, `--runs` times each, every tool as its own
process: wall time, messages per second and peak RSS, medians. Then every query of
benches/queries.py, `--search-runs` times, each a new process of each tool asking for the newest
50 results (threadlore's listing as a person reads it, and its `--json` as a script does); for
threadlore also the bare query inside one process (what the UI waits for). The
ratios are threadlore's speed over the peer's: above 1, threadlore is faster. Each threadlore
answer is compared with notmuch's (the same newest 50 Message-IDs). Last, each command that reads
the store (`search`, `threads`, `tree`, `show`, `people`, and `--version`) started `--search-runs`
times: how long a process takes from start to exit, wall and CPU (what load does not inflate).

threadlore runs as `pip install` gives it, a wheel installed in a throw-away venv
(benches/installed.py); `--editable` runs this venv's editable install instead, whose import
finder costs every process ~28 ms more here.

    .venv/bin/python -m benches.bench_archive --messages 10000 --runs 3
    .venv/bin/python -m benches.bench_archive --messages 10000,100000,1000000 --work /srv/bench
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benches.generate_archive import archive_paths
from benches.installed import installed_program
from benches.measure import Measure, measure
from benches.peers import PEERS, Peer, Syntax
from benches.queries import PAGE, QUERIES, Query

THREADLORE = Path(sys.executable).parent / "threadlore"


class Threadlore(Peer):
    """threadlore itself, through the same interface as the peers, on a SQLite store."""

    name = "threadlore"
    programs = (str(THREADLORE),)
    syntax = Syntax("{}", "f:{}", "s:{}", " ")

    def __init__(
        self, source: str = "mbox", program: Path = THREADLORE, *, as_json: bool = False
    ) -> None:
        self.source = source  # what it imports: the mbox or the Maildir
        self.program = (
            program  # the console script: installed (benches/installed.py) or this venv's
        )
        self.programs = (str(program),)
        self.as_json = as_json  # search with --json, as a script does, not the listing

    @staticmethod
    def url(home: Path) -> str:
        return f"sqlite:///{home / 'threadlore.sqlite'}"

    def index(self, archive: Path, home: Path) -> Measure:
        home.mkdir(parents=True, exist_ok=True)
        (home / "threadlore.sqlite").unlink(missing_ok=True)
        mbox, maildir = archive_paths(archive)
        source = mbox if self.source == "mbox" else maildir
        return measure([str(self.program), "import", str(source), "--db", self.url(home)]).measure

    def search_command(self, query: Query, home: Path) -> tuple[list[str], dict[str, str]]:
        command = [str(self.program), "search", self.query_text(query), f"--limit={PAGE}"]
        command += ["--db", self.url(home), *(["--json"] if self.as_json else [])]
        return command, dict(os.environ)

    def message_ids(self, printed: str) -> list[str]:
        if self.as_json:
            return [found["id"] for found in json.loads(printed)]
        # a listing's line ends with the whole `<id>` (off a terminal, no snippet line follows)
        lines = (line.rstrip() for line in printed.splitlines())
        return [line.rsplit("<", 1)[1].removesuffix(">") for line in lines if line.endswith(">")]


@dataclass(frozen=True)
class Figures:
    """A tool's medians on one archive: its import or index, and each query's search."""

    index: Measure | None  # None: not indexed in this run (--runs 0)
    searches: dict[str, float]
    found: dict[str, list[str]]
    search_cpu: dict[str, float]  # CPU seconds of each search process: what load does not inflate


def median_measure(runs: list[Measure]) -> Measure:
    return Measure(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.peak_rss_mb for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
    )


def in_process_searches(home: Path, runs: int) -> dict[str, float]:
    """threadlore's bare query time inside one process, per query (after one warm-up run)."""
    from threadlore.db.engine import (
        open_store,
    )  # imported late: the parent stays small while tools run
    from threadlore.db.queries import search_messages

    tool = Threadlore()
    sessions = open_store(Threadlore.url(home))
    medians = {}
    with sessions() as session:
        for query in QUERIES:
            text = tool.query_text(query)
            search_messages(session, text, limit=PAGE)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                search_messages(session, text, limit=PAGE)
                times.append(time.perf_counter() - started)
            medians[query.label] = statistics.median(times)
    return medians


def measure_tool(tool: Peer, archive: Path, home: Path, runs: int, search_runs: int) -> Figures:
    index = median_measure([tool.index(archive, home) for _ in range(runs)]) if runs else None
    searches, found, cpu = {}, {}, {}
    for query in QUERIES:
        runs_of_query = []
        for _ in range(search_runs):
            run, ids = tool.search(query, home)
            runs_of_query.append(run)
        searches[query.label] = statistics.median(r.seconds for r in runs_of_query)
        cpu[query.label] = statistics.median(r.cpu_seconds for r in runs_of_query)
        found[query.label] = ids
    return Figures(index, searches, found, cpu)


def ensure_archive(messages: int, folder: Path, seed: int) -> Path:
    """The archive of `messages` messages under `folder`, generated unless already complete."""
    done = folder / "generated"
    if done.is_file() and done.read_text() == f"{messages} {seed}\n":
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    # In a child process: a child's peak RSS counts from its fork, so this process must stay
    # small, or every tool measured after it would inherit its peak.
    generate = [sys.executable, "-m", "benches.generate_archive", "--out", str(folder)]
    measure([*generate, "--messages", str(messages), "--seed", str(seed)])
    done.write_text(f"{messages} {seed}\n")
    size = archive_paths(folder)[0].stat().st_size / 2**20
    seconds = time.perf_counter() - started
    print(f"generated {messages} messages ({size:.0f} MB mbox) in {seconds:.0f} s")
    return folder


def _ratio(ours: float, theirs: float) -> str:
    """How many times faster threadlore is (theirs / ours): above 1, threadlore wins."""
    return f"{theirs / ours:.2f}×" if ours else "—"


def import_table(messages: int, figures: dict[str, Figures]) -> Table:
    ours = figures["threadlore"].index
    assert ours is not None
    table = Table(title=f"import / index, {messages:,} messages (medians)")
    columns = ("tool", "seconds", "CPU s", "msg/s", "peak RSS MB", "threadlore speed ×", "RSS ÷")
    for column in columns:
        table.add_column(column, justify="left" if column == "tool" else "right")
    for name, figure in figures.items():
        index = figure.index
        assert index is not None
        table.add_row(
            name,
            f"{index.seconds:.1f}",
            f"{index.cpu_seconds:.1f}",
            f"{messages / index.seconds:,.0f}",
            f"{index.peak_rss_mb:.0f}",
            "" if name == "threadlore" else _ratio(ours.seconds, index.seconds),
            "" if name == "threadlore" else f"{ours.peak_rss_mb / index.peak_rss_mb:.2f}",
        )
    return table


def search_table(
    messages: int, figures: dict[str, Figures], in_process: dict[str, float], as_json: Figures
) -> Table:
    peers = [name for name in figures if name != "threadlore"]
    ours = figures["threadlore"]
    table = Table(
        title=f"search, newest {PAGE}, {messages:,} messages (median ms, one process each)"
    )
    table.add_column("query")
    table.add_column("threadlore", justify="right")
    table.add_column("CPU", justify="right")
    table.add_column("--json", justify="right")
    table.add_column("in-process", justify="right")
    for name in peers:
        table.add_column(name, justify="right")
        table.add_column("CPU", justify="right")
        table.add_column("×", justify="right")
        table.add_column("CPU ×", justify="right")
    if "notmuch" in figures:
        table.add_column("same 50 as notmuch", justify="right")
    labels = [q.label for q in QUERIES]
    for label in [*labels, "median"]:

        def pick(figure: Figures, label: str = label, cpu: bool = False) -> float:
            values = figure.search_cpu if cpu else figure.searches
            return statistics.median(values.values()) if label == "median" else values[label]

        row = [label, f"{pick(ours) * 1000:.0f}", f"{pick(ours, cpu=True) * 1000:.0f}"]
        row.append(f"{pick(as_json) * 1000:.0f}")
        process = in_process[label] if label != "median" else statistics.median(in_process.values())
        row.append(f"{process * 1000:.1f}")
        for name in peers:
            theirs = figures[name]
            row += [
                f"{pick(theirs) * 1000:.0f}",
                f"{pick(theirs, cpu=True) * 1000:.0f}",
                _ratio(pick(ours), pick(theirs)),
                _ratio(pick(ours, cpu=True), pick(theirs, cpu=True)),
            ]
        if "notmuch" in figures:
            if label == "median":
                row.append("")
            else:
                same = set(ours.found[label]) & set(figures["notmuch"].found[label])
                row.append(f"{len(same)}/{len(ours.found[label])}")
        table.add_row(*row)
    return table


def growth_table(sizes: list[int], rss: dict[int, dict[str, float]]) -> Table:
    tools = list(next(iter(rss.values())))
    table = Table(title="peak RSS MB by archive size (medians)")
    table.add_column("messages", justify="right")
    for tool in tools:
        table.add_column(tool, justify="right")
    for size in sizes:
        table.add_row(f"{size:,}", *(f"{rss[size].get(tool, 0):.0f}" for tool in tools))
    return table


def start_commands(program: Path, home: Path) -> dict[str, list[str]]:
    """Each command that reads the store, as a user starts it: the newest thread's tree, its
    newest message, a page of threads, every person, the first benchmark query."""
    import sqlite3

    with sqlite3.connect(home / "threadlore.sqlite") as store:
        thread, message = store.execute(
            "SELECT thread_id, message_id FROM messages WHERE placeholder = 0 "
            "ORDER BY date_rank DESC LIMIT 1"
        ).fetchone()
    store.close()
    db = ["--db", Threadlore.url(home)]
    query = Threadlore().query_text(QUERIES[0])
    return {
        "--version": [str(program), "--version"],
        f"search {query!r}": [str(program), "search", query, f"--limit={PAGE}", *db],
        "threads --limit 50": [str(program), "threads", "--limit", "50", *db],
        "tree (newest thread)": [str(program), "tree", str(thread), *db],
        "show (newest message)": [str(program), "show", message, *db],
        "people": [str(program), "people", *db],
    }


def start_table(messages: int, commands: dict[str, list[str]], runs: int) -> Table:
    """Median wall and CPU time of each command, a new process each run (round robin)."""
    runs_of: dict[str, list[Measure]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            runs_of[label].append(measure(command).measure)
    table = Table(title=f"a process that reads the store, {messages:,} messages (median of {runs})")
    table.add_column("command")
    table.add_column("wall ms", justify="right")
    table.add_column("CPU ms", justify="right")
    for label, measured in runs_of.items():
        wall = statistics.median(m.seconds for m in measured)
        cpu = statistics.median(m.cpu_seconds for m in measured)
        table.add_row(label, f"{wall * 1000:.0f}", f"{cpu * 1000:.0f}")
    return table


def load_line(when: str) -> str:
    """The machine's load when the figures were taken: they mean little without it."""
    one, five, fifteen = os.getloadavg()
    cores = os.cpu_count() or 1
    return f"load {when}: {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {cores} cores"


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", default="10000", help="comma-separated archive sizes")
    runs_help = "imports per tool (median); 0: search the stores in --work"
    parser.add_argument("--runs", type=int, default=3, help=runs_help)
    parser.add_argument("--search-runs", type=int, default=5, help="runs of each query (median)")
    parser.add_argument("--seed", type=int, default=2007)
    parser.add_argument("--input", choices=("mbox", "maildir"), default="mbox",
                        help="what threadlore imports")  # fmt: skip
    parser.add_argument("--peers", default=",".join(p.name for p in PEERS),
                        help="comma-separated peers to run")  # fmt: skip
    parser.add_argument("--work", type=Path, help="keep archives and stores here (reused)")
    parser.add_argument("--editable", action="store_true",
                        help="run this venv's threadlore (an editable install) instead of a "
                        "wheel installed in a throw-away venv, as pip installs it")  # fmt: skip
    args = parser.parse_args()
    wanted = set(args.peers.split(",")) - {""}
    peers = [peer for peer in PEERS if peer.name in wanted]
    for peer in peers:
        if not peer.available():
            print(f"{peer.name}: not installed (Debian: {peer.name}), left out")
    work = args.work or Path(tempfile.mkdtemp(prefix="threadlore-bench-"))
    program = THREADLORE if args.editable else installed_program(work / "installed")
    print(f"threadlore: {program}", "(editable)" if args.editable else "(installed wheel)")
    tools: list[Peer] = [Threadlore(args.input, program), *(p for p in peers if p.available())]
    scripted = Threadlore(args.input, program, as_json=True)
    console = Console(width=160)
    rss: dict[int, dict[str, float]] = {}
    sizes = _sizes(args.messages)
    for messages in sizes:
        archive = ensure_archive(messages, work / f"archive-{messages}", args.seed)
        home = work / f"stores-{messages}"
        figures: dict[str, Figures] = {}
        print(load_line(f"before {messages:,}"), flush=True)
        for tool in tools:
            print(f"{tool.name}: {args.runs} × index {messages:,} messages …", flush=True)
            figure = measure_tool(tool, archive, home, args.runs, args.search_runs)
            figures[tool.name] = figure
            if figure.index is not None:  # as it goes: a long run that is stopped keeps these
                index = figure.index
                print(f"  {index.seconds:.1f} s, {messages / index.seconds:,.0f} msg/s, "
                      f"peak RSS {index.peak_rss_mb:.0f} MB", flush=True)  # fmt: skip
        in_process = in_process_searches(home, args.search_runs)
        as_json = measure_tool(scripted, archive, home, 0, args.search_runs)
        if args.runs:
            console.print(import_table(messages, figures))
            rss[messages] = {name: f.index.peak_rss_mb for name, f in figures.items() if f.index}
        console.print(search_table(messages, figures, in_process, as_json))
        print(load_line(f"after searches, {messages:,}"), flush=True)
        console.print(start_table(messages, start_commands(program, home), args.search_runs))
        print(load_line(f"after starts, {messages:,}"), flush=True)
    if len(rss) > 1:
        console.print(growth_table(sizes, rss))
    print(
        "× = threadlore's speed over the peer's (above 1: threadlore faster); RSS ÷ = threadlore's "
        "peak over the peer's; CPU = user + system seconds of the process (what a busy machine "
        "does not inflate); 'threadlore' search includes starting Python (its listing; '--json' "
        "the same search printed as JSON), 'in-process' is the bare query"
    )
    if args.work is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
