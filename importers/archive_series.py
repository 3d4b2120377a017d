"""Where each patch of a series stands (1/6 … 6/6) when the archive kept no subjects.

The patches are the root's replies by the root's author (a resend — a reply to a patch by its
author with the same changelog — takes its patch's place). Their positions are read from the
thread, as a person would:

- a message naming "patch 5/6" next to words of one patch's changelog ("removed … nopfn")
  points at that patch; a reply under patch P naming another number means another patch;
- "patches 1,2,3 as the fix … 4,5,6 is the fault/nonlinear rewrite" puts a patch whose
  changelog shares the label's words in that group;
- a series goes out in order, so a patch dated a minute later comes later;
- patches dated the same minute are ordered by the archive's listing of replies (learned
  from the thread: newest first in the seed), the weakest of these clues.

Every assignment of positions is scored and the best one kept; a patch's confidence is its
margin over the best assignment that places it elsewhere.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from threadlore.importers.archive_blocks import ArchiveBlock
from threadlore.importers.records import Inference, InferredField, SeriesPosition

REFERENCE_WEIGHT = 3.0
GROUP_WEIGHT = 1.0
DATE_KEPT = 2.0
DATE_BROKEN = -5.0
LISTING_WEIGHT = 0.25
_MAX_PATCHES = 8
_STEM = 5
_REFERENCE = re.compile(r"\bpatch\s+(?P<index>\d{1,9})\s*/\s*(?P<total>\d{1,9})\b", re.IGNORECASE)
_GROUP = re.compile(
    r"\b(?P<indexes>(?:\d{1,9}\s*,\s*)+\d{1,9})\s+(?:is|are|as)\s+the\s+(?P<label>[^.,;!?()]+)"
)
_WORD = re.compile(r"[a-z_][a-z0-9_]{2,}")
# Words too common to tie a sentence to one changelog.
_COMMON_WORDS = (
    "the and that this with for from are was were have has had not but its it's you your our "
    "all any can could would should will there their them then than these those which what "
    "into onto also just only very some more most such being been does did patch patches "
    "signed off by"
)
_STOP = frozenset(_COMMON_WORDS.split())
_CHANGELOG_END = re.compile(r"^(Signed-off-by:|Index: |diff --git |--- |\S+\s+\|\s+\d+)")


@dataclass(frozen=True)
class PatchUnit:
    """One patch of the series: its original mail and any resends, as 0-based block indexes."""

    blocks: tuple[int, ...]
    stems: frozenset[str]


@dataclass(frozen=True)
class _Clue:
    """A statement about positions: the units in `support` (number → weight, shared words)
    are likelier to take one of `indexes`, because of `reason`."""

    indexes: frozenset[int]
    support: dict[int, tuple[float, tuple[str, ...]]]
    reason: str


@dataclass
class _Reasons:
    """Why one unit got its position in an assignment."""

    clues: list[str] = field(default_factory=list)
    sent_before: list[int] = field(default_factory=list)
    sent_after: list[int] = field(default_factory=list)
    same_minute: list[int] = field(default_factory=list)

    def lines(self, newest_first: bool | None) -> list[str]:
        said = list(self.clues)
        if self.sent_after:
            said.append(f"dated after {_numbers(self.sent_after)}, which must come before it")
        if self.sent_before:
            said.append(f"dated before {_numbers(self.sent_before)}, which must come after it")
        if self.same_minute:
            order = "newest" if newest_first else "oldest"
            said.append(
                f"sent the same minute as {_numbers(self.same_minute)}: ordered by the archive's "
                f"listing of replies ({order} first), the weakest clue"
            )
        return said


def _numbers(indexes: Sequence[int]) -> str:
    return ", ".join(f"#{i + 1}" for i in sorted(indexes))


def _support(
    words: frozenset[str], units: Sequence[PatchUnit], weight: float, skip: int = -1
) -> dict[int, tuple[float, tuple[str, ...]]]:
    """Each unit (except `skip`) whose changelog shares words with a clue, and how much."""
    support = {}
    for number, unit in enumerate(units):
        shared = tuple(sorted(words & unit.stems))
        if shared and number != skip:
            support[number] = (weight * len(shared), shared)
    return support


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:_STEM] for w in _WORD.findall(text.lower()) if w not in _STOP)


def _changelog(body: str) -> str:
    lines = []
    for line in body.splitlines():
        if _CHANGELOG_END.match(line):
            break
        lines.append(line)
    return "\n".join(lines)


def find_patch_units(
    blocks: Sequence[ArchiveBlock], parents: Sequence[int | None], authors: Sequence[str | None]
) -> list[PatchUnit]:
    """The root's replies by its author, each with the resends that answer it."""
    replies: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        if parent is not None:
            replies.setdefault(parent, []).append(index)
    units = []
    for index in replies.get(0, []):
        if authors[index] is None or authors[index] != authors[0]:
            continue
        changelog = _changelog(blocks[index].body)
        first_line = next((line for line in changelog.splitlines() if line.strip()), "")
        resends = [
            i
            for i in replies.get(index, [])
            if authors[i] == authors[index] and first_line and first_line in blocks[i].body
        ]
        units.append(PatchUnit((index, *resends), _stems(changelog)))
    return units


def _paragraph_at(text: str, offset: int) -> str:
    start = text.rfind("\n\n", 0, offset)
    end = text.find("\n\n", offset)
    return text[start + 1 if start >= 0 else 0 : end if end >= 0 else len(text)].strip()


def _quote(paragraph: str, phrase: str, before: int = 90, after: int = 30) -> str:
    """The sentence around `phrase` in a paragraph, cut to a readable length with "…"."""
    flat = " ".join(paragraph.split())
    at = flat.find(phrase)
    sentence_start = max(flat.rfind(". ", 0, at) + 2, flat.rfind("? ", 0, at) + 2, 0)
    ends = [e for e in (flat.find(". ", at), flat.find("? ", at)) if e >= 0]
    sentence_end = min(ends) + 1 if ends else len(flat)
    start = max(sentence_start, at - before)
    if start > sentence_start:
        start = flat.find(" ", start) + 1
    end = min(sentence_end, at + len(phrase) + after)
    return (
        ("…" if start > sentence_start else "")
        + flat[start:end]
        + ("…" if end < sentence_end else "")
    )


def _subtree_root(parents: Sequence[int | None], index: int, units: Sequence[PatchUnit]) -> int:
    """The unit (by number) whose thread a message sits in, or -1."""
    heads = {unit.blocks[0]: number for number, unit in enumerate(units)}
    node: int | None = index
    while node is not None:
        if node in heads:
            return heads[node]
        node = parents[node]
    return -1


def _reference_clues(
    blocks: Sequence[ArchiveBlock],
    parents: Sequence[int | None],
    units: Sequence[PatchUnit],
    total: int,
) -> list[_Clue]:
    """Clues from "patch K/N" and "K,L,M is the …" in the thread's messages."""
    clues = []
    for index, block in enumerate(blocks):
        for match in _REFERENCE.finditer(block.body):
            if int(match["total"]) != total or not 1 <= int(match["index"]) <= total:
                continue
            inside = _subtree_root(
                parents, index, units
            )  # walked only for a message that names a patch
            paragraph = _paragraph_at(block.body, match.start())
            support = _support(_stems(paragraph), units, REFERENCE_WEIGHT, skip=inside)
            reason = f'#{index + 1} says "{_quote(paragraph, " ".join(match[0].split()))}"'
            clues.append(_Clue(frozenset({int(match["index"])}), support, reason))
        for match in _GROUP.finditer(block.body):
            indexes = frozenset(int(i) for i in re.findall(r"\d+", match["indexes"]))
            if not indexes or max(indexes) > total:
                continue
            support = _support(_stems(match["label"]), units, GROUP_WEIGHT)
            reason = f'#{index + 1} calls patches {match["indexes"]} "the {match["label"].strip()}"'
            clues.append(_Clue(indexes, support, reason))
    return clues


@dataclass(frozen=True)
class _Context:
    units: Sequence[PatchUnit]
    clues: Sequence[_Clue]
    dates: Sequence[datetime]
    listed_newest_first: bool | None


def _score(context: _Context, assignment: Sequence[int]) -> tuple[float, list[_Reasons]]:
    """Total score of positions `assignment[u]` for each unit u, and each unit's reasons."""
    total = 0.0
    reasons = [_Reasons() for _ in context.units]
    for clue in context.clues:
        for number, (weight, shared) in clue.support.items():
            if assignment[number] in clue.indexes:
                total += weight
                words = ", ".join(repr(w) for w in shared)
                reasons[number].clues.append(f"{clue.reason}; its changelog shares {words}")
    for one, other in itertools.combinations(range(len(context.units)), 2):
        first, second = context.units[one].blocks[0], context.units[other].blocks[0]
        earlier = assignment[one] < assignment[other]
        if context.dates[first] != context.dates[second]:
            kept = earlier == (context.dates[first] < context.dates[second])
            total += DATE_KEPT if kept else DATE_BROKEN
            if kept and context.dates[first] < context.dates[second]:
                reasons[one].sent_before.append(second)
                reasons[other].sent_after.append(first)
            elif kept:
                reasons[one].sent_after.append(second)
                reasons[other].sent_before.append(first)
        elif context.listed_newest_first is not None:
            # Same minute: a series is mailed first to last, the archive lists replies by date.
            sent_first = second if context.listed_newest_first else first
            kept = earlier == (first == sent_first)
            total += LISTING_WEIGHT if kept else -LISTING_WEIGHT
            if kept:
                reasons[one].same_minute.append(second)
                reasons[other].same_minute.append(first)
    return total, reasons


def infer_series(
    blocks: Sequence[ArchiveBlock],
    dates: Sequence[datetime],
    parents: Sequence[int | None],
    authors: Sequence[str | None],
    marker: SeriesPosition,
    listed_newest_first: bool | None,
) -> dict[int, tuple[SeriesPosition, Inference]]:
    """Series positions for the patch mails of a thread whose root is `marker` ("0/6").

    Returns a position and its inference for every block of every patch found (resends share
    their patch's position); nothing when the patches cannot be matched to positions.
    """
    units = find_patch_units(blocks, parents, authors)
    if not units or len(units) > min(marker.total, _MAX_PATCHES):
        return {}
    context = _Context(
        units, _reference_clues(blocks, parents, units, marker.total), dates, listed_newest_first
    )
    scored = [
        (_score(context, assignment), assignment)
        for assignment in itertools.permutations(range(1, marker.total + 1), len(units))
    ]
    (best_score, best_reasons), best = max(scored, key=lambda item: item[0][0])
    found: dict[int, tuple[SeriesPosition, Inference]] = {}
    for number, unit in enumerate(units):
        elsewhere = max(s for (s, _), a in scored if a[number] != best[number])
        margin = best_score - elsewhere
        confidence = round(0.5 + 0.45 * (1 - math.exp(-margin / 3)), 2)
        position = SeriesPosition(marker.version, best[number], marker.total, inferred=True)
        label = f"{best[number]}/{marker.total}"
        evidence = (
            *best_reasons[number].lines(context.listed_newest_first),
            f"placing it anywhere else scores {margin:.1f} lower",
            "the archive keeps no subjects: the position is read from the thread",
        )
        for index in unit.blocks:
            resend = (
                (f"a resend of #{unit.blocks[0] + 1} (same changelog)",)
                if index != unit.blocks[0]
                else ()
            )
            inference = Inference(InferredField.SERIES, label, confidence, (*resend, *evidence))
            found[index] = (position, inference)
    return found
