"""A starter map (a YAML-able document in kb/maps' format) built from accepted candidates.

Proposals go under the question their option list answers, or under one general question;
objections and supports attack or support their target when it was accepted too, else the latest
proposal made before them; decisions become outcomes of the proposal they decide, with their
words as the evidence. Every quote names its message (`message: <Message-ID>`), so the map loads
against the same thread whatever its dates and From lines say.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from threadlore.kb.discussion import Status
from threadlore.kb.extract.candidates import (
    DECISION,
    OBJECTION,
    PROPOSAL,
    Candidate,
    SentenceRef,
)

GENERAL_QUESTION = "what-to-do"


def _wall_clock(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "0000-00-00 00:00"


def _source(candidate: Candidate) -> dict[str, str]:
    return {
        "by": candidate.author or "unknown",
        "message": f"<{candidate.message_id}>",
        "quote": candidate.sentence,
    }


def _questions(
    title: str, proposals: Sequence[Candidate], ids: dict[SentenceRef, str]
) -> list[dict[str, Any]]:
    asked: dict[str | None, list[dict[str, Any]]] = {}
    for proposal in proposals:
        asked.setdefault(proposal.question, []).append(
            {
                "id": ids[proposal.ref],
                "title": proposal.sentence[:80],
                "sources": [_source(proposal)],
            }
        )
    questions = []
    for number, (question, entries) in enumerate(asked.items(), start=1):
        questions.append(
            {
                "id": GENERAL_QUESTION if question is None else f"question-{number}",
                "topic": "main",
                "title": question or f"What should be done? ({title})",
                "proposals": entries,
            }
        )
    return questions


def starter_map(title: str, accepted: Sequence[Candidate]) -> dict[str, Any]:
    """A map document (for YAML) built from accepted candidates, for a person to refine.

    Arguments with nothing to attach to (no proposal accepted) are left out, as are decisions on
    proposals that were not accepted.
    """
    ordered = sorted(accepted, key=lambda c: (c.date is None, _wall_clock(c.date), c.offset))
    proposals = [c for c in ordered if c.kind == PROPOSAL]
    ids: dict[SentenceRef, str] = {p.ref: f"proposal-{n}" for n, p in enumerate(proposals, 1)}
    arguments: list[dict[str, Any]] = []
    outcomes: dict[str, list[dict[str, Any]]] = {}
    for candidate in ordered:
        if candidate.kind == PROPOSAL or not proposals:
            continue
        earlier = [p for p in proposals if _wall_clock(p.date) <= _wall_clock(candidate.date)]
        target = ids.get(candidate.target) if candidate.target else None
        target = target or ids[(earlier[-1] if earlier else proposals[0]).ref]
        argument_id = f"argument-{len(arguments) + 1}"
        rejects = candidate.kind == OBJECTION or candidate.status == Status.REJECTED.value
        relation = "attacks" if rejects else "supports"
        if candidate.kind == DECISION and target.startswith("proposal-"):
            outcome: dict[str, Any] = {
                "proposal": target,
                "status": candidate.status or Status.ACCEPTED.value,
                "summary": "; ".join(candidate.evidence) or candidate.sentence[:80],
            }
            if candidate.status == Status.SUPERSEDED.value and candidate.ref in ids:
                outcome["superseded_by"] = ids[candidate.ref]
            if candidate.status != Status.SUPERSEDED.value:
                outcome["evidence"] = [argument_id]
                arguments.append({"id": argument_id, relation: [target], **_source(candidate)})
            question = next((p.question for p in proposals if ids[p.ref] == target), None)
            outcomes.setdefault(question or GENERAL_QUESTION, []).append(outcome)
            continue
        ids[candidate.ref] = argument_id
        arguments.append({"id": argument_id, relation: [target], **_source(candidate)})
    questions = _questions(title, proposals, ids)
    question_ids = {q["title"]: q["id"] for q in questions}
    first = ordered[0] if ordered else None
    return {
        "thread": {
            "title": title,
            "first_message": {
                "by": first.author if first and first.author else "unknown",
                "date": _wall_clock(first.date if first else None),
            },
        },
        "people": [{"name": name} for name in sorted({c.author or "unknown" for c in ordered})],
        "topics": [{"id": "main", "title": title}],
        "questions": questions,
        "arguments": arguments,
        "decisions": [
            {"question": question_ids.get(q, q), "outcomes": entries}
            for q, entries in outcomes.items()
        ],
    }
