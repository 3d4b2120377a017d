"""The IBIS model of a discussion: topics, questions, proposals, arguments and decisions.

Follows IBIS (issues, positions, arguments) and Argdown (an argument supports or attacks a
proposal or another argument; an attack is an objection), with decisions recorded as MADR and
adr-tools do: a status per proposal, the evidence, and what happened later ("superseded by").
Every proposal and argument carries the exact words it comes from (`Quote`), so a reader can
check the map against the thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Where a proposal stands: in the thread, or later in the kernel's history."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    MERGED_LATER = "merged-later"


@dataclass(frozen=True)
class Recorded:
    """Who put an entry on the map, and when (UTC): the local user, or `--as NAME`."""

    by: str
    at: datetime

    def describe(self) -> str:
        return f"{self.by} on {self.at:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class Person:
    """Someone who takes part in (or is credited in) the thread, with the names used for them."""

    name: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Quote:
    """Words from one message: who they are credited to, who wrote the message, when, and what.

    `by` is the person the words express (Andrea, for his fixes described in Nick's changelog);
    `writer` is the message's author. `date` is the archive's wall-clock time, "YYYY-MM-DD HH:MM".
    `message_id` is filled in once the quote has been found in a message body.
    """

    by: str
    writer: str
    date: str
    text: str
    message_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "writer": self.writer,
            "date": self.date,
            "quote": self.text,
            "message_id": self.message_id,
        }


@dataclass(frozen=True)
class Topic:
    """An area of the discussion, with the words a reader may look it up by."""

    id: str
    title: str
    keywords: tuple[str, ...] = ()
    recorded: Recorded | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Proposal:
    """A position on a question; `policy` names the VM model policy that replays it, if any."""

    id: str
    question_id: str
    title: str
    sources: tuple[Quote, ...]
    policy: str | None = None
    policy_note: str | None = None
    recorded: Recorded | None = field(default=None, compare=False)

    @property
    def by(self) -> str:
        """The person who first made the proposal (its first source)."""
        return self.sources[0].by


@dataclass(frozen=True)
class Claim:
    """What an argument asserts about the model, so it can be compared with a computed outcome.

    Exactly one kind is set: `result` (the syscall is "allowed", "refused" or "emulated" for the
    workload), `invariant` with `holds`, or `cost` with `grows` (the cost grows with the size).
    `policy` names the policy the claim is about when it is not the proposal's own (a claim
    about the status quo made in support of a change is about STATUS_QUO).
    """

    workload: str
    result: str | None = None
    invariant: str | None = None
    holds: bool | None = None
    cost: str | None = None
    grows: bool | None = None
    policy: str | None = None

    def describe(self) -> str:
        under = f" under {self.policy}" if self.policy else ""
        if self.result is not None:
            return f"{self.workload}: {self.result}{under}"
        if self.invariant is not None:
            state = "holds" if self.holds else "broken"
            return f"{self.workload}: {self.invariant} {state}{under}"
        return f"{self.workload}: {self.cost} cost {'grows' if self.grows else 'bounded'}{under}"


@dataclass(frozen=True)
class Argument:
    """A reason given in the thread; it supports and/or attacks proposals or other arguments."""

    id: str
    quote: Quote
    supports: tuple[str, ...] = ()
    attacks: tuple[str, ...] = ()
    about: Claim | None = None
    recorded: Recorded | None = field(default=None, compare=False)

    @property
    def is_objection(self) -> bool:
        return bool(self.attacks)

    @property
    def by(self) -> str:
        return self.quote.by


@dataclass(frozen=True)
class LaterEvent:
    """What happened after the thread: a commit (abbreviated id when known), a release, a note."""

    commit: str | None = None
    title: str | None = None
    release: str | None = None
    note: str | None = None

    def describe(self) -> str:
        parts = [p for p in (self.commit, f'"{self.title}"' if self.title else None) if p]
        if self.release:
            parts.append(f"({self.release})")
        if self.note:
            parts.append(f"— {self.note}" if parts else self.note)
        return " ".join(parts)


@dataclass(frozen=True)
class ProposalStatus:
    """The decision on one proposal, with the arguments that show it and its later history."""

    proposal_id: str
    status: Status
    summary: str
    evidence: tuple[str, ...] = ()
    superseded_by: str | None = None
    later: tuple[LaterEvent, ...] = ()
    recorded: Recorded | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Decision:
    """The status of every decided proposal of one question."""

    question_id: str
    statuses: tuple[ProposalStatus, ...]


@dataclass(frozen=True)
class Question:
    """An issue under discussion, with its proposals."""

    id: str
    topic_id: str
    title: str
    proposals: tuple[Proposal, ...]
    keywords: tuple[str, ...] = ()
    recorded: Recorded | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ThreadLocator:
    """How a map finds its thread: the title and the first message's author and date or id."""

    title: str
    first_by: str
    first_date: str
    source: str | None = None
    timezone: str | None = None  # an IANA zone; map dates are wall-clock times there
    first_message_id: str | None = None


class CorrectedField(StrEnum):
    """What a person may correct of a message that an importer had to infer."""

    AUTHOR = "author"
    PARENT = "parent"
    DATE = "date"


@dataclass(frozen=True)
class Correction:
    """A person's correction of a message's author ("Name <addr>"), parent (an id) or date.

    It travels with the map file, so a thread's map and its corrections are shared together.
    """

    message_id: str
    field: CorrectedField
    value: str
    recorded: Recorded | None = None


@dataclass(frozen=True)
class DiscussionMap:
    """A thread's curated map; lookups by id are what the CLI, the UI and the store need."""

    path: str
    thread: ThreadLocator
    people: tuple[Person, ...]
    topics: tuple[Topic, ...]
    questions: tuple[Question, ...]
    arguments: tuple[Argument, ...]
    decisions: tuple[Decision, ...]
    corrections: tuple[Correction, ...] = ()
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def proposals(self) -> Iterator[Proposal]:
        for question in self.questions:
            yield from question.proposals

    def quotes(self) -> Iterator[tuple[str, Quote]]:
        """Every quote with the id of the entry it belongs to, proposals first."""
        for proposal in self.proposals():
            for source in proposal.sources:
                yield proposal.id, source
        for argument in self.arguments:
            yield argument.id, argument.quote

    def _lookup(self) -> dict[str, Any]:
        if not self._index:
            for kind, items in (
                ("topic", self.topics),
                ("question", self.questions),
                ("proposal", tuple(self.proposals())),
                ("argument", self.arguments),
            ):
                for item in items:
                    self._index[item.id] = (kind, item)
        return self._index

    def kind_of(self, entry_id: str) -> str | None:
        """ "topic", "question", "proposal" or "argument" for a known id, else None."""
        found = self._lookup().get(entry_id)
        return None if found is None else str(found[0])

    def proposal(self, proposal_id: str) -> Proposal:
        kind, item = self._lookup().get(proposal_id, (None, None))
        if kind != "proposal":
            raise KeyError(proposal_id)
        assert isinstance(item, Proposal)
        return item

    def argument(self, argument_id: str) -> Argument:
        kind, item = self._lookup().get(argument_id, (None, None))
        if kind != "argument":
            raise KeyError(argument_id)
        assert isinstance(item, Argument)
        return item

    def question(self, question_id: str) -> Question:
        kind, item = self._lookup().get(question_id, (None, None))
        if kind != "question":
            raise KeyError(question_id)
        assert isinstance(item, Question)
        return item

    def arguments_on(self, target_id: str) -> list[Argument]:
        """The arguments that support or attack an entry, in map order."""
        return [a for a in self.arguments if target_id in a.supports or target_id in a.attacks]

    def argument_tree(self, target_id: str, depth: int = 2) -> list[Argument]:
        """The arguments on an entry and, to `depth` levels, the arguments on those; map order."""
        found: list[Argument] = []
        frontier = [target_id]
        for _level in range(depth):
            layer = [a for t in frontier for a in self.arguments_on(t) if a not in found]
            found.extend(dict.fromkeys(layer))
            frontier = [a.id for a in layer]
        return found

    def status_of(self, proposal_id: str) -> ProposalStatus | None:
        for decision in self.decisions:
            for status in decision.statuses:
                if status.proposal_id == proposal_id:
                    return status
        return None

    def person(self, name: str) -> Person | None:
        """The person a name or alias denotes (case-insensitive), if the map lists them."""
        wanted = name.casefold()
        for person in self.people:
            if any(n.casefold() == wanted for n in person.names()):
                return person
        return None


@dataclass(frozen=True)
class StoredMap:
    """A thread's map as the store keeps it: the thread it belongs to, its row, the map."""

    thread_id: int
    map_id: int
    discussion: DiscussionMap
