"""Extraction candidates: found once per thread, then accepted, rejected or merged by a person.

`refresh` runs kb.extract over a thread's stored messages and keeps the candidates it has not
seen (what people already decided stays decided). Accepting one makes it a map entry through the
decisions service — a proposal, an argument for or against, a decision — with its sentence as the
quote; merging adds it as another source of an existing proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadlore.db.models.decision_map import ExtractCandidate
from threadlore.db.models.messages import Message
from threadlore.db.models.patches import Patch
from threadlore.kb.decisions import DecisionError, DecisionService
from threadlore.kb.discussion import Status
from threadlore.kb.extract import SourceMessage, extract

STATES = ("pending", "accepted", "rejected", "merged")
_CORE = {"message_id", "author", "date", "kind", "sentence", "offset", "score"}
DEFAULT_QUESTION = "What does the thread propose?"


@dataclass(frozen=True)
class CandidateView:
    """A stored candidate as the CLI and the UI show it."""

    id: int
    thread_id: int
    message_id: str
    author: str | None
    date: datetime | None
    kind: str
    sentence: str
    offset: int
    score: float
    origin: str
    details: dict[str, Any]
    state: str
    entry: str | None

    @property
    def confident(self) -> bool:
        """Whether extraction offers it first (its score reached the model's confident
        threshold); a candidate stored before extraction said so counts as confident."""
        return bool(self.details.get("confident", True))

    @property
    def offered_first(self) -> bool:
        """Shown without asking for everything: confident, or already decided."""
        return self.confident or self.state != "pending"

    @property
    def evidence(self) -> tuple[str, ...]:
        """Why the extractor offers it, one short reason each."""
        found = self.details.get("evidence") or self.details.get("cues") or ()
        return tuple(str(e) for e in found)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "thread": self.thread_id,
            "message_id": self.message_id,
            "author": self.author,
            "date": self.date.isoformat() if self.date else None,
            "kind": self.kind,
            "sentence": self.sentence,
            "score": round(self.score, 3),
            "confident": self.confident,
            "origin": self.origin,
            "evidence": list(self.evidence),
            "details": self.details,
            "state": self.state,
            "entry": self.entry,
        }


class CandidateService:
    """Candidates of any thread, decided through one decisions service; the caller commits."""

    def __init__(self, session: Session, decisions: DecisionService) -> None:
        self.session = session
        self.decisions = decisions

    def refresh(self, thread_id: int) -> int:
        """Extract the thread's candidates and store the new ones; how many were new."""
        messages = list(
            self.session.scalars(
                select(Message)
                .where(Message.thread_id == thread_id, Message.placeholder.is_(False))
                .order_by(Message.date_utc, Message.id)
            )
        )
        by_id = {m.message_id: m for m in messages}
        keys = {m.id: m.message_id for m in messages}
        patched = set(
            self.session.scalars(select(Patch.message_id).where(Patch.message_id.in_(list(keys))))
        )
        found = extract(
            SourceMessage(
                m.message_id,
                self.decisions.name_of(m),
                m.date,
                m.body,
                subject=m.subject,
                parent_id=keys.get(m.parent_id) if m.parent_id is not None else None,
                has_patch=m.id in patched,
            )
            for m in messages
        )
        stored = {
            (c.message_id, c.kind, c.offset)
            for c in self.session.scalars(
                select(ExtractCandidate).where(
                    ExtractCandidate.message_id.in_([m.id for m in messages])
                )
            )
        }
        added = 0
        for candidate in found:
            pk = by_id[candidate.message_id].id
            if (pk, candidate.kind, candidate.offset) in stored:
                continue
            stored.add((pk, candidate.kind, candidate.offset))
            said = candidate.as_json()
            self.session.add(
                ExtractCandidate(
                    message_id=pk,
                    kind=candidate.kind,
                    offset=candidate.offset,
                    sentence=candidate.sentence,
                    score=float(candidate.score),
                    origin=str(said.get("origin", "cues")),
                    details={k: v for k, v in said.items() if k not in _CORE | {"origin"}},
                    state="pending",
                )
            )
            added += 1
        self.session.flush()
        return added

    def of_thread(self, thread_id: int, state: str | None = None) -> list[CandidateView]:
        """The thread's candidates (in one state, if given), strongest first.

        A candidate whose entry is no longer on the map (the acceptance was undone, the entry
        removed) is pending again.
        """
        query = (
            select(ExtractCandidate, Message)
            .join(Message, Message.id == ExtractCandidate.message_id)
            .where(Message.thread_id == thread_id)
            .order_by(ExtractCandidate.score.desc(), Message.date_utc, ExtractCandidate.offset)
        )
        on_map = self.decisions.entry_ids(thread_id)
        views = [self._view(c, m, on_map) for c, m in self.session.execute(query).all()]
        return [v for v in views if state is None or v.state == state]

    def _view(
        self, candidate: ExtractCandidate, message: Message, on_map: set[str]
    ) -> CandidateView:
        assert message.thread_id is not None
        state, entry = candidate.state, candidate.entry_slug
        if entry is not None and entry not in on_map:
            state, entry = "pending", None
        return CandidateView(
            id=candidate.id,
            thread_id=message.thread_id,
            message_id=message.message_id,
            author=self.decisions.name_of(message),
            date=message.date,
            kind=candidate.kind,
            sentence=candidate.sentence,
            offset=candidate.offset,
            score=candidate.score,
            origin=candidate.origin,
            details=candidate.details,
            state=state,
            entry=entry,
        )

    def _rows(self, thread_id: int, ids: Sequence[int]) -> list[tuple[ExtractCandidate, Message]]:
        rows = {
            c.id: (c, m)
            for c, m in self.session.execute(
                select(ExtractCandidate, Message)
                .join(Message, Message.id == ExtractCandidate.message_id)
                .where(Message.thread_id == thread_id, ExtractCandidate.id.in_(ids))
            ).all()
        }
        missing = [i for i in ids if i not in rows]
        if missing:
            raise DecisionError(f"no candidate {missing[0]} in thread {thread_id}")
        return [rows[i] for i in ids]

    def reject(self, thread_id: int, ids: Sequence[int]) -> None:
        """Mark candidates rejected (they stay, so extracting again does not offer them)."""
        for candidate, _message in self._rows(thread_id, ids):
            candidate.state = "rejected"
        self.session.flush()

    def _target(self, thread_id: int, candidate: ExtractCandidate, given: str | None) -> str:
        """The map entry an argument or decision is about: given, or the one its target became."""
        if given is not None:
            return given
        target = candidate.details.get("target")
        if target:
            message_id, offset = target
            became = self.session.scalar(
                select(ExtractCandidate.entry_slug)
                .join(Message, Message.id == ExtractCandidate.message_id)
                .where(
                    Message.message_id == message_id,
                    ExtractCandidate.offset == offset,
                    ExtractCandidate.entry_slug.is_not(None),
                )
            )
            if became:
                return became
        raise DecisionError(
            f"candidate {candidate.id} is a {candidate.kind}: say which proposal or argument "
            "it is about (--target ID)"
        )

    def accept(
        self,
        thread_id: int,
        ids: Sequence[int],
        *,
        question: str | None = None,
        topic: str | None = None,
        target: str | None = None,
        sentence: str | None = None,
    ) -> list[str]:
        """Make candidates map entries, in one undoable action; the entry ids, in order.

        `sentence` replaces a single candidate's words (they must still be the message's own).
        """
        if sentence is not None and len(ids) != 1:
            raise DecisionError("edit the words of one candidate at a time")
        made: list[str] = []
        with self.decisions.action("accept candidates"):
            for candidate, message in self._rows(thread_id, ids):
                words = sentence or candidate.sentence
                if candidate.kind == "proposal":
                    asked = question or candidate.details.get("question") or DEFAULT_QUESTION
                    slug = self.decisions.add_proposal(
                        thread_id, message.message_id, words, question=asked, topic=topic
                    )
                elif candidate.kind == "decision":
                    about = self._target(thread_id, candidate, target)
                    status = Status(candidate.details.get("status") or Status.ACCEPTED.value)
                    self.decisions.set_status(
                        about,
                        status,
                        thread_id=thread_id,
                        evidence_quote=(message.message_id, words),
                    )
                    slug = about
                else:
                    about = self._target(thread_id, candidate, target)
                    relation = "attacks" if candidate.kind == "objection" else "supports"
                    slug = self.decisions.add_argument(
                        thread_id, message.message_id, words, **{relation: [about]}
                    )
                candidate.state, candidate.entry_slug = "accepted", slug
                made.append(slug)
        self.session.flush()
        return made

    def merge(self, thread_id: int, ids: Sequence[int], into: str) -> None:
        """Add candidates' sentences as more sources of an existing proposal."""
        with self.decisions.action("merge candidates"):
            for candidate, message in self._rows(thread_id, ids):
                self.decisions.add_source(
                    into, message.message_id, candidate.sentence, thread_id=thread_id
                )
                candidate.state, candidate.entry_slug = "merged", into
        self.session.flush()
