"""Import and search on PostgreSQL against SQLite, on the same generated archive.

Starts a throwaway PostgreSQL cluster (.ci/pg-cluster.sh, the one .ci/run uses), generates a
seeded archive (benches/generate_archive.py), imports its mbox with `threadlore import` into a new
SQLite store and into a new PostgreSQL database (each import its own process), then runs the same
search queries on both stores, each several times, and prints import msg/s, median search
latencies, and the ratios PostgreSQL / SQLite. Both stores' results are compared: a query that
finds different messages on the two engines is reported as MISMATCH (exit 1).

    .venv/bin/python -m benches.bench_postgres --messages 10000
    .venv/bin/python -m benches.bench_postgres --messages 2000 --repeat 20
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benches.generate_archive import archive_paths
from benches.measure import Measure, measure

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / ".ci" / "pg-cluster.sh"
THREADLORE = Path(sys.executable).parent / "threadlore"

# Words, phrases, people, prefixes and negations the generated archive contains.
QUERIES = (
    "truncate",
    "page_mkclean",
    '"page lock"',
    "s:regression",
    "b:deadlock spinlock",
    "writeback OR reclaim",
    "fault -truncate",
    "f:piggin mmap",
    "dfhh:do_no_page",
    "has:patch refcount",
)


@contextmanager
def postgres_cluster(folder: Path) -> Iterator[str]:
    """A running throwaway cluster in `folder`; yields its URL, stops it on exit."""
    url = subprocess.run(
        ["bash", str(CLUSTER), "start", str(folder)], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run(["bash", str(CLUSTER), "stop", str(folder)], check=False)


def import_into(source: Path, url: str) -> Measure:
    """`threadlore import` of `source` into the (new) store at `url`, as its own process."""
    return measure([str(THREADLORE), "import", str(source), "--db", url]).measure


def search_latencies(url: str, repeat: int) -> dict[str, tuple[float, list[str]]]:
    """For each query: the median seconds over `repeat` runs, and the ids it found."""
    from threadlore.db.engine import (
        open_store,
    )  # imported here: the parent stays small while importing
    from threadlore.db.queries import search_messages

    sessions = open_store(url)
    results = {}
    with sessions() as session:
        for query in QUERIES:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                found = search_messages(session, query, limit=50)
                times.append(time.perf_counter() - started)
            results[query] = (statistics.median(times), [m.id for m in found])
    sessions.kw["bind"].dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2007)
    parser.add_argument("--repeat", type=int, default=10, help="Runs of each search query.")
    parser.add_argument("--work", type=Path, help="Keep the archive and SQLite store here.")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="threadlore-bench-pg-"))
    work.mkdir(parents=True, exist_ok=True)
    generate = [sys.executable, "-m", "benches.generate_archive", "--out", str(work)]
    subprocess.run([*generate, "--messages", str(args.messages), "--seed", str(args.seed)],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    mbox, _ = archive_paths(work)
    sqlite_url = f"sqlite:///{work / 'threadlore.sqlite'}"
    (work / "threadlore.sqlite").unlink(missing_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="threadlore-pg-") as folder,
        postgres_cluster(Path(folder)) as postgres_url,
    ):
        imports = {"sqlite": import_into(mbox, sqlite_url)}
        imports["postgresql"] = import_into(mbox, postgres_url)
        searches = {
            "sqlite": search_latencies(sqlite_url, args.repeat),
            "postgresql": search_latencies(postgres_url, args.repeat),
        }
    print(f"threadlore on PostgreSQL vs SQLite, {args.messages} generated messages (mbox):")
    for engine, run in imports.items():
        print(
            f"  import {engine:>10}: {run.seconds:7.1f} s, {args.messages / run.seconds:7.0f} "
            f"msg/s, peak RSS {run.peak_rss_mb:5.0f} MB"
        )
    mismatches = 0
    print(f"  search (median of {args.repeat}, first 50 hits)   sqlite   postgresql   ratio")
    for query in QUERIES:
        (lite, lite_ids), (pg, pg_ids) = searches["sqlite"][query], searches["postgresql"][query]
        flag = "" if lite_ids == pg_ids else "  MISMATCH"
        mismatches += bool(flag)
        print(f"  {query:<40} {lite * 1000:7.1f} ms {pg * 1000:7.1f} ms {pg / lite:6.2f}x{flag}")
    lite_all = statistics.median(searches["sqlite"][q][0] for q in QUERIES)
    pg_all = statistics.median(searches["postgresql"][q][0] for q in QUERIES)
    speed = imports["sqlite"].seconds / imports["postgresql"].seconds
    print(
        f"ratios postgresql/sqlite: import speed {speed:.2f}x, "
        f"median search latency {pg_all / lite_all:.2f}x ({pg_all * 1000:.1f} ms vs "
        f"{lite_all * 1000:.1f} ms)"
    )
    if mismatches:
        raise SystemExit(f"bench: {mismatches} queries found different messages on the engines")


if __name__ == "__main__":
    main()
