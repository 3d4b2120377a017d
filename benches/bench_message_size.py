"""Peak memory of importing one large message, against the message's size and against notmuch.

For each size and shape, one seeded message of that many megabytes is written (streamed to disk,
so this process stays small) as a .eml file, an mbox, an mbox.gz and a Maildir holding it, and
each is imported by `threadlore import` into a new store (its own process, its forked reader
included: the peak is the larger of the two). A one-line message imported the same way gives the
fixed base. notmuch indexes the Maildir in the same run (`notmuch new`). Printed per input: the
peak RSS, the peak over the message's size, the peak above the base over the size (issue 18's
goal: at most ~3), and threadlore's peak over notmuch's. The load average is printed before and
after. Shapes:

- `one-line`: a text/plain body that is one line, 8bit;
- `lines`: a text/plain body of short lines, 8bit;
- `base64`: a multipart/mixed with a short text part and a base64 attachment;
- `patch`: a text/plain body that is a short note and one git diff of many files and hunks.

With `--fill`, each store first holds a short reply to the large message (imported by its own
`threadlore import`, not measured), so the measured import fills the row the reply left as a
placeholder instead of inserting one.

    .venv/bin/python -m benches.bench_message_size --sizes 16,60
    .venv/bin/python -m benches.bench_message_size --sizes 60 --shapes lines --postgres
    .venv/bin/python -m benches.bench_message_size --sizes 60 --formats eml --fill
"""

from __future__ import annotations

import argparse
import base64
import gzip
import os
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, urlsplit, urlunsplit

from benches.bench_postgres import postgres_cluster
from benches.generate_archive import archive_paths
from benches.measure import Measure, measure
from benches.peers import Notmuch

THREADLORE = Path(sys.executable).parent / "threadlore"
SHAPES = ("one-line", "lines", "base64", "patch")
FORMATS = ("eml", "mbox", "mbox.gz")
MB = 1 << 20
_PIECE = 1 << 16  # bytes written at a time
_WORDS = [
    "page",
    "truncate",
    "fault",
    "mapping",
    "writeback",
    "reclaim",
    "lock",
    "the",
    "a",
    "of",
    "to",
    "in",
    "spinlock",
    "refcount",
    "mmap",
    "anon",
    "vma",
    "pte",
    "pmd",
    "folio",
    "shrink",
    "dirty",
    "clean",
    "inode",
    "buffer",
    "racy",
    "barrier",
]


def _message_id(shape: str, number: int) -> str:
    return f"<big-{shape}-{number}@example.org>"


def _header(shape: str, number: int) -> bytes:
    content = (
        'Content-Type: multipart/mixed; boundary="=-=big=-="\n'
        if shape == "base64"
        else "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
    )
    return (
        "From: Big Sender <big@example.org>\nTo: linux-mm@kvack.org\n"
        f"Subject: a large message ({shape})\nDate: Mon, 05 Feb 2007 10:00:00 +0000\n"
        f"Message-ID: {_message_id(shape, number)}\nMIME-Version: 1.0\n{content}\n"
    ).encode()


def _text(rng: random.Random, size: int, line_length: int | None) -> Iterator[bytes]:
    """`size` bytes of words; one line when `line_length` is None, else lines about that long."""
    written = 0
    while written < size:
        words = rng.choices(_WORDS, k=_PIECE // 6)
        if line_length is None:
            piece = " ".join(words).encode() + b" "
        else:
            per_line = max(1, line_length // 6)
            piece = b"".join(
                " ".join(words[i : i + per_line]).encode() + b"\n"
                for i in range(0, len(words), per_line)
            )
        piece = piece[: size - written]
        written += len(piece)
        yield piece


def _attachment(rng: random.Random, size: int) -> Iterator[bytes]:
    """A multipart body whose attachment is base64 lines making the message about `size`."""
    yield b"--=-=big=-=\nContent-Type: text/plain; charset=utf-8\n\nThe log is attached.\n\n"
    yield b"--=-=big=-=\nContent-Type: application/octet-stream; name=log.bin\n"
    yield b"Content-Transfer-Encoding: base64\nContent-Disposition: attachment\n\n"
    raw_size = size * 3 // 4 * 76 // 77  # base64 grows by 4/3, its line ends by 77/76
    for start in range(0, raw_size, 57 * 1024):
        data = rng.randbytes(min(57 * 1024, raw_size - start))
        yield base64.encodebytes(data)
    yield b"--=-=big=-=--\n"


def _diff(rng: random.Random, size: int) -> Iterator[bytes]:
    """A git diff of about `size` bytes: files of 20 hunks, each 3 lines changed in 6 of context."""
    yield b"Rework the reclaim path.\n\nSigned-off-by: Big Sender <big@example.org>\n---\n"
    written, number = 0, 0
    while written < size:
        path = f"mm/{rng.choice(_WORDS)}-{number}.c"
        lines = [
            f"diff --git a/{path} b/{path}\nindex 1234567..89abcde 100644\n",
            f"--- a/{path}\n+++ b/{path}\n",
        ]
        for hunk in range(20):
            start = 10 + hunk * 40
            lines.append(f"@@ -{start},7 +{start},8 @@ static int {rng.choice(_WORDS)}(void)\n")
            for mark in "   -++   ":
                lines.append(f"{mark}\t{' '.join(rng.choices(_WORDS, k=8))};\n")
        piece = "".join(lines).encode()
        written += len(piece)
        number += 1
        yield piece


def message_pieces(shape: str, size: int, seed: int = 18) -> Iterator[bytes]:
    """One message of about `size` bytes in the given shape, in pieces, seeded."""
    rng = random.Random(seed)
    yield _header(shape, size)
    if shape == "one-line":
        yield from _text(rng, size, None)
        yield b"\n"
    elif shape == "lines":
        yield from _text(rng, size, 72)
    elif shape == "patch":
        yield from _diff(rng, size)
    else:
        yield from _attachment(rng, size)


def write_inputs(shape: str, size: int, folder: Path) -> dict[str, Path]:
    """The message as message.eml, archive.mbox, archive.mbox.gz, and a Maildir beside them
    (where benches/peers.py's drivers look for it); each input's path by format."""
    folder.mkdir(parents=True, exist_ok=True)
    mbox, maildir = archive_paths(folder)
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    eml, packed = folder / "message.eml", folder / "archive.mbox.gz"
    with ExitStack() as files:
        outputs: list[BinaryIO] = [
            files.enter_context(eml.open("wb")),
            files.enter_context(mbox.open("wb")),
            files.enter_context(gzip.open(packed, "wb", compresslevel=1)),
            files.enter_context((maildir / "cur" / "1.big:2,S").open("wb")),
        ]
        for output in outputs[1:3]:
            output.write(b"From big@example.org Mon Feb  5 10:00:00 2007\n")
        for piece in message_pieces(shape, size):
            for output in outputs:
                output.write(piece)
    return {"eml": eml, "mbox": mbox, "mbox.gz": packed}


def write_reply(shape: str, size: int, folder: Path) -> Path:
    """A short reply to the large message `write_inputs` writes, as reply.eml."""
    reply = folder / "reply.eml"
    reply.write_text(
        "From: Small Sender <small@example.org>\nTo: linux-mm@kvack.org\n"
        f"Subject: Re: a large message ({shape})\nDate: Mon, 05 Feb 2007 11:00:00 +0000\n"
        f"Message-ID: <reply-{shape}-{size}@example.org>\n"
        f"In-Reply-To: {_message_id(shape, size)}\n\nSeen.\n"
    )
    return reply


def import_peak(source: Path, store: str, first: Path | None = None) -> Measure:
    """One `threadlore import` of `source` into the new store at `store` (a URL), measured;
    `first`, if given, is imported before it, unmeasured."""
    if first is not None:
        command = [str(THREADLORE), "import", str(first), "--db", store]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return measure([str(THREADLORE), "import", str(source), "--db", store]).measure


def sqlite_store(folder: Path) -> Callable[[str], str]:
    """New SQLite stores in `folder`: a name's store is removed first, so every import adds."""

    def fresh(name: str) -> str:
        path = folder / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"

    return fresh


def postgres_store(cluster: str) -> Callable[[str], str]:
    """New databases on the cluster at `cluster` (the URL .ci/pg-cluster.sh prints)."""
    import psycopg  # here: the parent stays small (its peak is a floor for every child's)

    parts = urlsplit(cluster)
    server = {"host": parse_qs(parts.query)["host"][0], "user": parts.username}

    def fresh(name: str) -> str:
        database = name.replace("-", "_").replace(".", "_")
        with psycopg.connect(dbname=parts.path.lstrip("/"), autocommit=True, **server) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{database}"')
            db.execute(f'CREATE DATABASE "{database}"')
        return urlunsplit(parts._replace(path=f"/{database}"))

    return fresh


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _median(runs: list[Measure]) -> Measure:
    return Measure(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.peak_rss_mb for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
    )


def _row(
    label: str, engine: str, done: Measure, size: float, base: float, peer: float | None
) -> str:
    against = (
        f"{peer:11.0f} {done.peak_rss_mb / peer:9.2f}×" if peer else f"{'(none)':>11} {'':>10}"
    )
    return (
        f"{label:<32} {engine:<10} {done.peak_rss_mb:8.0f} {done.peak_rss_mb / size:6.1f}×"
        f" {(done.peak_rss_mb - base) / size:8.2f}× {against} {done.seconds:6.1f}"
    )


def run(args: argparse.Namespace, stores: dict[str, Callable[[str], str]]) -> None:
    """Measure every input into every engine's stores, and print the table."""
    work: Path = args.work
    runs = range(args.runs)
    print(f"load average before: {_load()}", flush=True)
    small = write_inputs("lines", 1024, work / "base")["eml"]
    bases = {
        engine: _median([import_peak(small, fresh(f"base-{engine}")) for _ in runs]).peak_rss_mb
        for engine, fresh in stores.items()
    }
    print(", ".join(f"base ({engine}, a 1 KB .eml): {mb:.0f} MB" for engine, mb in bases.items()))
    print(
        f"{'input':<32} {'engine':<10} {'peak MB':>8} {'× size':>7} {'− base':>9}"
        f" {'notmuch MB':>11} {'× notmuch':>10} {'s':>6}"
    )
    notmuch = Notmuch()
    for size in args.sizes:
        for shape in args.shapes:
            folder = work / f"{shape}-{size}"
            inputs = write_inputs(shape, size * MB, folder)
            real = inputs["eml"].stat().st_size / MB
            reply = write_reply(shape, size * MB, folder) if args.fill else None
            peer = None
            if notmuch.available():
                peer = _median([notmuch.index(folder, work / "home") for _ in runs]).peak_rss_mb
            for kind in args.formats:
                for engine, fresh in stores.items():
                    name = f"{shape}-{size}-{kind}"
                    done = _median([import_peak(inputs[kind], fresh(name), reply) for _ in runs])
                    label = f"{shape} {real:.0f} MB .{kind}{' (fill)' if reply else ''}"
                    print(_row(label, engine, done, real, bases[engine], peer), flush=True)
    print(f"load average after: {_load()}")
    print(
        f"median of {args.runs}; × size: the peak over the message's size; − base: the peak above"
        " the base's, over the size; notmuch: `notmuch new` on a Maildir holding the message"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16,60", help="Message sizes in MB, comma-separated.")
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"Of {', '.join(SHAPES)}.")
    parser.add_argument("--formats", default=",".join(FORMATS), help=f"Of {', '.join(FORMATS)}.")
    parser.add_argument("--runs", type=int, default=1, help="Imports per input (the median).")
    parser.add_argument("--postgres", action="store_true", help="Also into PostgreSQL stores.")
    parser.add_argument(
        "--fill", action="store_true", help="Import a reply first: the message fills its row."
    )
    parser.add_argument("--work", type=Path, help="Keep the inputs and stores here.")
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]
    args.shapes = [shape for shape in SHAPES if shape in args.shapes.split(",")]
    args.formats = [kind for kind in FORMATS if kind in args.formats.split(",")]
    if args.work is not None:
        measure_all(args)
        return
    with tempfile.TemporaryDirectory(prefix="threadlore-sizebench-") as work:
        args.work = Path(work)  # the inputs and stores of one run: hundreds of MB, removed after
        measure_all(args)


def measure_all(args: argparse.Namespace) -> None:
    """Every input into a SQLite store, and into PostgreSQL with `--postgres`."""
    stores = {"sqlite": sqlite_store(args.work)}
    if not args.postgres:
        run(args, stores)
        return
    args.work.chmod(0o755)  # the cluster's owner (not root) must reach its folder inside
    with postgres_cluster(args.work / "pg") as cluster:
        run(args, {**stores, "postgresql": postgres_store(cluster)})


if __name__ == "__main__":
    main()
