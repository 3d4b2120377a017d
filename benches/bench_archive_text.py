"""Archive-text import speed as the input grows: the time per message must not grow with it.

For each size, benches/generate_archive.py's seeded mbox (kernel-list shapes: heavy-tailed
threads, patch series, Zipf authors) is rewritten by benches/archive_pages.py as the web
archive's text, one page per thread, in two shapes:

- `pages`: a folder with one file per thread, as the archive serves them;
- `one page`: every thread run together in one file (the hostile case: the reader takes it for
  one thread, so its reply chain, and the ancestors each message is scored against, grow with
  the file).

Each is imported by `threadlore import` into a new SQLite store (its own process, its forked
reader included), and so is the mbox the pages were made from, in the same run: the peer the
archive's figures are a ratio of (the same messages with their real headers: no inference).
Figures are medians over `--runs`: seconds, msg/s, peak RSS, and the growth ratio — seconds per
message at the largest size over seconds per message at the smallest (1.00: linear). The load
average is printed before and after.

    .venv/bin/python -m benches.bench_archive_text --messages 5000,20000,100000
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import statistics
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benches.archive_pages import read_mbox_file, render_page, threads
from benches.generate_archive import archive_paths, write_archive
from benches.measure import Measure, measure
from threadlore.importers.records import Address

THREADLORE = Path(sys.executable).parent / "threadlore"
LIST = Address("", "linux-mm@kvack.org")  # where a generated mail without To: went
SHAPES = ("pages", "one page", "mbox")


def write_pages(messages: int, work: Path) -> dict[str, Path]:
    """The generated archive as an mbox, a folder of pages and one page; each shape's input."""
    archive = work / f"archive-{messages}"
    mbox = archive_paths(archive)[0]
    if not mbox.is_file():
        write_archive(messages, archive)
    folder, page = archive / "pages", archive / "one-page.txt"
    if not page.is_file():
        folder.mkdir(exist_ok=True)
        texts = [
            render_page(f"thread-{n}", thread, LIST).text
            for n, thread in enumerate(threads(read_mbox_file(mbox)), start=1)
        ]
        for number, text in enumerate(texts, start=1):
            (folder / f"{number:06d}.txt").write_text(text)
        page.write_text("\n".join(texts))
    return {"pages": folder, "one page": page, "mbox": mbox}


def import_into(source: Path, store: Path) -> Measure:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    command = [str(THREADLORE), "import", str(source), "--db", f"sqlite:///{store}"]
    return measure(command, succeeded=frozenset({0, 4})).measure


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", default="5000,20000,100000", help="Sizes, comma-separated.")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, help="Keep the inputs and stores here.")
    parser.add_argument(
        "--shapes", default=",".join(SHAPES), help=f"Which of {', '.join(SHAPES)} to import."
    )
    args = parser.parse_args()
    shapes = [shape for shape in SHAPES if shape in args.shapes.split(",")]
    sizes = [int(size) for size in args.messages.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="threadlore-textbench-"))
    # Written by a child process: a parent grown by the rendering would lend its size to the
    # peak RSS of every import it forks.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        inputs = dict(
            zip(sizes, child.map(write_pages, sizes, itertools.repeat(work)), strict=True)
        )
    print(f"load average before: {_load()}", flush=True)
    figures: dict[tuple[int, str], Measure] = {}
    for size in sizes:
        for shape in shapes:
            runs = [
                import_into(inputs[size][shape], work / f"store-{size}.sqlite")
                for _ in range(args.runs)
            ]
            figures[size, shape] = Measure(
                statistics.median(r.seconds for r in runs),
                statistics.median(r.peak_rss_mb for r in runs),
                statistics.median(r.cpu_seconds for r in runs),
            )
            done = figures[size, shape]
            print(
                f"  {size:>7} {shape:<8} {done.seconds:8.1f} s  {size / done.seconds:7.0f} msg/s  "
                f"{done.cpu_seconds:8.1f} s CPU  {done.peak_rss_mb:6.0f} MB",
                flush=True,
            )
    print(f"load average after: {_load()}")
    print(f"median of {args.runs}; ratio: the archive text's speed over the mbox's (same run)")
    for shape in [shape for shape in shapes if shape != "mbox"]:
        for size in sizes:
            text, mail = figures[size, shape], figures.get((size, "mbox"))
            ratio = f"{mail.seconds / text.seconds:5.2f}× the mbox's" if mail else "(no mbox run)"
            print(
                f"{shape:<8} {size:>7} msg  {size / text.seconds:7.0f} msg/s  {ratio}  "
                f"peak {text.peak_rss_mb:.0f} MB"
            )
        first, last = figures[sizes[0], shape], figures[sizes[-1], shape]
        growth = (last.seconds / sizes[-1]) / (first.seconds / sizes[0])
        cpu = (last.cpu_seconds / sizes[-1]) / (first.cpu_seconds / sizes[0])
        print(
            f"{shape:<8} growth: time per message at {sizes[-1]} over at {sizes[0]}: "
            f"{growth:.2f} wall, {cpu:.2f} CPU (1.00: linear)"
        )


if __name__ == "__main__":
    main()
