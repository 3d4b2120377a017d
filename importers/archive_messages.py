"""Turning an archive page and its inferences into ParsedMessage records.

The format has no Message-ID, so each message gets a synthetic one: 12 hex characters of a hash
of its Date: line, its recipients and its body — stable across re-imports of the same page, and
distinct for a resend (its date and body differ); a block identical to an earlier one (same
date, headers and body) is told apart by its occurrence number. Subjects are not archived
either: the root's comes from the page's first line, a patch mail's is composed from its
inferred series position and its changelog's first sentence (said so in its SERIES inference),
and a reply's is "Re: " and its parent's.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

from threadlore.importers.archive_blocks import ArchiveBlock, ArchiveThread
from threadlore.importers.archive_dates import DEFAULT_CLOCK, ArchiveClock
from threadlore.importers.archive_inference import (
    BlockPins,
    InferredMessage,
    infer_thread,
    root_subject,
)
from threadlore.importers.mail_headers import trim_references
from threadlore.importers.patches import carried_patches, extract_trailers, parse_series_marker
from threadlore.importers.records import Inference, InferredField, ParsedMessage, ReadProblem
from threadlore.importers.subjects import strip_reply_markers

ID_LENGTH = 12
_SUBJECT_SENTENCE = 72
_MARKER_WORD = re.compile(r"^\[(?P<word>[A-Za-z]+)\b")


def synthetic_ids(blocks: Sequence[ArchiveBlock]) -> list[str]:
    """One content-hash id per block; repeated identical blocks get their occurrence number."""
    seen: Counter[str] = Counter()
    ids = []
    for block in blocks:
        content = "\n".join((block.date_text, *map(str, block.recipients), block.body))
        seen[content] += 1
        if seen[content] > 1:
            content += f"\n#{seen[content]}"
        ids.append(hashlib.sha256(content.encode("utf-8")).hexdigest()[:ID_LENGTH])
    return ids


def first_sentence(body: str) -> str:
    """The opening sentence of a changelog, cut to a subject's length at a word boundary."""
    paragraph = " ".join(body.strip().split("\n\n", 1)[0].split())
    sentence = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0].rstrip(".")
    if len(sentence) <= _SUBJECT_SENTENCE:
        return sentence
    return sentence[:_SUBJECT_SENTENCE].rsplit(" ", 1)[0] + "…"


def _subjects(
    page_subject: str, inferred: Sequence[InferredMessage]
) -> tuple[list[str], list[Inference | None]]:
    """Each message's subject, and each patch mail's series inference noting how it was made."""
    root = root_subject(page_subject)
    word = match["word"] if (match := _MARKER_WORD.match(root)) else "PATCH"
    subjects: dict[int, str] = {}
    series: list[Inference | None] = [m.series_inference for m in inferred]
    for start in range(len(inferred)):
        chain = [start]  # the message and its ancestors whose subjects are not made yet
        while (up := inferred[chain[-1]].parent) is not None and up not in subjects:
            if up in chain:  # a loop of corrected parents: its top takes the root's subject
                break
            chain.append(up)
        for index in reversed(chain):
            message = inferred[index]
            note = message.series_inference
            if message.parent is None or message.parent not in subjects:
                subjects[index] = root
            elif message.parent == 0 and note is not None and message.series is not None:
                position = f"{message.series.index}/{message.series.total}"
                subjects[index] = f"[{word} {position}] {first_sentence(message.block.body)}"
                how = f"subject composed as {subjects[index]!r}: the archive keeps no subject"
                series[index] = Inference(
                    note.field, note.value, note.confidence, (*note.evidence, how)
                )
            else:
                subjects[index] = "Re: " + strip_reply_markers(subjects[message.parent])
    return [subjects[i] for i in range(len(inferred))], series


def _references(parents: Sequence[int | None], ids: Sequence[str]) -> list[tuple[str, ...]]:
    """Each message's ancestors' ids, root first (a loop of corrected parents is cut), trimmed
    as mail's References are (`trim_references`: the root and the nearest ancestors).

    When every parent is listed before its reply, a message's references are its parent's and
    the parent: constant work per message however deep the page runs. A corrected parent may
    point down the page, and then each message's ancestors are walked.
    """
    if all(parent is None or parent < index for index, parent in enumerate(parents)):
        chains: list[tuple[str, ...]] = []
        for parent in parents:
            above = (*chains[parent], ids[parent]) if parent is not None else ()
            chains.append(trim_references(above))
        return chains
    walked = []
    for index in range(len(parents)):
        chain: list[int] = []
        up = parents[index]
        while up is not None and up != index and up not in chain:
            chain.append(up)
            up = parents[up]
        walked.append(trim_references(tuple(ids[i] for i in reversed(chain))))
    return walked


def pins_by_index(
    ids: Sequence[str], pins: Mapping[str, BlockPins]
) -> tuple[list[dict[InferredField, str]], list[str]]:
    """Pins keyed by message id as pins by block index (a parent's id becomes its index), and
    the ids pinned that are not on the page."""
    position = {message_id: index for index, message_id in enumerate(ids)}
    by_index: list[dict[InferredField, str]] = [{} for _ in ids]
    unknown = []
    for message_id, fields in pins.items():
        if message_id not in position:
            unknown.append(message_id)
            continue
        values = dict(fields)
        parent = values.get(InferredField.PARENT)
        if parent:
            if parent not in position:
                unknown.append(parent)
                del values[InferredField.PARENT]
            else:
                values[InferredField.PARENT] = str(position[parent])
        by_index[position[message_id]] = values
    return by_index, unknown


def build_messages(
    thread: ArchiveThread,
    *,
    clock: ArchiveClock | None = None,
    pins: Mapping[str, BlockPins] | None = None,
    ids: Sequence[str] | None = None,
) -> Iterator[ParsedMessage]:
    """Yield one ParsedMessage per block, in page order, with every inference attached.

    Args:
        thread: the page.
        clock: the clock the archive printed its times on (default: `DEFAULT_CLOCK`).
        pins: values a person corrected, by message id (the 12-hex ids this function gives):
            each message's author ("Name <address>"), parent (an id, or "" for none) and date
            (ISO 8601). They are taken as certain and the rest of the page is inferred around
            them. Pins naming an id that is not on the page are ignored.
        ids: the ids the blocks were stored under, when the page is rebuilt from a store
            (default: the content hash of each block, `synthetic_ids`).
    """
    ids = list(ids) if ids is not None else synthetic_ids(thread.blocks)
    by_index, _ = pins_by_index(ids, pins or {})
    source_clock = clock or DEFAULT_CLOCK
    inferred = infer_thread(thread, clock=source_clock, pins=by_index)
    subjects, series_notes = _subjects(thread.subject, inferred)
    parents = [message.parent for message in inferred]
    references = _references(parents, ids)
    for index, message in enumerate(inferred):
        block = message.block
        parent = message.parent
        inferences = [message.date_inference]
        if message.author_inference is not None:
            inferences.append(message.author_inference)
        if parent is not None:
            inferences.append(
                Inference(
                    InferredField.PARENT,
                    ids[parent],
                    message.parent_confidence,
                    message.parent_evidence,
                )
            )
        if (series_note := series_notes[index]) is not None:
            inferences.append(series_note)
        yield ParsedMessage(
            source=thread.source,
            position=block.position,
            message_id=ids[index],
            synthetic_id=True,
            subject=subjects[index],
            author=message.author,
            to=block.to,
            cc=block.cc,
            date=message.date,
            in_reply_to=ids[parent] if parent is not None else None,
            references=references[index],
            body=block.body,
            headers=block.headers,
            list_ids=message.lists,
            read_patches=carried_patches(block.body),
            trailers=extract_trailers(block.body),
            series=message.series if parent is not None else parse_series_marker(subjects[0]),
            truncated=block.truncated,
            inferences=tuple(inferences),
            warnings=tuple(
                ReadProblem(thread.source, block.position, where, problem, block.offset)
                for where, problem in message.warnings
            ),
            clock=source_clock.name,
        )
