"""Annotated threads as extraction's ground truth: gold items, and labelled sentences to learn from.

An annotated thread is a map (tests/data/annotations, or a curated map in kb/maps) beside the
messages it quotes. Its gold items are the proposal sources (kind "proposal"), the arguments that
attack (kind "objection") and those that only support (kind "support"), each located as a span of
its message's normalised body. A sentence or candidate matches a gold item when both are in the
same message and their spans overlap by at least half of the shorter one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from threadlore.importers.detect import read_inputs
from threadlore.importers.records import ParsedMessage
from threadlore.kb.discussion import DiscussionMap, Status
from threadlore.kb.extract.candidates import (
    DECISION,
    OBJECTION,
    PROPOSAL,
    SUPPORT,
    Candidate,
    SourceMessage,
)
from threadlore.kb.extract.sentences import Sentence
from threadlore.kb.map_loader import load_map, locate_quotes, thread_message_of
from threadlore.kb.quoting import normalize_space

NEITHER = "neither"
LABELS = (PROPOSAL, OBJECTION, SUPPORT, NEITHER)


@dataclass(frozen=True)
class GoldItem:
    """One annotated quote: its message, kind, words and where they start in the normalised body."""

    message_id: str
    kind: str
    text: str
    offset: int
    entry_id: str
    targets: tuple[str, ...] = ()
    """For an argument, the ids of the entries it supports or attacks."""

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


@dataclass(frozen=True)
class AnnotatedThread:
    """A thread with its gold items; `exhaustive` is False for a map that left things out."""

    name: str
    messages: tuple[SourceMessage, ...]
    gold: tuple[GoldItem, ...]
    exhaustive: bool = True


def source_message(parsed: ParsedMessage) -> SourceMessage:
    """What extraction reads of an imported message."""
    author = parsed.author
    return SourceMessage(
        message_id=parsed.message_id,
        author=(author.name or author.email) if author else None,
        date=parsed.date,
        body=parsed.body,
        subject=parsed.subject,
        parent_id=parsed.in_reply_to,
        has_patch=bool(parsed.patches),
    )


def spans_overlap(start_a: int, end_a: int, start_b: int, end_b: int) -> bool:
    """Whether two spans share at least half of the shorter one."""
    shared = min(end_a, end_b) - max(start_a, start_b)
    return shared > 0 and shared * 2 >= min(end_a - start_a, end_b - start_b)


def gold_items(located: DiscussionMap, messages: Sequence[SourceMessage]) -> list[GoldItem]:
    """The map's quotes as spans; `located` has every quote's message id filled in."""
    bodies = {m.message_id: normalize_space(m.body) for m in messages}
    kinds = {p.id: PROPOSAL for p in located.proposals()}
    kinds.update({a.id: OBJECTION if a.is_objection else SUPPORT for a in located.arguments})
    targets = {a.id: (*a.attacks, *a.supports) for a in located.arguments}
    items = []
    for entry_id, quote in located.quotes():
        message_id = quote.message_id or ""
        offset = bodies.get(message_id, "").find(quote.text)
        if offset >= 0:
            items.append(
                GoldItem(
                    message_id,
                    kinds[entry_id],
                    quote.text,
                    offset,
                    entry_id,
                    targets.get(entry_id, ()),
                )
            )
    return items


def quoted_conversations(
    parsed: Sequence[ParsedMessage], quoted: Iterable[str]
) -> list[ParsedMessage]:
    """The messages of the conversations (linked by In-Reply-To and References) that hold a
    quoted message, each Message-ID once: a map of one thread in a folder of many (the notmuch
    test Maildir of LKML mail, where some messages are stored twice) is scored on its thread."""
    parents: dict[str, str] = {}

    def root(message_id: str) -> str:
        while (up := parents.setdefault(message_id, message_id)) != message_id:
            parents[message_id] = parents.setdefault(up, up)
            message_id = up
        return message_id

    for message in parsed:
        for linked in (message.in_reply_to, *message.references):
            if linked:
                parents[root(linked)] = root(message.message_id)
    wanted = {root(message_id) for message_id in quoted}
    unique = {m.message_id: m for m in reversed(parsed)}
    return [m for m in parsed if unique[m.message_id] is m and root(m.message_id) in wanted]


def load_thread(
    map_path: Path, thread_path: Path, *, name: str | None = None, exhaustive: bool = True
) -> AnnotatedThread:
    """An annotated thread from its map and the file or folder that holds its messages."""
    everything = list(read_inputs([thread_path]))
    located = locate_quotes(load_map(map_path), [thread_message_of(m) for m in everything])
    quoted = (quote.message_id for _entry, quote in located.quotes() if quote.message_id)
    parsed = quoted_conversations(everything, quoted)
    messages = tuple(source_message(m) for m in parsed)
    return AnnotatedThread(
        name or map_path.stem, messages, tuple(gold_items(located, messages)), exhaustive
    )


def annotated_threads(annotations: Path, corpora: Path) -> list[AnnotatedThread]:
    """Every annotated thread in a folder of maps whose `thread.source` is under `corpora`."""
    threads = []
    for path in sorted(annotations.glob("*.yaml")):
        source = load_map(path).thread.source
        if source is not None:
            threads.append(load_thread(path, corpora / source))
    return threads


def label_of(sentence: Sentence, gold: Iterable[GoldItem]) -> str:
    """The kind of the first gold item the sentence overlaps, else "neither"."""
    end = sentence.offset + len(sentence.text)
    for item in gold:
        if spans_overlap(sentence.offset, end, item.offset, item.end):
            return item.kind
    return NEITHER


def gold_kind(candidate: Candidate) -> str:
    """The kind of gold item a candidate should match: a decision's words are an argument
    (support when accepted, objection when rejected) or, for a superseding revision, a proposal."""
    if candidate.kind != DECISION:
        return candidate.kind
    if candidate.status == Status.REJECTED.value:
        return OBJECTION
    if candidate.status in (Status.SUPERSEDED.value, Status.PROPOSED.value):
        return PROPOSAL
    return SUPPORT


@dataclass(frozen=True)
class Tally:
    """Candidates that hit a gold item, and gold items that some candidate found."""

    candidates: int = 0
    hits: int = 0
    gold: int = 0
    found: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.candidates + other.candidates,
            self.hits + other.hits,
            self.gold + other.gold,
            self.found + other.found,
        )

    @property
    def precision(self) -> float:
        return self.hits / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0


def matches(candidate: Candidate, item: GoldItem, kind: str | None) -> bool:
    """Whether a candidate matches a gold item (of `kind` on both sides, unless None)."""
    return (
        candidate.message_id == item.message_id
        and (kind is None or (gold_kind(candidate) == kind and item.kind == kind))
        and spans_overlap(
            candidate.offset, candidate.offset + len(candidate.sentence), item.offset, item.end
        )
    )


def tally(candidates: Sequence[Candidate], gold: Sequence[GoldItem], kind: str | None) -> Tally:
    """Precision and recall counts for one kind (candidates and gold of that kind), or any kind."""
    mine = [c for c in candidates if kind is None or gold_kind(c) == kind]
    theirs = [g for g in gold if kind is None or g.kind == kind]
    return Tally(
        candidates=len(mine),
        hits=sum(any(matches(c, g, kind) for g in theirs) for c in mine),
        gold=len(theirs),
        found=sum(any(matches(c, g, kind) for c in mine) for g in theirs),
    )
