"""Import speed and memory against `notmuch new`, on the same generated archive.

Generates a seeded archive (benches/generate_archive.py) as an mbox and a Maildir, then, for each
run, imports it into a fresh threadlore store (`threadlore import`, SQLite) and indexes the Maildir
with `notmuch new` (a fresh notmuch database, configured in a temporary NOTMUCH_CONFIG). Each
tool runs as its own process, so its wall time and peak RSS are its own. Prints every run, the
medians, and the ratios threadlore / notmuch.

    .venv/bin/python -m benches.bench_import --messages 100000
    .venv/bin/python -m benches.bench_import --messages 10000 --runs 3 --input maildir
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benches.generate_archive import archive_paths


@dataclass(frozen=True)
class Measure:
    """One process's wall time and peak resident memory."""

    seconds: float
    peak_rss_mb: float


def measure(command: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run a command to completion; fail loudly if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} exited with {process.returncode}")
    return Measure(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def threadlore_import(source: Path, store: Path) -> Measure:
    """`threadlore import` into a new SQLite store."""
    store.unlink(missing_ok=True)
    executable = Path(sys.executable).parent / "threadlore"
    return measure([str(executable), "import", str(source), "--db", f"sqlite:///{store}"])


def notmuch_new(maildir: Path, work: Path) -> Measure:
    """`notmuch new` over the Maildir, into a new notmuch database."""
    shutil.rmtree(maildir / ".notmuch", ignore_errors=True)
    config = work / "notmuch-config"
    config.write_text(
        f"[database]\npath={maildir}\n[user]\nname=Bench\nprimary_email=bench@example.org\n"
        "[new]\ntags=inbox;\n[maildir]\nsynchronize_flags=false\n"
    )
    env = {**os.environ, "NOTMUCH_CONFIG": str(config)}
    return measure(["notmuch", "new", "--quiet"], env)


def report(name: str, messages: int, runs: list[Measure]) -> Measure:
    """Print each run and return the medians."""
    for number, run in enumerate(runs, 1):
        print(
            f"  {name} run {number}: {run.seconds:7.1f} s, {messages / run.seconds:8.0f} msg/s, "
            f"peak RSS {run.peak_rss_mb:6.0f} MB"
        )
    median = Measure(
        statistics.median(r.seconds for r in runs), statistics.median(r.peak_rss_mb for r in runs)
    )
    print(
        f"{name:>10} median: {messages / median.seconds:8.0f} msg/s, "
        f"peak RSS {median.peak_rss_mb:6.0f} MB"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2007)
    parser.add_argument(
        "--input", choices=("mbox", "maildir"), default="mbox", help="What threadlore imports."
    )
    parser.add_argument("--work", type=Path, help="Keep the archive and stores here.")
    args = parser.parse_args()
    if shutil.which("notmuch") is None:
        raise SystemExit("bench: notmuch is not installed (Debian: apt-get install notmuch)")
    work = args.work or Path(tempfile.mkdtemp(prefix="threadlore-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # Generated in a child process: a child's peak RSS counts from its fork, so this process
    # must stay small, or every tool measured after it would inherit its peak.
    generate = [sys.executable, "-m", "benches.generate_archive", "--out", str(work)]
    subprocess.run([*generate, "--messages", str(args.messages), "--seed", str(args.seed)],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    mbox, maildir = archive_paths(work)
    print(
        f"generated {args.messages} messages ({mbox.stat().st_size / 2**20:.0f} MB mbox) "
        f"in {time.perf_counter() - started:.0f} s under {work}"
    )
    source = mbox if args.input == "mbox" else maildir
    ours, theirs = [], []
    for _ in range(args.runs):
        ours.append(threadlore_import(source, work / "threadlore.sqlite"))
        theirs.append(notmuch_new(maildir, work))
    print(f"threadlore import ({args.input}) vs notmuch new (Maildir), {args.messages} messages:")
    ours_median = report("threadlore", args.messages, ours)
    theirs_median = report("notmuch", args.messages, theirs)
    print(
        f"ratios threadlore/notmuch: speed {theirs_median.seconds / ours_median.seconds:.2f}x, "
        f"peak RSS {ours_median.peak_rss_mb / theirs_median.peak_rss_mb:.2f}x"
    )
    if args.work is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
