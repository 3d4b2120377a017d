"""Stored decision maps read back as kb.discussion maps, with each quote's message id."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadlore.db.models.discussion import (
    ArgumentTarget,
    DecisionEvidence,
    DiscussionArgument,
    DiscussionDecision,
    DiscussionMapRecord,
    DiscussionPerson,
    DiscussionProposal,
    DiscussionQuestion,
    DiscussionQuote,
    DiscussionTopic,
    LaterEventRecord,
    PolicyLink,
)
from threadlore.db.models.messages import Message
from threadlore.kb.discussion import (
    Argument,
    Claim,
    Decision,
    DiscussionMap,
    LaterEvent,
    Person,
    Proposal,
    ProposalStatus,
    Question,
    Quote,
    Status,
    ThreadLocator,
    Topic,
)

_Row = TypeVar("_Row")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.split("\n") if line)


def _rows(session: Session, model: type[_Row], map_id: int) -> list[_Row]:
    return list(
        session.scalars(
            select(model)
            .where(model.map_id == map_id)  # type: ignore[attr-defined]
            .order_by(model.position, model.id)  # type: ignore[attr-defined]
        )
    )


def _rebuild(session: Session, record: DiscussionMapRecord) -> DiscussionMap:
    map_id = record.id
    topics = _rows(session, DiscussionTopic, map_id)
    topic_slugs = {t.id: t.slug for t in topics}
    proposals = _rows(session, DiscussionProposal, map_id)
    proposal_slugs = {p.id: p.slug for p in proposals}
    arguments = _rows(session, DiscussionArgument, map_id)
    argument_slugs = {a.id: a.slug for a in arguments}
    message_ids = {
        pk: message_id
        for pk, message_id in session.execute(
            select(Message.id, Message.message_id).where(
                Message.id.in_(
                    select(DiscussionQuote.message_id).where(DiscussionQuote.map_id == map_id)
                )
            )
        )
    }
    quotes: dict[tuple[str, int], list[Quote]] = defaultdict(list)
    for q in _rows(session, DiscussionQuote, map_id):
        owner = ("proposal", q.proposal_id) if q.proposal_id else ("argument", q.argument_id or 0)
        quotes[owner].append(
            Quote(q.by_name, q.writer_name, q.date_text, q.text, message_ids[q.message_id])
        )
    policies: dict[int, list[str]] = defaultdict(list)
    for link in _rows(session, PolicyLink, map_id):
        policies[link.proposal_id].append(link.policy)
    targets: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in _rows(session, ArgumentTarget, map_id):
        slug = (
            proposal_slugs[t.proposal_id]
            if t.proposal_id
            else argument_slugs[t.target_argument_id or 0]
        )
        targets[t.argument_id][t.relation].append(slug)
    questions = [
        Question(
            id=q.slug,
            topic_id=topic_slugs[q.topic_id],
            title=q.title,
            keywords=_lines(q.keywords),
            proposals=tuple(
                Proposal(
                    id=p.slug,
                    question_id=q.slug,
                    title=p.title,
                    sources=tuple(quotes[("proposal", p.id)]),
                    policy="+".join(policies[p.id]) or None,
                    policy_note=p.policy_note,
                )
                for p in proposals
                if p.question_id == q.id
            ),
        )
        for q in _rows(session, DiscussionQuestion, map_id)
    ]
    evidence: dict[int, list[str]] = defaultdict(list)
    for e in _rows(session, DecisionEvidence, map_id):
        evidence[e.decision_id].append(argument_slugs[e.argument_id])
    later: dict[int, list[LaterEvent]] = defaultdict(list)
    for event in _rows(session, LaterEventRecord, map_id):
        later[event.decision_id].append(
            LaterEvent(event.commit, event.title, event.release, event.note)
        )
    decision_rows = list(
        session.scalars(
            select(DiscussionDecision)
            .where(DiscussionDecision.map_id == map_id)
            .order_by(DiscussionDecision.id)
        )
    )
    question_of = {p.id: q.id for q in questions for p in q.proposals}
    statuses: dict[str, list[ProposalStatus]] = defaultdict(list)
    for d in decision_rows:
        slug = proposal_slugs[d.proposal_id]
        statuses[question_of[slug]].append(
            ProposalStatus(
                proposal_id=slug,
                status=Status(d.status),
                summary=d.summary,
                evidence=tuple(evidence[d.id]),
                superseded_by=proposal_slugs[d.superseded_by_id] if d.superseded_by_id else None,
                later=tuple(later[d.id]),
            )
        )
    return DiscussionMap(
        path=record.path,
        thread=ThreadLocator(
            record.title, record.first_by, record.first_date, record.source, record.timezone
        ),
        people=tuple(
            Person(p.name, _lines(p.aliases)) for p in _rows(session, DiscussionPerson, map_id)
        ),
        topics=tuple(Topic(t.slug, t.title, _lines(t.keywords)) for t in topics),
        questions=tuple(questions),
        arguments=tuple(
            Argument(
                id=a.slug,
                quote=quotes[("argument", a.id)][0],
                supports=tuple(targets[a.id]["supports"]),
                attacks=tuple(targets[a.id]["attacks"]),
                about=_claim(a),
            )
            for a in arguments
        ),
        decisions=tuple(Decision(q.id, tuple(statuses[q.id])) for q in questions if statuses[q.id]),
    )


def _claim(row: DiscussionArgument) -> Claim | None:
    if row.claim_workload is None:
        return None
    return Claim(
        row.claim_workload,
        row.claim_result,
        row.claim_invariant,
        row.claim_holds,
        row.claim_cost,
        row.claim_grows,
    )


@dataclass(frozen=True)
class StoredMap:
    """A map as stored for one thread."""

    thread_id: int
    discussion: DiscussionMap


def stored_maps(session: Session, thread_id: int | None = None) -> list[StoredMap]:
    """Every map in the store (or those of one thread), rebuilt as kb.discussion maps."""
    query = select(DiscussionMapRecord).order_by(DiscussionMapRecord.id)
    if thread_id is not None:
        query = query.where(DiscussionMapRecord.thread_id == thread_id)
    return [StoredMap(r.thread_id, _rebuild(session, r)) for r in session.scalars(query)]
