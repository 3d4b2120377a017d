"""Archive-text reading does the same work per message however long the page: counted, not timed.

A page of many threads run together reads as one thread whose reply chain grows with the page;
scoring every ancestor of every message made the work grow with the square of the page.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from benches.archive_pages import read_mbox_file, render_page, threads
from benches.generate_archive import write_archive
from threadlore.importers import archive_threading
from threadlore.importers.archive_dates import format_archive_date, parse_archive_date
from threadlore.importers.archive_messages import build_messages
from threadlore.importers.archive_people import build_directory
from threadlore.importers.archive_signatures import find_signature_clues
from threadlore.importers.archive_text import parse_archive_text
from threadlore.importers.archive_threading import ANCESTOR_WINDOW, ThreadReading, read_thread
from threadlore.importers.mail_headers import MAX_REFERENCES
from threadlore.importers.records import Address


def _chain_page(messages: int) -> str:
    """A page whose every message goes to the list only, a minute after the one above it: read
    as a chain, each message the reply to the one before."""
    start = datetime(2007, 2, 21, 9, 0).astimezone()
    lines = ["Re: [RFC] a long discussion", "", "Previous thread: none", ""]
    for number in range(messages):
        when = format_archive_date(start + timedelta(minutes=number))
        lines += ["To: Linux Memory Management <linux-mm@...>", f"Date: {when}", ""]
        lines += [f"Point {number}: the fault path takes the page lock before truncate.", "-", ""]
    return "\n".join(lines)


def _reading(page: str) -> tuple[ThreadReading, int]:
    thread = parse_archive_text(page, "page.txt")
    blocks = thread.blocks
    dates = [parse_archive_date(block.date_text) for block in blocks]
    clues = [find_signature_clues(block.body, block.truncated) for block in blocks]
    return read_thread(blocks, dates, build_directory(blocks), clues), len(blocks)


def test_candidates_scored_grow_with_the_page_not_its_square() -> None:
    (small, n), (large, four_n) = _reading(_chain_page(200)), _reading(_chain_page(800))
    assert four_n == 4 * n
    assert large.parents[-1].parent == four_n - 2  # the chain is read as a chain
    assert large.candidates_scored <= 4.5 * small.candidates_scored  # 16× if quadratic
    most_passes = 1 + archive_threading._MAX_PASSES
    assert large.candidates_scored <= (ANCESTOR_WINDOW + 1) * four_n * most_passes


def test_references_of_a_deep_page_keep_the_root_and_the_nearest_ancestors() -> None:
    messages = list(build_messages(parse_archive_text(_chain_page(300), "page.txt")))
    last = messages[-1]
    assert len(last.references) == MAX_REFERENCES
    assert last.references[0] == messages[0].message_id
    assert last.references[-1] == last.in_reply_to == messages[-2].message_id
    assert messages[50].references == tuple(m.message_id for m in messages[:50])


@pytest.fixture(scope="module")
def threads_run_together() -> str:
    """Generated kernel-list threads rewritten as archive pages and run together in one file."""
    with tempfile.TemporaryDirectory() as folder:
        mbox, _ = write_archive(300, Path(folder), seed=18)
        pages = [
            render_page(str(n), thread, Address("", "linux-mm@kvack.org")).text
            for n, thread in enumerate(threads(read_mbox_file(mbox)))
        ]
    return "\n".join(pages)


def test_scoring_the_nearest_ancestors_reads_these_threads_as_scoring_them_all_does(
    threads_run_together: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not so on every page: an ancestor past the window can be the runner-up a parent's
    evidence cites (4 of 718 messages of the corpora's pages run together; same parents)."""

    def read() -> list[object]:
        return list(build_messages(parse_archive_text(threads_run_together, "page.txt")))

    windowed = read()
    deepest = max(len(m.references) for m in windowed)
    assert deepest > ANCESTOR_WINDOW  # the window is reached on this page
    monkeypatch.setattr(archive_threading, "ANCESTOR_WINDOW", 10**9)
    assert read() == windowed
