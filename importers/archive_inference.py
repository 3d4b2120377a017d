"""Everything the archive format leaves out, inferred for a whole page: dates, authors, parents,
series positions — each with its evidence and a confidence.

How each is inferred lives in its own module: `archive_dates` (the timezone assumption),
`archive_signatures` and `archive_authors` (who wrote what), `archive_threading` (the reply tree,
read together with the authors), `archive_series` (1/6 … 6/6 without subjects). This module runs
them in order over one page and hands `archive_messages` one `InferredMessage` per block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from threadlore.importers.archive_blocks import ArchiveBlock, ArchiveThread
from threadlore.importers.archive_dates import date_inference, parse_archive_date
from threadlore.importers.archive_people import build_directory
from threadlore.importers.archive_series import infer_series
from threadlore.importers.archive_signatures import find_signature_clues
from threadlore.importers.archive_threading import SiblingOrder, read_thread
from threadlore.importers.patches import parse_series_marker
from threadlore.importers.records import (
    Address,
    Inference,
    InferredField,
    InputError,
    SeriesPosition,
)

_REPLY_PREFIX = re.compile(r"^(?:(?:re|aw|fwd?)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class InferredMessage:
    """One block and what threadlore inferred about it; `parent` is a 0-based block index."""

    block: ArchiveBlock
    date: datetime
    date_inference: Inference
    author: Address | None
    author_inference: Inference | None
    parent: int | None
    parent_confidence: float
    parent_evidence: tuple[str, ...]
    series: SeriesPosition | None = None
    series_inference: Inference | None = None


def root_subject(page_subject: str) -> str:
    """The root's subject: the page's first line without the "Re:" the archive's title carries."""
    return _REPLY_PREFIX.sub("", page_subject).strip()


def _dates(thread: ArchiveThread) -> list[datetime]:
    dates = []
    for block in thread.blocks:
        try:
            dates.append(parse_archive_date(block.date_text))
        except ValueError as error:
            raise InputError(
                thread.source, block.position, f"line {block.line}", str(error)
            ) from error
    return dates


def infer_thread(thread: ArchiveThread) -> tuple[InferredMessage, ...]:
    """Infer dates, authors, parents and series positions for every block of a page.

    Raises:
        InputError: a Date: line names a day that does not exist or contradicts its weekday.
    """
    blocks = thread.blocks
    dates = _dates(thread)
    directory = build_directory(blocks)
    clues = [find_signature_clues(b.body, b.truncated) for b in blocks]
    marker = parse_series_marker(root_subject(thread.subject))
    is_series = marker is not None and marker.index == 0
    reading = read_thread(blocks, dates, directory, clues, series_root=is_series)
    parents = [decision.parent for decision in reading.parents]
    emails = [decision.email if decision else None for decision in reading.authors]
    series = {}
    if marker is not None and is_series:
        newest_first = {SiblingOrder.NEWEST_FIRST: True, SiblingOrder.OLDEST_FIRST: False}
        series = infer_series(
            blocks, dates, parents, emails, marker, newest_first.get(reading.order)
        )
    messages = []
    for index, block in enumerate(blocks):
        decision = reading.authors[index]
        author = directory.address(decision.email) if decision else None
        author_inference = (
            Inference(InferredField.AUTHOR, str(author), decision.confidence, decision.evidence)
            if decision and author
            else None
        )
        position, series_inference = series.get(index, (None, None))
        messages.append(
            InferredMessage(
                block=block,
                date=dates[index],
                date_inference=date_inference(block.date_text, dates[index]),
                author=author,
                author_inference=author_inference,
                parent=parents[index],
                parent_confidence=reading.parents[index].confidence,
                parent_evidence=reading.parents[index].evidence,
                series=position,
                series_inference=series_inference,
            )
        )
    return tuple(messages)
