"""Extraction candidates in the store: found once per thread, then accepted or rejected by a user.

`refresh_candidates` runs kb.extract over a thread's stored messages and adds the candidates it
has not seen (a user's earlier verdicts are kept); `decide_candidates` records accept/reject; the
accepted ones become a starter map (`starter_map_yaml`) that a person refines and ships in kb/maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from threadlore.db.models.discussion import ExtractedCandidate
from threadlore.db.models.messages import Message
from threadlore.kb.extract import Candidate, SourceMessage, extract, starter_map

STATES = ("pending", "accepted", "rejected")


@dataclass(frozen=True)
class CandidateView:
    """A stored candidate as the CLI and the UI show it."""

    id: int
    message_id: str
    author: str | None
    date: datetime | None
    kind: str
    sentence: str
    cues: tuple[str, ...]
    score: int
    state: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "message_id": self.message_id,
            "author": self.author,
            "date": self.date.isoformat() if self.date else None,
            "kind": self.kind,
            "sentence": self.sentence,
            "cues": list(self.cues),
            "score": self.score,
            "state": self.state,
        }


def _messages(session: Session, thread_id: int) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.thread_id == thread_id, Message.placeholder.is_(False))
            .order_by(Message.date_utc, Message.id)
        )
    )


def refresh_candidates(session: Session, thread_id: int) -> list[CandidateView]:
    """Extract the thread's candidates, store the new ones, and list them all, strongest first."""
    messages = _messages(session, thread_id)
    by_id = {m.message_id: m for m in messages}
    found = extract(
        SourceMessage(m.message_id, m.author_name or m.author_email, m.date, m.body)
        for m in messages
    )
    stored = {
        (c.message_id, c.kind, c.offset)
        for c in session.scalars(
            select(ExtractedCandidate).where(ExtractedCandidate.thread_id == thread_id)
        )
    }
    for candidate in found:
        message = by_id[candidate.message_id]
        if (message.id, candidate.kind, candidate.offset) in stored:
            continue
        session.add(
            ExtractedCandidate(
                thread_id=thread_id,
                message_id=message.id,
                kind=candidate.kind,
                offset=candidate.offset,
                cue=", ".join(candidate.cues)[:255],
                sentence=candidate.sentence,
                score=candidate.score,
                state="pending",
            )
        )
    session.flush()
    return list_candidates(session, thread_id)


def list_candidates(
    session: Session, thread_id: int, state: str | None = None
) -> list[CandidateView]:
    """The thread's stored candidates (optionally in one state), strongest first."""
    query = (
        select(ExtractedCandidate, Message)
        .join(Message, Message.id == ExtractedCandidate.message_id)
        .where(ExtractedCandidate.thread_id == thread_id)
        .order_by(ExtractedCandidate.score.desc(), Message.date_utc, ExtractedCandidate.offset)
    )
    if state is not None:
        query = query.where(ExtractedCandidate.state == state)
    return [
        CandidateView(
            id=c.id,
            message_id=m.message_id,
            author=m.author_name or m.author_email,
            date=m.date,
            kind=c.kind,
            sentence=c.sentence,
            cues=tuple(c.cue.split(", ")) if c.cue else (),
            score=c.score,
            state=c.state,
        )
        for c, m in session.execute(query).all()
    ]


def decide_candidates(
    session: Session, thread_id: int, candidate_ids: Sequence[int], state: str
) -> None:
    """Mark candidates accepted, rejected or pending again; LookupError names an unknown id."""
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}")
    rows = {
        c.id: c
        for c in session.scalars(
            select(ExtractedCandidate).where(
                ExtractedCandidate.thread_id == thread_id,
                ExtractedCandidate.id.in_(candidate_ids),
            )
        )
    }
    for candidate_id in candidate_ids:
        if candidate_id not in rows:
            raise LookupError(f"no candidate {candidate_id} in thread {thread_id}")
        rows[candidate_id].state = state
    session.flush()


def starter_map_yaml(session: Session, thread_id: int, title: str) -> str:
    """A YAML map of the thread's accepted candidates (see kb.extract.starter_map)."""
    accepted = [
        Candidate(v.message_id, v.author, v.date, v.kind, v.sentence, 0, v.cues, v.score)
        for v in list_candidates(session, thread_id, "accepted")
    ]
    if not accepted:
        raise LookupError(f"no accepted candidates in thread {thread_id}; accept some first")
    document = starter_map(title, accepted)
    header = "# Starter map written by `threadlore extract --as-map`: review every entry.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
