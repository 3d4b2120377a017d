"""A public-inbox import against the same messages imported from an mbox, in the same run.

The archive is benches/generate_archive.py's (seeded); its messages are written as a v2 inbox
(epochs of `--epoch-size` commits, each adding its message as `m`, as public-inbox writes them)
with one `git fast-import`. Each run imports the mbox, then the inbox, each into a new SQLite
store, each `threadlore import` its own process (its forked reader included); then the inbox is
imported again into the last store (nothing new: what an hourly mirror update costs when the
list was quiet). Figures are medians over `--runs`, msg/s and the inbox's speed over the mbox's
(1.00×: the same); the machine's load average is printed before and after.

    .venv/bin/python -m benches.bench_public_inbox --messages 100000 --runs 3 --work /tmp/pibench
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benches.bench_archive import ensure_archive
from benches.generate_archive import archive_paths
from benches.measure import Measure, measure
from threadlore.importers.mbox import open_mail_file, split_mbox

THREADLORE = Path(sys.executable).parent / "threadlore"


def _commit(raw: bytes, when: int) -> bytes:
    """One fast-import commit on the epoch's branch: its tree is the message as `m`."""
    stamp = f"bench <bench@example.org> {when} +0000"
    return b"".join(
        (
            b"commit refs/heads/master\n",
            f"author {stamp}\ncommitter {stamp}\n".encode(),
            b"data 2\nm\n",
            f"M 100644 inline m\ndata {len(raw)}\n".encode(),
            raw,
            b"\n",
        )
    )


def write_inbox(mbox: Path, inbox: Path, epoch_size: int) -> int:
    """Write the mbox's messages as a v2 inbox under `inbox`; the number of messages."""
    epoch, written, feeder = -1, 0, None
    with open_mail_file(mbox) as stream:
        for raw in split_mbox(stream, str(mbox)):
            if written % epoch_size == 0:
                if feeder is not None:
                    _finish(feeder)
                epoch += 1
                git_dir = inbox / "git" / f"{epoch}.git"
                subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
                feeder = subprocess.Popen(
                    ["git", f"--git-dir={git_dir}", "fast-import", "--quiet"],
                    stdin=subprocess.PIPE,
                )
            assert feeder is not None and feeder.stdin is not None
            feeder.stdin.write(_commit(raw, 1_700_000_000 + written))
            written += 1
    if feeder is not None:
        _finish(feeder)
    return written


def _finish(feeder: subprocess.Popen[bytes]) -> None:
    assert feeder.stdin is not None
    feeder.stdin.close()
    if feeder.wait() != 0:
        raise SystemExit("bench: git fast-import failed")


def ensure_inbox(archive: Path, epoch_size: int) -> Path:
    """The archive's messages as a v2 inbox beside it, written unless already complete."""
    inbox = archive / f"inbox-{epoch_size}"
    done = inbox / "written"
    if done.is_file():
        return inbox
    subprocess.run(["rm", "-rf", str(inbox)], check=True)
    started = time.perf_counter()
    count = write_inbox(archive_paths(archive)[0], inbox, epoch_size)
    done.write_text(f"{count}\n")
    print(f"wrote {count} messages as a v2 inbox in {time.perf_counter() - started:.0f} s")
    return inbox


def import_into(source: Path, store: Path, fresh: bool = True) -> Measure:
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
    command = [str(THREADLORE), "import", str(source), "--db", f"sqlite:///{store}"]
    return measure(command, succeeded=frozenset({0, 4})).measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--epoch-size", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2007)
    parser.add_argument("--work", type=Path, help="Keep the archive, inbox and stores here.")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="threadlore-pibench-"))
    archive = ensure_archive(args.messages, work / f"archive-{args.messages}", args.seed)
    inbox = ensure_inbox(archive, args.epoch_size)
    mbox = archive_paths(archive)[0]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    from_mbox: list[Measure] = []
    from_inbox: list[Measure] = []
    for run in range(1, args.runs + 1):
        from_mbox.append(import_into(mbox, work / "mbox.sqlite"))
        from_inbox.append(import_into(inbox, work / "inbox.sqlite"))
        mbox_run, inbox_run = from_mbox[-1], from_inbox[-1]
        print(
            f"  run {run}: mbox {mbox_run.seconds:7.1f} s ({mbox_run.cpu_seconds:.1f} s CPU), "
            f"inbox {inbox_run.seconds:7.1f} s ({inbox_run.cpu_seconds:.1f} s CPU)",
            flush=True,
        )
    again = import_into(inbox, work / "inbox.sqlite", fresh=False)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.messages} messages, median of {args.runs} (the inbox's speed over the mbox's):")
    figures = {"mbox": from_mbox, "inbox": from_inbox}
    wall = {name: statistics.median(m.seconds for m in runs) for name, runs in figures.items()}
    cpu = {name: statistics.median(m.cpu_seconds for m in runs) for name, runs in figures.items()}
    for name, runs in figures.items():
        print(
            f"  {name:<6} {args.messages / wall[name]:6.0f} msg/s wall "
            f"({wall['mbox'] / wall[name]:.2f}×), {args.messages / cpu[name]:6.0f} msg per "
            f"CPU second ({cpu['mbox'] / cpu[name]:.2f}×), "
            f"peak RSS {max(m.peak_rss_mb for m in runs):4.0f} MB"
        )
    print(f"  inbox again, nothing new: {again.seconds:.2f} s")


if __name__ == "__main__":
    main()
