"""What became of a question: the outcome in one line, and how the thread got there.

A reader of a long thread wants the end first — what was decided, by whom, when, what happened
later — and then the path: who proposed what, who argued for and against, in the order it was
said. Both are read off the map; nothing here is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadlore.kb.discussion import DiscussionMap, Proposal, Quote, Status

DECIDED = (Status.ACCEPTED, Status.MERGED_LATER, Status.REJECTED, Status.SUPERSEDED)


@dataclass(frozen=True)
class Decided:
    """One decided proposal: its status, and the first words that show it."""

    proposal: Proposal
    status: Status
    shown_by: Quote | None
    later: tuple[str, ...]

    def describe(self) -> str:
        said = f"{self.status.value}: {self.proposal.title}"
        if self.shown_by is not None:
            said += (
                f" ({self.shown_by.by}, {self.shown_by.date})"
                if self.shown_by.date
                else (f" ({self.shown_by.by})")
            )
        if self.later:
            said += f"; later {'; '.join(self.later)}"
        return said


@dataclass(frozen=True)
class Outcome:
    """A question's decided proposals, best news first, and the ones left open."""

    decided: tuple[Decided, ...]
    open: tuple[Proposal, ...]

    def headline(self) -> str:
        """One line: what won (or that nothing did), and how many were dropped or are open."""
        won = [d for d in self.decided if d.status in (Status.ACCEPTED, Status.MERGED_LATER)]
        dropped = len(self.decided) - len(won)
        parts = [won[0].describe()] if won else ["nothing accepted"]
        if len(won) > 1:
            parts.append(f"{len(won) - 1} more accepted")
        if dropped:
            parts.append(f"{dropped} rejected or superseded")
        if self.open:
            parts.append(f"{len(self.open)} open")
        return "; ".join(parts)


def outcome(discussion: DiscussionMap, question_id: str) -> Outcome:
    """The outcome of one question of the map."""
    decided: list[Decided] = []
    still_open: list[Proposal] = []
    for proposal in discussion.question(question_id).proposals:
        status = discussion.status_of(proposal.id)
        if status is None or status.status not in DECIDED:
            still_open.append(proposal)
            continue
        evidence = [
            discussion.argument(e).quote
            for e in status.evidence
            if discussion.kind_of(e) == "argument"
        ]
        shown_by = min(evidence, key=lambda q: q.date, default=None)
        decided.append(
            Decided(proposal, status.status, shown_by, tuple(e.describe() for e in status.later))
        )
    decided.sort(key=lambda d: DECIDED.index(d.status))
    return Outcome(tuple(decided), tuple(still_open))


@dataclass(frozen=True)
class Step:
    """One thing said on the way to the outcome."""

    date: str
    by: str
    verb: str  # proposes, supports, objects, decides
    words: str
    message_id: str | None


def timeline(discussion: DiscussionMap, question_id: str) -> list[Step]:
    """Everything said about a question's proposals, in the order it was said."""
    question = discussion.question(question_id)
    steps: list[Step] = []
    evidence: set[str] = set()
    for proposal in question.proposals:
        for source in proposal.sources:
            steps.append(
                Step(source.date, source.by, "proposes", proposal.title, source.message_id)
            )
        status = discussion.status_of(proposal.id)
        if status is not None:
            evidence |= set(status.evidence)
    seen: set[str] = set()
    for proposal in question.proposals:
        for argument in discussion.argument_tree(proposal.id, depth=8):
            if argument.id in seen:
                continue
            seen.add(argument.id)
            verb = "objects" if argument.is_objection else "supports"
            if argument.id in evidence:
                verb = "decides"
            quote = argument.quote
            steps.append(Step(quote.date, quote.by, verb, quote.text, quote.message_id))
    return sorted(steps, key=lambda s: s.date)
