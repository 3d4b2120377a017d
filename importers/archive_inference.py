"""Everything the archive format leaves out, inferred for a whole page: dates, authors, parents,
series positions — each with its evidence and a confidence.

How each is inferred lives in its own module: `archive_dates` (the source's clock),
`archive_signatures` and `archive_authors` (who wrote what), `archive_threading` (the reply tree,
read together with the authors), `archive_series` (1/6 … 6/6 without subjects). This module runs
them in order over one page and hands `archive_messages` one `InferredMessage` per block.

Values a person corrected (`pins`) are taken as certain, and the rest of the page is inferred
around them: a corrected author is the author the replies drop and address, a corrected parent
decides which earlier messages the next ones can answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from threadlore.importers.archive_blocks import ArchiveBlock, ArchiveThread
from threadlore.importers.archive_dates import (
    DEFAULT_CLOCK,
    ArchiveClock,
    date_inference,
    parse_archive_date,
)
from threadlore.importers.archive_people import Directory, build_directory, name_words
from threadlore.importers.archive_series import infer_series
from threadlore.importers.archive_signatures import (
    ClueKind,
    SignatureClue,
    find_footers,
    find_signature_clues,
)
from threadlore.importers.archive_threading import CORRECTED, Pinned, SiblingOrder, read_thread
from threadlore.importers.patches import parse_series_marker
from threadlore.importers.records import (
    Address,
    Inference,
    InferredField,
    SeriesPosition,
)
from threadlore.importers.subjects import strip_reply_markers

BlockPins = Mapping[InferredField, str]
"""One message's corrected values: an author as "Name <address>", a parent as the parent's id
("" for none: the message starts the thread), a date as an ISO 8601 timestamp."""


@dataclass(frozen=True)
class InferredMessage:
    """One block and what threadlore inferred about it; `parent` is a 0-based block index.

    `date` is None when the block's Date: names no real day; `date_inference` then says why.
    """

    block: ArchiveBlock
    date: datetime | None
    date_inference: Inference
    author: Address | None
    author_inference: Inference | None
    parent: int | None
    parent_confidence: float
    parent_evidence: tuple[str, ...]
    series: SeriesPosition | None = None
    series_inference: Inference | None = None
    warnings: tuple[tuple[str, str], ...] = ()
    lists: tuple[str, ...] = ()


def root_subject(page_subject: str) -> str:
    """The root's subject: the page's first line without the "Re:" the archive's title carries."""
    return strip_reply_markers(page_subject)


def _read_dates(
    blocks: Sequence[ArchiveBlock], clock: ArchiveClock, pins: Sequence[BlockPins]
) -> tuple[list[datetime | None], list[Inference], list[tuple[str, str] | None]]:
    """Each block's date on the clock (or as corrected), its inference, and any problem."""
    dates: list[datetime | None] = []
    notes: list[Inference] = []
    problems: list[tuple[str, str] | None] = []
    for block, pinned in zip(blocks, pins, strict=True):
        if InferredField.DATE in pinned:
            when = datetime.fromisoformat(pinned[InferredField.DATE])
            dates.append(when)
            notes.append(Inference(InferredField.DATE, when.isoformat(), 1.0, (CORRECTED,)))
            problems.append(None)
            continue
        try:
            when = parse_archive_date(block.date_text, clock)
        except ValueError as error:
            reason = f"the Date: line cannot be read: {error}"
            dates.append(None)
            notes.append(Inference(InferredField.DATE, "", 0.0, (reason,)))
            problems.append((f"line {block.line}, Date:", f"{error}: stored without a date"))
            continue
        dates.append(when)
        notes.append(date_inference(block.date_text, when, clock))
        problems.append(None)
    return dates, notes, problems


def _ordering_dates(dates: Sequence[datetime | None]) -> list[datetime]:
    """Dates to order messages by: an unreadable one stands in as its nearest readable
    neighbour's (the earlier one first), so it neither leads nor trails the others."""
    known = [d for d in dates if d is not None]
    if not known:
        return [datetime(1970, 1, 1).astimezone()] * len(dates)
    stand_in = known[0]
    filled = []
    for when in dates:
        stand_in = when or stand_in
        filled.append(stand_in)
    return filled


def _signed_names(clues: Sequence[Sequence[SignatureClue]]) -> list[list[Address]]:
    """Each message's signers who may be people no header spells: names signed formally (after
    a "Regards,", in a signature block, on a sign-off, with its address) and closing names
    signed twice or more."""
    closing = Counter(
        " ".join(name_words(c.name))
        for block in clues
        for c in block
        if c.kind is ClueKind.CLOSING_NAME and not c.formal
    )
    return [
        [
            Address(clue.name, clue.email)
            for clue in block
            if clue.name
            and not clue.name[:1].islower()
            and (
                clue.formal
                or clue.kind is not ClueKind.CLOSING_NAME
                or closing[" ".join(name_words(clue.name))] >= 2
            )
        ]
        for block in clues
    ]


def _pinned_author(directory: Directory, value: str) -> str:
    """The directory key of a corrected author, adding the person if the page never names them."""
    name, email = parseaddr(value)
    if not email and "@" not in value:
        name, email = value, ""
    address = Address(name, email)
    return directory.key_of(address) or directory.add_person(address)


def infer_thread(
    thread: ArchiveThread,
    *,
    clock: ArchiveClock = DEFAULT_CLOCK,
    pins: Sequence[BlockPins] | None = None,
) -> tuple[InferredMessage, ...]:
    """Infer dates, authors, parents and series positions for every block of a page.

    `pins` holds, block by block, the values a person corrected: they are taken as certain
    (confidence 1.0, "corrected by the user") and the rest is inferred around them. A parent is
    pinned by block index here (see `archive_messages.build_messages` for pins by message id).
    """
    blocks = thread.blocks
    block_pins: Sequence[BlockPins] = pins if pins is not None else [{} for _ in blocks]
    dates, date_notes, date_problems = _read_dates(blocks, clock, block_pins)
    ordering = _ordering_dates(dates)
    footers = find_footers([b.body for b in blocks if not b.truncated])
    clues = [find_signature_clues(b.body, b.truncated, footers) for b in blocks]
    directory = build_directory(blocks, _signed_names(clues))
    pinned = Pinned(
        authors={
            i: _pinned_author(directory, p[InferredField.AUTHOR])
            for i, p in enumerate(block_pins)
            if InferredField.AUTHOR in p
        },
        parents={
            i: None if p[InferredField.PARENT] == "" else int(p[InferredField.PARENT])
            for i, p in enumerate(block_pins)
            if InferredField.PARENT in p
        },
    )
    marker = parse_series_marker(root_subject(thread.subject))
    is_series = marker is not None and marker.index == 0
    reading = read_thread(blocks, ordering, directory, clues, series_root=is_series, pinned=pinned)
    parents = [decision.parent for decision in reading.parents]
    keys = [decision.key if decision else None for decision in reading.authors]
    series = {}
    if marker is not None and is_series:
        newest_first = {SiblingOrder.NEWEST_FIRST: True, SiblingOrder.OLDEST_FIRST: False}
        series = infer_series(
            blocks, ordering, parents, keys, marker, newest_first.get(reading.order)
        )
    messages = []
    for index, block in enumerate(blocks):
        decision = reading.authors[index]
        author = directory.person(decision.key).address if decision else None
        author_inference = (
            Inference(InferredField.AUTHOR, str(author), decision.confidence, decision.evidence)
            if decision and author
            else None
        )
        position, series_inference = series.get(index, (None, None))
        problem = date_problems[index]
        messages.append(
            InferredMessage(
                block=block,
                date=dates[index],
                date_inference=date_notes[index],
                author=author,
                author_inference=author_inference,
                parent=parents[index],
                parent_confidence=reading.parents[index].confidence,
                parent_evidence=reading.parents[index].evidence,
                series=position,
                series_inference=series_inference,
                warnings=(*block.warnings, *([problem] if problem else [])),
                lists=tuple(
                    dict.fromkeys(a.email for a in block.recipients if directory.is_list(a))
                ),
            )
        )
    return tuple(messages)
