"""The reply tree of an archive page, read from its order, addressing and dates, with its authors.

The archive lists a thread depth-first: every message answers the message before it or one of
that message's ancestors. So the candidates for a message's parent are the previous message and
its ancestors, and each is scored:

- a reply is addressed To: the author of the message it answers (+3, +2 if not first in To:);
- or it is a follow-up to its author's own message, to the same people (+2.5);
- it comes after its parent (a candidate dated later scores -6: only a wrong date allows it);
- listed right after the candidate it is its first reply (+1); listed further down it is a later
  reply, and the archive's order of replies to one message — learned from the thread, newest
  first in the seed — must hold against the sibling listed before it (+1, or -4 if it breaks);
- the one address the reply drops from the candidate's recipients is its author's (+1);
- the more recipients the two share, the likelier (+ overlap);
- when the root is a series' cover letter ("[patch 0/6]"), a message sent with it — the same
  To: and Cc: as the root, within minutes — is one of the series' patches and answers the root
  (+3), as `git send-email` and quilt mail thread them.

Authors and parents depend on each other (the addressing evidence needs the parent's author, the
reply evidence needs the tree), so the reading is repeated until it stops changing: a first pass
without learned signatures or sibling order, then passes that use what the previous one taught.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from threadlore.importers.archive_authors import (
    AuthorDecision,
    AuthorVote,
    LearnedSignature,
    decide_author,
    dropped_addresses,
    learn_signatures,
    recipient_votes,
    reply_votes,
    signature_votes,
)
from threadlore.importers.archive_blocks import ArchiveBlock
from threadlore.importers.archive_people import Directory, email_key, is_mailing_list
from threadlore.importers.archive_signatures import SignatureClue

TO_FIRST = 3.0
TO_LATER = 2.0
SELF_FOLLOW_UP = 2.5
LISTED_NEXT = 1.0
ORDER_KEPT = 1.0
ORDER_BROKEN = -4.0
DROPS_AUTHOR = 1.0
EARLIER_THAN_PARENT = -6.0
SERIES_MEMBER = 3.0
SERIES_WINDOW = timedelta(minutes=30)
SERIES_AUTHOR_WEIGHT = 0.5
_MAX_PASSES = 5
_MIN_ORDER_PAIRS = 5
_ORDER_SHARE = 0.7
_UNADDRESSED_CAP = 0.6
_BEFORE_PARENT_CAP = 0.3


class SiblingOrder(StrEnum):
    """How the archive orders the replies to one message."""

    NEWEST_FIRST = "newest first"
    OLDEST_FIRST = "oldest first"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ParentDecision:
    """The inferred parent (0-based block index, None for the root), how sure, and why.

    `readdressed` says the reply is addressed To: someone other than the parent's (known)
    author, so its To: is no evidence of who wrote the parent.
    """

    parent: int | None
    confidence: float
    evidence: tuple[str, ...]
    readdressed: bool = False


@dataclass(frozen=True)
class ThreadReading:
    """The whole page read: one parent and one author decision per block, and the learned facts."""

    parents: tuple[ParentDecision, ...]
    authors: tuple[AuthorDecision | None, ...]
    order: SiblingOrder
    order_evidence: str
    learned: dict[str, LearnedSignature] = field(default_factory=dict)


@dataclass
class _Candidate:
    index: int
    score: float
    reasons: list[str]
    author: AuthorDecision | None
    addressed: bool


def _recipient_keys(block: ArchiveBlock, without: str | None = None) -> set[str]:
    return {email_key(a.email) for a in block.recipients} - {without or ""}


def _ancestors_or_self(parents: Sequence[int | None], index: int) -> list[int]:
    path = [index]
    while (up := parents[path[-1]]) is not None:
        path.append(up)
    return path


def learn_sibling_order(
    parents: Sequence[int | None], dates: Sequence[datetime]
) -> tuple[SiblingOrder, str]:
    """Whether replies to one message are listed newest or oldest first, judged on this page."""
    children: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        if parent is not None:
            children.setdefault(parent, []).append(index)
    newer = older = 0
    for siblings in children.values():
        for before, after in itertools.pairwise(siblings):
            newer += dates[after] < dates[before]
            older += dates[after] > dates[before]
    pairs = newer + older
    if pairs >= _MIN_ORDER_PAIRS and newer / pairs >= _ORDER_SHARE:
        order = SiblingOrder.NEWEST_FIRST
    elif pairs >= _MIN_ORDER_PAIRS and older / pairs >= _ORDER_SHARE:
        order = SiblingOrder.OLDEST_FIRST
    else:
        order = SiblingOrder.UNKNOWN
    told = max(newer, older)
    return order, f"this archive lists replies {order}: {told} of {pairs} dated sibling pairs"


class _Reader:
    """One pass over the page with what earlier passes learned."""

    def __init__(
        self,
        blocks: Sequence[ArchiveBlock],
        dates: Sequence[datetime],
        directory: Directory,
        clues: Sequence[Sequence[SignatureClue]],
        series_root: bool,
    ) -> None:
        self.blocks, self.dates, self.directory, self.clues = blocks, dates, directory, clues
        self.series_root = series_root

    def sent_with_cover_letter(self, index: int) -> bool:
        """Whether a message went out with the root, the cover letter of a series."""
        root, block = self.blocks[0], self.blocks[index]
        return (
            self.series_root
            and set(block.to) == set(root.to)
            and set(block.cc) == set(root.cc)
            and self.dates[index] - self.dates[0] <= SERIES_WINDOW
        )

    def name(self, email: str | None) -> str:
        address = self.directory.address(email) if email else None
        return str(address.name or address.email) if address else "an unknown author"

    def replies_to(
        self, parents: Sequence[ParentDecision], *, voting: bool
    ) -> list[list[ArchiveBlock]]:
        """Each block's replies; for voting on authors, without the readdressed ones."""
        replies: list[list[ArchiveBlock]] = [[] for _ in self.blocks]
        for index, decision in enumerate(parents):
            if decision.parent is not None and not (voting and decision.readdressed):
                replies[decision.parent].append(self.blocks[index])
        return replies

    def own_votes(
        self,
        index: int,
        replies: Sequence[ArchiveBlock],
        learned: dict[str, LearnedSignature],
        root_author: AuthorDecision | None,
    ) -> list[AuthorVote]:
        """Author votes that do not depend on the parent: signatures, replies, the series."""
        block = self.blocks[index]
        votes = signature_votes(self.clues[index], self.directory, learned)
        votes += reply_votes(block, replies, self.directory)
        if index and root_author and self.sent_with_cover_letter(index):
            reason = (
                "sent with the root's cover letter (same To: and Cc:, within minutes): "
                f"a series is mailed by one person, {self.name(root_author.email)}"
            )
            votes.append(AuthorVote(root_author.email, SERIES_AUTHOR_WEIGHT, reason))
        return votes

    def read(self, previous: ThreadReading | None) -> ThreadReading:
        """One pass: every block's parent and author, then what the pass teaches the next one."""
        learned = previous.learned if previous else {}
        order = previous.order if previous else SiblingOrder.UNKNOWN
        order_note = previous.order_evidence if previous else ""
        replies = self.replies_to(previous.parents, voting=True) if previous else None
        parents: list[ParentDecision] = []
        authors: list[AuthorDecision | None] = []
        for index in range(len(self.blocks)):
            root_author = authors[0] if authors else None
            votes = self.own_votes(index, replies[index] if replies else [], learned, root_author)
            if index == 0:
                parents.append(ParentDecision(None, 1.0, ("first message on the page: the root",)))
                authors.append(decide_author(votes))
                continue
            path = _ancestors_or_self([p.parent for p in parents], index - 1)
            candidates = [
                self._score(
                    index,
                    candidate,
                    path[depth - 1] if depth else None,
                    authors,
                    votes,
                    order,
                    order_note,
                )
                for depth, candidate in enumerate(path)
            ]
            decision, author = self._choose(index, candidates, authors)
            parents.append(decision)
            authors.append(author)
        sibling_order, sibling_note = learn_sibling_order([p.parent for p in parents], self.dates)
        learned_now = learn_signatures(
            self.clues, self.replies_to(parents, voting=False), self.directory
        )
        return ThreadReading(
            tuple(parents), tuple(authors), sibling_order, sibling_note, learned_now
        )

    def _score(
        self,
        index: int,
        candidate: int,
        listed_after: int | None,
        authors: Sequence[AuthorDecision | None],
        own_votes: list[AuthorVote],
        order: SiblingOrder,
        order_note: str,
    ) -> _Candidate:
        """How well `candidate` explains block `index` as its parent, and who wrote it then."""
        block, parent = self.blocks[index], self.blocks[candidate]
        known = authors[candidate]
        parent_author = known.email if known else None
        author = decide_author(
            own_votes + recipient_votes(block, parent, parent_author, self.directory)
        )
        mine = author.email if author else None
        addressing = self._addressing(index, candidate, parent_author, mine)
        parts = [addressing, self._listing(index, candidate, listed_after, order, order_note)]
        if self.dates[index] < self.dates[candidate]:
            early = self.dates[candidate] - self.dates[index]
            parts.append((EARLIER_THAN_PARENT, [f"dated {early} before #{candidate + 1}"]))
        if mine and dropped_addresses(block, parent, parent_author) == {mine}:
            reason = f"drops exactly its author's address from #{candidate + 1}'s"
            parts.append((DROPS_AUTHOR, [reason]))
        score = sum(part[0] for part in parts) + self._overlap(
            index, candidate, parent_author, mine
        )
        reasons = [reason for part in parts for reason in part[1]]
        return _Candidate(candidate, score, reasons, author, addressed=addressing[0] > 0)

    def _addressing(
        self, index: int, candidate: int, parent_author: str | None, mine: str | None
    ) -> tuple[float, list[str]]:
        """Whom the reply is addressed to: the candidate's author, itself, or the series."""
        block, parent = self.blocks[index], self.blocks[candidate]
        to = [email_key(a.email) for a in block.to]
        score, reasons = 0.0, []
        if parent_author is not None and parent_author in to:
            first = to[0] == parent_author
            score += TO_FIRST if first else TO_LATER
            where = "To:" if first else "To: (not first)"
            reasons.append(f"{where} names {self.name(parent_author)}, who wrote #{candidate + 1}")
        if (
            mine
            and mine == parent_author
            and (_recipient_keys(block, mine) == _recipient_keys(parent, mine))
        ):
            score += SELF_FOLLOW_UP
            reasons.append(
                f"a follow-up by the author of #{candidate + 1} to the same recipients "
                "(apart from the author's own address)"
            )
        if candidate == 0 and self.sent_with_cover_letter(index):
            score += SERIES_MEMBER
            reasons.append(
                "sent with the root, a series' cover letter (same To: and Cc:, within "
                f"{SERIES_WINDOW.seconds // 60} minutes): one of its patches, which answer it"
            )
        return score, reasons

    def _listing(
        self,
        index: int,
        candidate: int,
        listed_after: int | None,
        order: SiblingOrder,
        order_note: str,
    ) -> tuple[float, list[str]]:
        """What the archive's listing says: first reply, or a later one in the learned order."""
        if listed_after is None:
            return LISTED_NEXT, [f"listed right after #{candidate + 1}"]
        if order is SiblingOrder.UNKNOWN:
            return 0.0, []
        sibling_date = self.dates[listed_after]
        kept = (
            self.dates[index] <= sibling_date
            if order is SiblingOrder.NEWEST_FIRST
            else self.dates[index] >= sibling_date
        )
        verb = "fits" if kept else "breaks"
        reason = (
            f"as a later reply to #{candidate + 1}, listed after #{listed_after + 1}, it "
            f"{verb} the archive's order ({order_note})"
        )
        return (ORDER_KEPT if kept else ORDER_BROKEN), [reason]

    def _overlap(
        self, index: int, candidate: int, parent_author: str | None, mine: str | None
    ) -> float:
        """The share of people (recipients and author) the two messages have in common."""
        ours = _recipient_keys(self.blocks[index]) | {mine or ""}
        theirs = _recipient_keys(self.blocks[candidate]) | {parent_author or ""}
        people = {e for e in ours | theirs if e and not is_mailing_list_key(e, self.directory)}
        return len(ours & theirs & people) / len(people) if people else 0.0

    def _choose(
        self,
        index: int,
        candidates: list[_Candidate],
        authors: Sequence[AuthorDecision | None],
    ) -> tuple[ParentDecision, AuthorDecision | None]:
        best = candidates[0]
        for candidate in candidates[1:]:
            if candidate.score > best.score:
                best = candidate
        rivals = [c for c in candidates if c is not best]
        evidence = list(best.reasons)
        if rivals:
            runner_up = max(rivals, key=lambda c: c.score)
            margin = best.score - runner_up.score
            confidence = 0.5 + 0.45 * (1 - math.exp(-margin / 2))
            evidence.append(
                f"preferred to #{runner_up.index + 1} (score {best.score:.1f} against "
                f"{runner_up.score:.1f}: {'; '.join(runner_up.reasons) or 'no support'})"
            )
        else:
            confidence = 0.95 if best.addressed else 0.75
            evidence.append("the only earlier message it can answer")
        if self.dates[index] < self.dates[best.index]:
            confidence = min(confidence, _BEFORE_PARENT_CAP)
            evidence.append("but no earlier message fits: its date or its parent's is wrong")
        if not best.addressed:
            confidence = min(confidence, _UNADDRESSED_CAP)
            addressed_to = self.blocks[index].to
            named = str(addressed_to[0]) if addressed_to else "nobody"
            evidence.append(
                f"but To: names {named}, not the author of #{best.index + 1}: "
                "the reply was readdressed, so the archive's order is the main evidence"
            )
        readdressed = not best.addressed and authors[best.index] is not None
        decision = ParentDecision(best.index, round(confidence, 2), tuple(evidence), readdressed)
        return decision, best.author


def is_mailing_list_key(email: str, directory: Directory) -> bool:
    """Whether a directory key is one of the page's mailing lists."""
    address = directory.address(email)
    return address is not None and is_mailing_list(address)


def read_thread(
    blocks: Sequence[ArchiveBlock],
    dates: Sequence[datetime],
    directory: Directory,
    clues: Sequence[Sequence[SignatureClue]],
    *,
    series_root: bool = False,
) -> ThreadReading:
    """Read parents and authors together, repeating until the reading stops changing.

    `series_root` says the root is a series' cover letter (its subject says "0/N").
    """
    reader = _Reader(blocks, dates, directory, clues, series_root)
    reading = reader.read(None)
    for _ in range(_MAX_PASSES):
        again = reader.read(reading)
        if again.parents == reading.parents and again.authors == reading.authors:
            return again
        reading = again
    return reading
