"""The reply tree of an archive page, read from its order, addressing and dates, with its authors.

The archive lists a thread depth-first: every message answers the message before it or one of
that message's ancestors. So the candidates for a message's parent are the previous message and
its ancestors — the nearest `ANCESTOR_WINDOW` of them and the top one, so that a page of many
threads run together, whose reply chain grows with the page, costs the same per message (no
thread of the corpora is half that deep) — and each is scored:

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

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from threadlore.importers.archive_authors import (
    AuthorDecision,
    AuthorVote,
    DropTrust,
    LearnedSignature,
    decide_author,
    dropped_people,
    greeted_people,
    learn_signatures,
    recipient_votes,
    reply_votes,
    signature_votes,
)
from threadlore.importers.archive_blocks import ArchiveBlock
from threadlore.importers.archive_people import Directory
from threadlore.importers.archive_signatures import SignatureClue, find_greeting

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
_SIGNED = 0.5
_SURE_FOR_ORDER = 0.7  # sibling order is learned from the parents read this surely, if it can
_BEFORE_PARENT_CAP = 0.3
ANCESTOR_WINDOW = 40  # the nearest ancestors scored; the deepest corpus thread's path is 39


class SiblingOrder(StrEnum):
    """How the archive orders the replies to one message."""

    NEWEST_FIRST = "newest first"
    OLDEST_FIRST = "oldest first"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ParentDecision:
    """The inferred parent (0-based block index, None for the root), how sure, and why.

    `readdressed` says the reply is addressed To: someone other than the parent's (signed)
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
    drop_trust: DropTrust = field(default_factory=DropTrust)
    candidates_scored: int = 0  # over this pass and the ones before: the work grows with it


@dataclass
class _Candidate:
    """A scored parent candidate; `parent_author` is its author's key, from which the reply's
    own author is read once the candidate is chosen. `reasons` are written out only for the
    chosen candidate and its runner-up (`explain`): the others are only compared."""

    index: int
    listed_after: int | None
    score: float
    reasons: list[str]
    parent_author: str | None
    addressed: bool


@dataclass(frozen=True)
class _Reply:
    """The block whose parent is sought, and what every candidate is compared with: the author
    its own evidence names (`mine`), the people it involves (`ours`: its recipients and that
    author), the authors decided so far and the archive's order of replies."""

    index: int
    mine: str | None
    ours: frozenset[str]
    authors: Sequence[AuthorDecision | None]
    order: SiblingOrder
    order_note: str


@dataclass(frozen=True)
class Pinned:
    """Values a person corrected, by block index: authors (directory keys) and parents (a block
    index, or None for a message that starts the thread)."""

    authors: dict[int, str] = field(default_factory=dict)
    parents: dict[int, int | None] = field(default_factory=dict)


CORRECTED = "corrected by the user"


def _ancestors_or_self(parents: Sequence[int | None], index: int) -> list[int]:
    """`index` and its ancestors among the decided blocks, root last (a corrected parent may
    point down the page or round in a loop: the walk stops there)."""
    path = [index]
    seen = {index}
    while (up := parents[path[-1]]) is not None and up < len(parents) and up not in seen:
        path.append(up)
        seen.add(up)
    return path


class _Ancestry:
    """The path from the root to the last decided block, kept from one block to the next.

    Without corrected parents every parent is one of the previous block's ancestors, so the
    next path is the path cut after the parent, plus the block: amortised constant work per
    block. A corrected parent may point anywhere, so a page with one is walked afresh each time.
    """

    def __init__(self, walk: bool) -> None:
        self.walk = walk
        self.parents: list[int | None] = []
        self.stack: list[int] = []  # root first
        self.depth: dict[int, int] = {}  # block → its place in `stack`

    def add(self, parent: int | None) -> None:
        """Record the parent of the next block."""
        index = len(self.parents)
        self.parents.append(parent)
        if self.walk:
            self.stack = _ancestors_or_self(self.parents, index)[::-1]
            return
        keep = self.depth[parent] + 1 if parent is not None else 0
        for gone in self.stack[keep:]:
            del self.depth[gone]
        del self.stack[keep:]
        self.depth[index] = len(self.stack)
        self.stack.append(index)

    def candidates(self) -> list[tuple[int, int | None]]:
        """The next block's parent candidates, nearest first, each with the candidate's child on
        the path (None for the previous block itself): the nearest `ANCESTOR_WINDOW` and the top."""
        stack = self.stack
        near = range(len(stack) - 1, max(len(stack) - 1 - ANCESTOR_WINDOW, -1), -1)
        places = [*near, *([0] if len(stack) > ANCESTOR_WINDOW else [])]
        return [(stack[at], stack[at + 1] if at + 1 < len(stack) else None) for at in places]


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
        pinned: Pinned,
    ) -> None:
        self.blocks, self.dates, self.directory, self.clues = blocks, dates, directory, clues
        self.series_root = series_root
        self.pinned = pinned
        self.trust = DropTrust()
        self.learned: dict[str, LearnedSignature] = {}
        self.signed: dict[int, str | None] = {}
        self.scored = 0  # parent candidates scored over all passes: the work grows with this
        self.greeted = [greeted_people(directory, find_greeting(b.body)) for b in blocks]

    def sent_with_cover_letter(self, index: int, root_author: str | None) -> str | None:
        """Why a message went out with the root, the cover letter of a series, if it did: the
        same To: and Cc: within minutes, or signed by the root's author within minutes (a series
        to many maintainers addresses each patch to its own)."""
        root, block = self.blocks[0], self.blocks[index]
        minutes = SERIES_WINDOW.seconds // 60
        if not self.series_root or not index or self.dates[index] - self.dates[0] > SERIES_WINDOW:
            return None
        if self.dates[index] < self.dates[0]:
            return None
        if set(block.to) == set(root.to) and set(block.cc) == set(root.cc):
            return f"sent with the root's cover letter (same To: and Cc:, within {minutes} minutes)"
        signed = self._signed_author(index)
        if signed is not None and signed in (root_author, self.pinned.authors.get(0)):
            return f"signed by the author of the root's cover letter, within {minutes} minutes"
        if signed is not None and root_author is None:
            return f"signed by {self.name(signed)} within {minutes} minutes of the cover letter"
        return None

    def name(self, key: str | None) -> str:
        person = self.directory.people.get(key) if key else None
        return str(person.name or person.address.email) if person else "an unknown author"

    def replies_to(self, parents: Sequence[ParentDecision], *, voting: bool) -> list[list[int]]:
        """Each block's replies; for voting on authors, without the readdressed ones."""
        replies: list[list[int]] = [[] for _ in self.blocks]
        for index, decision in enumerate(parents):
            if decision.parent is not None and not (voting and decision.readdressed):
                replies[decision.parent].append(index)
        return replies

    def own_votes(
        self,
        index: int,
        replies: Sequence[int],
        learned: dict[str, LearnedSignature],
        root_author: AuthorDecision | None,
    ) -> list[AuthorVote]:
        """Author votes that do not depend on the parent: signatures, replies, the series."""
        votes = signature_votes(self.clues[index], self.directory, learned)
        votes += reply_votes(self.directory, index, replies, self.greeted)
        root_key = root_author.key if root_author else None
        if root_key and (how := self.sent_with_cover_letter(index, root_key)):
            reason = f"{how}: a series is mailed by one person, {self.name(root_key)}"
            votes.append(AuthorVote(root_key, SERIES_AUTHOR_WEIGHT, reason, True))
        if index == 0 and self.series_root:
            for patch in range(1, len(self.blocks)):
                how = self.sent_with_cover_letter(patch, None)
                if how and (key := self._signed_author(patch)):
                    reason = (
                        f"#{patch + 1}, {how}, is signed by {self.name(key)}: a series is "
                        "mailed by one person"
                    )
                    votes.append(AuthorVote(key, SERIES_AUTHOR_WEIGHT, reason, True))
        return votes

    def decide(self, index: int, votes: Sequence[AuthorVote]) -> AuthorDecision | None:
        """The author of block `index` from its votes, unless a person corrected it."""
        if index in self.pinned.authors:
            return AuthorDecision(self.pinned.authors[index], 1.0, (CORRECTED,))
        addressed = self.directory.recipients[index] | set(self.greeted[index])
        return decide_author(votes, addressed)

    def _pinned_parent(
        self,
        index: int,
        votes: list[AuthorVote],
        authors: Sequence[AuthorDecision | None],
        previous: ThreadReading | None,
    ) -> tuple[ParentDecision, AuthorDecision | None]:
        """A corrected parent, and the author read against it."""
        parent = self.pinned.parents[index]
        decision = ParentDecision(parent, 1.0, (CORRECTED,))
        if parent is None or parent == index:
            return ParentDecision(None, 1.0, (CORRECTED,)), self.decide(index, votes)
        known = authors if parent < len(authors) else previous.authors if previous else None
        parent_author = known[parent] if known else None
        key = parent_author.key if parent_author else None
        return decision, self.decide(
            index, votes + recipient_votes(self.directory, index, parent, key, self.trust)
        )

    def read(self, previous: ThreadReading | None) -> ThreadReading:
        """One pass: every block's parent and author, then what the pass teaches the next one."""
        learned = previous.learned if previous else {}
        self.trust = previous.drop_trust if previous else DropTrust()
        self.learned, self.signed = learned, {}
        order = previous.order if previous else SiblingOrder.UNKNOWN
        order_note = previous.order_evidence if previous else ""
        replies = self.replies_to(previous.parents, voting=True) if previous else None
        parents: list[ParentDecision] = []
        authors: list[AuthorDecision | None] = []
        ancestry = _Ancestry(walk=bool(self.pinned.parents))
        for index in range(len(self.blocks)):
            if parents:
                ancestry.add(parents[-1].parent)
            root_author = authors[0] if authors else None
            votes = self.own_votes(index, replies[index] if replies else [], learned, root_author)
            if index in self.pinned.parents:
                decision, author = self._pinned_parent(index, votes, authors, previous)
                parents.append(decision)
                authors.append(author)
                continue
            if index == 0:
                parents.append(ParentDecision(None, 1.0, ("first message on the page: the root",)))
                authors.append(self.decide(index, votes))
                continue
            own = self.decide(index, votes)
            mine = own.key if own else None
            reply = _Reply(
                index,
                mine,
                self.directory.recipients[index] | {mine or ""},
                authors,
                order,
                order_note,
            )
            score = functools.partial(self._score, reply)
            candidates = [score(*candidate) for candidate in ancestry.candidates()]
            self.scored += len(candidates)
            decision, author = self._choose(index, candidates, votes, score)
            parents.append(decision)
            authors.append(author)
        sure = [p.parent if p.confidence >= _SURE_FOR_ORDER else None for p in parents]
        sibling_order, sibling_note = learn_sibling_order(sure, self.dates)
        if sibling_order is SiblingOrder.UNKNOWN:
            sibling_order, sibling_note = learn_sibling_order(
                [p.parent for p in parents], self.dates
            )
        learned_now = learn_signatures(
            self.clues, self.replies_to(parents, voting=False), self.directory
        )
        return ThreadReading(
            tuple(parents),
            tuple(authors),
            sibling_order,
            sibling_note,
            learned_now,
            self._drop_trust(parents, authors),
            self.scored,
        )

    def _signed_author(self, index: int) -> str | None:
        """Who a message's own signature names (with the names learned so far), if it is sure."""
        if index not in self.signed:
            votes = signature_votes(self.clues[index], self.directory, self.learned)
            decision = decide_author(votes, self.directory.recipients[index])
            sure = decision is not None and decision.confidence >= _SIGNED
            self.signed[index] = decision.key if decision and sure else None
        return self.signed[index]

    def _drop_trust(
        self,
        parents: Sequence[ParentDecision],
        authors: Sequence[AuthorDecision | None],
    ) -> DropTrust:
        """How often, on this page, a reply that drops exactly one person drops the person its
        signature names."""
        agreed = checked = 0
        for index, decision in enumerate(parents):
            if decision.parent is None or decision.parent >= len(authors):
                continue
            signed = self._signed_author(index)
            if signed is None:
                continue
            parent_author = authors[decision.parent]
            key = parent_author.key if parent_author else None
            dropped = dropped_people(self.directory, index, decision.parent, key)
            if len(dropped) == 1:
                checked += 1
                agreed += dropped == {signed}
        return DropTrust(agreed, checked)

    def _score(
        self, reply: _Reply, candidate: int, listed_after: int | None, explain: bool = False
    ) -> _Candidate:
        """How well `candidate` explains `reply` as its parent (and why, if `explain`).

        Whether the reply is its parent's author's own follow-up, or drops its author's address,
        is judged on the author its own evidence names (`mine`: signatures, replies), not the one
        the candidate's addressing suggests: that would make every candidate fit itself.
        """
        index, mine = reply.index, reply.mine
        known = reply.authors[candidate] if candidate < len(reply.authors) else None
        parent_author = known.key if known else None
        addressing, reasons = self._addressing(reply, candidate, parent_author, explain)
        listing, listed = self._listing(reply, candidate, listed_after, explain)
        parts = [addressing, listing]
        reasons += listed
        if self.dates[index] < self.dates[candidate]:
            parts.append(EARLIER_THAN_PARENT)
            if explain:
                early = self.dates[candidate] - self.dates[index]
                reasons.append(f"dated {early} before #{candidate + 1}")
        if mine and dropped_people(self.directory, index, candidate, parent_author) == {mine}:
            parts.append(DROPS_AUTHOR)
            if explain:
                reasons.append(f"drops exactly its author's address from #{candidate + 1}'s")
        score = sum(parts) + self._overlap(reply, candidate, parent_author)
        return _Candidate(candidate, listed_after, score, reasons, parent_author, addressing > 0)

    def _addressing(
        self, reply: _Reply, candidate: int, parent_author: str | None, explain: bool
    ) -> tuple[float, list[str]]:
        """Whom the reply is addressed to: the candidate's author, itself, or the series."""
        index, mine = reply.index, reply.mine
        to = self.directory.to_keys[index]
        recipients = self.directory.recipients
        score, reasons = 0.0, []
        if parent_author is not None and parent_author in to:
            first = to[0] == parent_author
            score += TO_FIRST if first else TO_LATER
            where = "To:" if first else "To: (not first)"
            reasons.append(f"{where} names {self.name(parent_author)}, who wrote #{candidate + 1}")
        elif parent_author is not None and parent_author in self.greeted[index]:
            score += TO_FIRST
            reasons.append(f"greets {self.name(parent_author)}, who wrote #{candidate + 1}")
        if (
            mine
            and mine == parent_author
            and mine not in recipients[index]
            and recipients[index] - {mine} == recipients[candidate] - {mine}
        ):
            score += SELF_FOLLOW_UP
            reasons.append(
                f"a follow-up by the author of #{candidate + 1} to the same recipients "
                "(apart from the author's own address)"
            )
        if candidate == 0 and (how := self.sent_with_cover_letter(index, parent_author)):
            score += SERIES_MEMBER
            reasons.append(f"{how}: one of the series' patches, which answer the cover letter")
        return score, reasons if explain else []

    def _listing(
        self, reply: _Reply, candidate: int, listed_after: int | None, explain: bool
    ) -> tuple[float, list[str]]:
        """What the archive's listing says: first reply, or a later one in the learned order."""
        if listed_after is None:
            return LISTED_NEXT, [f"listed right after #{candidate + 1}"] if explain else []
        if reply.order is SiblingOrder.UNKNOWN:
            return 0.0, []
        sibling_date = self.dates[listed_after]
        kept = (
            self.dates[reply.index] <= sibling_date
            if reply.order is SiblingOrder.NEWEST_FIRST
            else self.dates[reply.index] >= sibling_date
        )
        if not explain:
            return (ORDER_KEPT if kept else ORDER_BROKEN), []
        verb = "fits" if kept else "breaks"
        reason = (
            f"as a later reply to #{candidate + 1}, listed after #{listed_after + 1}, it "
            f"{verb} the archive's order ({reply.order_note})"
        )
        return (ORDER_KEPT if kept else ORDER_BROKEN), [reason]

    def _overlap(self, reply: _Reply, candidate: int, parent_author: str | None) -> float:
        """The share of people (recipients and author) the two messages have in common."""
        ours = reply.ours
        theirs = self.directory.recipients[candidate] | {parent_author or ""}
        people = (ours | theirs) - {""}
        return len(ours & theirs & people) / len(people) if people else 0.0

    def _choose(
        self,
        index: int,
        candidates: list[_Candidate],
        own_votes: list[AuthorVote],
        score: Callable[..., _Candidate],
    ) -> tuple[ParentDecision, AuthorDecision | None]:
        """The best candidate as the parent, and the author read against it; `score` scores a
        candidate again, with its reasons, for the best and the runner-up."""
        best = candidates[0]
        for candidate in candidates[1:]:
            if candidate.score > best.score:
                best = candidate
        rivals = [c for c in candidates if c is not best]
        best = score(best.index, best.listed_after, explain=True)
        evidence = list(best.reasons)
        if rivals:
            runner_up = max(rivals, key=lambda c: c.score)
            runner_up = score(runner_up.index, runner_up.listed_after, explain=True)
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
        readdressed = not best.addressed and self._signed_author(best.index) is not None
        decision = ParentDecision(best.index, round(confidence, 2), tuple(evidence), readdressed)
        dropped = recipient_votes(self.directory, index, best.index, best.parent_author, self.trust)
        return decision, self.decide(index, own_votes + dropped)


def read_thread(
    blocks: Sequence[ArchiveBlock],
    dates: Sequence[datetime],
    directory: Directory,
    clues: Sequence[Sequence[SignatureClue]],
    *,
    series_root: bool = False,
    pinned: Pinned | None = None,
) -> ThreadReading:
    """Read parents and authors together, repeating until the reading stops changing.

    `series_root` says the root is a series' cover letter (its subject says "0/N"); `pinned`
    holds what a person corrected, which every pass takes as given.
    """
    reader = _Reader(blocks, dates, directory, clues, series_root, pinned or Pinned())
    reading = reader.read(None)
    for _ in range(_MAX_PASSES):
        again = reader.read(reading)
        if again.parents == reading.parents and again.authors == reading.authors:
            return again
        reading = again
    return reading
