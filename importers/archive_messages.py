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
from collections.abc import Iterator, Sequence

from threadlore.importers.archive_blocks import ArchiveBlock, ArchiveThread
from threadlore.importers.archive_inference import InferredMessage, infer_thread, root_subject
from threadlore.importers.archive_people import is_mailing_list
from threadlore.importers.patches import extract_patches, extract_trailers, parse_series_marker
from threadlore.importers.records import Inference, InferredField, ParsedMessage

ID_LENGTH = 12
_SUBJECT_SENTENCE = 72
_REPLY_PREFIX = re.compile(r"^(?:re\s*:\s*)+", re.IGNORECASE)
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
    subjects: list[str] = []
    series: list[Inference | None] = []
    for message in inferred:
        note = message.series_inference
        if message.parent is None:
            subject = root
        elif message.parent == 0 and note is not None and message.series is not None:
            position = f"{message.series.index}/{message.series.total}"
            subject = f"[{word} {position}] {first_sentence(message.block.body)}"
            how = f"subject composed as {subject!r}: the archive keeps no per-message subject"
            note = Inference(note.field, note.value, note.confidence, (*note.evidence, how))
        else:
            subject = "Re: " + _REPLY_PREFIX.sub("", subjects[message.parent])
        subjects.append(subject)
        series.append(note)
    return subjects, series


def build_messages(thread: ArchiveThread) -> Iterator[ParsedMessage]:
    """Yield one ParsedMessage per block, in page order, with every inference attached."""
    inferred = infer_thread(thread)
    ids = synthetic_ids(thread.blocks)
    subjects, series_notes = _subjects(thread.subject, inferred)
    references: list[tuple[str, ...]] = []
    for index, message in enumerate(inferred):
        block = message.block
        parent = message.parent
        chain = () if parent is None else (*references[parent], ids[parent])
        references.append(chain)
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
            references=chain,
            body=block.body,
            headers=block.headers,
            list_ids=tuple(dict.fromkeys(a.email for a in block.recipients if is_mailing_list(a))),
            patches=extract_patches(block.body),
            trailers=extract_trailers(block.body),
            series=message.series if parent is not None else parse_series_marker(subjects[0]),
            truncated=block.truncated,
            inferences=tuple(inferences),
        )
