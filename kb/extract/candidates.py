"""What extraction reads (`SourceMessage`) and what it offers a curator (`Candidate`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

PROPOSAL, OBJECTION, SUPPORT, DECISION = "proposal", "objection", "support", "decision"
KINDS = (PROPOSAL, OBJECTION, SUPPORT, DECISION)
SentenceRef = tuple[str, int]
"""A sentence named by its message's Message-ID and its offset in that message's normalised body."""


@dataclass(frozen=True)
class SourceMessage:
    """A message as extraction reads it.

    `parent_id` is the Message-ID it replies to; `has_patch` says whether its body carries a diff
    (extraction also looks for one itself, so an importer that cannot tell may leave it False).
    """

    message_id: str
    author: str | None
    date: datetime | None
    body: str
    subject: str = ""
    parent_id: str | None = None
    has_patch: bool = False


@dataclass(frozen=True)
class Candidate:
    """A sentence that looks like a proposal, objection, support or decision, and why.

    `sentence` is the author's own words, whitespace-normalised, found at `offset` in
    `kb.quoting.normalize_space(body)`, so an accepted candidate becomes a map quote unchanged.
    `score` (0..1) ranks candidates; `origin` names what found it ("classifier", "series",
    "revision", "trailer", "options", "vote", "maintainer") and `evidence` says why, in words.
    `target` is the candidate this one supports, attacks or decides, when the reply structure
    says so; near-duplicates share a `group`. A decision has a `status` (a kb.discussion.Status
    value); an option of a list has the `question` the list answers; a review comment a later
    revision answered has `addressed_in`, the sentence of that revision that says so.
    `confident` says the score reaches the model's confident threshold: such candidates are
    offered first, the others on request.
    """

    message_id: str
    author: str | None
    date: datetime | None
    kind: str
    sentence: str
    offset: int
    score: float
    origin: str = "classifier"
    evidence: tuple[str, ...] = ()
    target: SentenceRef | None = None
    group: int | None = None
    status: str | None = None
    question: str | None = None
    addressed_in: SentenceRef | None = None
    confident: bool = False

    @property
    def ref(self) -> SentenceRef:
        """How other candidates point at this one."""
        return (self.message_id, self.offset)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready fields; a sentence reference is `[message_id, offset]`."""

        def ref(value: SentenceRef | None) -> list[Any] | None:
            return None if value is None else [value[0], value[1]]

        return {
            "message_id": self.message_id,
            "author": self.author,
            "date": self.date.isoformat() if self.date else None,
            "kind": self.kind,
            "sentence": self.sentence,
            "offset": self.offset,
            "score": self.score,
            "origin": self.origin,
            "evidence": list(self.evidence),
            "target": ref(self.target),
            "group": self.group,
            "status": self.status,
            "question": self.question,
            "addressed_in": ref(self.addressed_in),
            "confident": self.confident,
        }
