"""Load curated decision maps into the store for the threads they describe.

`load_maps_for_thread` is what importing a thread calls: it finds the shipped maps whose first
message is in the thread, checks every quote against the stored bodies, and writes the map's rows
(once: a map already stored with the same digest is left alone; a changed one is replaced).
db.discussion_queries reads them back.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
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
from threadlore.db.models.messages import Message, Recipient
from threadlore.db.models.people import Alias
from threadlore.kb.discussion import (
    DiscussionMap,
    Person,
    Quote,
)
from threadlore.kb.map_loader import (
    DATE_FORMAT,
    MAPS_DIR,
    ThreadMessage,
    load_map,
    locate_quotes,
    message_date_text,
)

# Children first, so that deleting a map's rows never trips a foreign key.
_MAP_TABLES = (
    LaterEventRecord,
    DecisionEvidence,
    DiscussionDecision,
    DiscussionQuote,
    ArgumentTarget,
    DiscussionArgument,
    PolicyLink,
    DiscussionProposal,
    DiscussionQuestion,
    DiscussionTopic,
    DiscussionPerson,
)


@dataclass(frozen=True)
class MapLoad:
    """What loading one map for one thread did: "loaded", "replaced" or "unchanged"."""

    path: str
    thread_id: int
    action: str


def _thread_messages(
    session: Session, thread_id: int
) -> tuple[list[ThreadMessage], list[ThreadMessage]]:
    """The thread's own messages, and those of every source file they came from.

    Quotes are looked up in the wider set, so a message the importer could not attach to the
    thread (a parent it had to guess) still backs the map's quotes.
    """
    sources = select(Message.source_id).where(Message.thread_id == thread_id).distinct()
    rows = session.scalars(
        select(Message)
        .where(
            Message.placeholder.is_(False),
            (Message.thread_id == thread_id) | Message.source_id.in_(sources),
        )
        .order_by(Message.id)
    ).all()
    names: dict[int, list[str]] = defaultdict(list)
    for message_pk, name, email in session.execute(
        select(Recipient.message_id, Recipient.name, Recipient.email).where(
            Recipient.message_id.in_([m.id for m in rows])
        )
    ):
        names[message_pk].extend(text for text in (name, email) if text)
    every = [
        ThreadMessage(
            message_id=m.message_id,
            author=m.author_name or m.author_email,
            date=m.date,
            body=m.body,
            names=(*(n for n in (m.author_name, m.author_email) if n), *names[m.id]),
        )
        for m in rows
    ]
    own = [t for t, m in zip(every, rows, strict=True) if m.thread_id == thread_id]
    return own, every


def _starts_thread(discussion: DiscussionMap, messages: Sequence[ThreadMessage]) -> bool:
    """Whether the map's first message (author and date) is among these messages."""
    first = discussion.thread
    person = discussion.person(first.first_by)
    names = {n.casefold() for n in person.names()} if person else {first.first_by.casefold()}
    return any(
        message_date_text(m.date, first.timezone) == first.first_date
        and (m.author or "").casefold() in names
        for m in messages
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_maps_for_thread(
    session: Session, thread_id: int, map_paths: Sequence[Path] | None = None
) -> list[MapLoad]:
    """Store every map (shipped ones by default) that describes this thread; idempotent.

    Raises kb.map_loader.MapError (one line: file, entry, problem) when a map that belongs to
    the thread quotes words its messages do not contain. The caller commits.
    """
    paths = sorted(MAPS_DIR.glob("*.yaml")) if map_paths is None else list(map_paths)
    own, messages = _thread_messages(session, thread_id)
    loads: list[MapLoad] = []
    for path in paths:
        discussion = load_map(path)
        if not _starts_thread(discussion, own):
            continue
        digest = _digest(path)
        existing = session.scalar(
            select(DiscussionMapRecord).where(
                DiscussionMapRecord.thread_id == thread_id,
                DiscussionMapRecord.path == str(path),
            )
        )
        if existing is not None and existing.digest == digest:
            loads.append(MapLoad(str(path), thread_id, "unchanged"))
            continue
        located = locate_quotes(discussion, messages)
        if existing is not None:
            _delete_map_rows(session, existing.id)
            session.delete(existing)
            session.flush()
        _write_map(session, thread_id, located, digest)
        loads.append(MapLoad(str(path), thread_id, "replaced" if existing else "loaded"))
    return loads


def _first_message_threads(session: Session, discussion: DiscussionMap) -> list[int]:
    """Threads holding a message sent in the minute the map's first message was sent."""
    first = discussion.thread
    wall = datetime.strptime(first.first_date, DATE_FORMAT)
    if first.timezone is not None:
        wall = wall.replace(tzinfo=ZoneInfo(first.timezone))
    start = wall.astimezone(UTC).replace(tzinfo=None) if wall.tzinfo else wall
    found = session.scalars(
        select(Message.thread_id)
        .where(Message.date_utc >= start, Message.date_utc < start + timedelta(minutes=1))
        .distinct()
    )
    return [thread_id for thread_id in found if thread_id is not None]


def load_shipped_maps(session: Session) -> list[MapLoad]:
    """Bring every thread that a shipped map describes up to date with that map; idempotent.

    Commands that read decisions call this first, so a map edited (or added) since the thread
    was imported is picked up without importing again.
    """
    loads: list[MapLoad] = []
    for path in sorted(MAPS_DIR.glob("*.yaml")):
        for thread_id in _first_message_threads(session, load_map(path)):
            loads.extend(load_maps_for_thread(session, thread_id, [path]))
    return loads


def _delete_map_rows(session: Session, map_id: int) -> None:
    for table in _MAP_TABLES:
        session.execute(delete(table).where(table.map_id == map_id))


def _person_ids(session: Session, person: Person) -> int | None:
    keys = [n.casefold() for n in person.names()]
    return session.scalar(select(Alias.person_id).where(Alias.key.in_(keys)).limit(1))


def _write_map(session: Session, thread_id: int, discussion: DiscussionMap, digest: str) -> None:
    thread = discussion.thread
    record = DiscussionMapRecord(
        thread_id=thread_id,
        path=discussion.path,
        digest=digest,
        title=thread.title,
        first_by=thread.first_by,
        first_date=thread.first_date,
        source=thread.source,
        timezone=thread.timezone,
    )
    session.add(record)
    session.flush()
    map_id = record.id
    message_pks = {
        message_id: pk
        for message_id, pk in session.execute(
            select(Message.message_id, Message.id).where(
                Message.message_id.in_({q.message_id for _e, q in discussion.quotes()})
            )
        )
    }
    for position, person in enumerate(discussion.people):
        session.add(
            DiscussionPerson(
                map_id=map_id,
                position=position,
                name=person.name,
                aliases="\n".join(person.aliases),
                person_id=_person_ids(session, person),
            )
        )
    topic_rows = {
        t.id: DiscussionTopic(
            map_id=map_id, position=i, slug=t.id, title=t.title, keywords="\n".join(t.keywords)
        )
        for i, t in enumerate(discussion.topics)
    }
    session.add_all(topic_rows.values())
    session.flush()
    proposal_rows: dict[str, DiscussionProposal] = {}
    for qi, question in enumerate(discussion.questions):
        question_row = DiscussionQuestion(
            map_id=map_id,
            topic_id=topic_rows[question.topic_id].id,
            position=qi,
            slug=question.id,
            title=question.title,
            keywords="\n".join(question.keywords),
        )
        session.add(question_row)
        session.flush()
        for pi, proposal in enumerate(question.proposals):
            row = DiscussionProposal(
                map_id=map_id,
                question_id=question_row.id,
                position=pi,
                slug=proposal.id,
                title=proposal.title,
                policy_note=proposal.policy_note,
            )
            session.add(row)
            proposal_rows[proposal.id] = row
    session.flush()
    argument_rows = {
        a.id: DiscussionArgument(
            map_id=map_id,
            position=i,
            slug=a.id,
            claim_workload=a.about.workload if a.about else None,
            claim_result=a.about.result if a.about else None,
            claim_invariant=a.about.invariant if a.about else None,
            claim_holds=a.about.holds if a.about else None,
            claim_cost=a.about.cost if a.about else None,
            claim_grows=a.about.grows if a.about else None,
        )
        for i, a in enumerate(discussion.arguments)
    }
    session.add_all(argument_rows.values())
    session.flush()

    def quote_row(quote: Quote, position: int) -> DiscussionQuote:
        assert quote.message_id is not None  # locate_quotes filled it
        return DiscussionQuote(
            map_id=map_id,
            position=position,
            by_name=quote.by,
            writer_name=quote.writer,
            date_text=quote.date,
            text=quote.text,
            message_id=message_pks[quote.message_id],
        )

    for proposal in discussion.proposals():
        row = proposal_rows[proposal.id]
        for i, source in enumerate(proposal.sources):
            quote = quote_row(source, i)
            quote.proposal_id = row.id
            session.add(quote)
        for i, policy in enumerate((proposal.policy or "").split("+") if proposal.policy else ()):
            session.add(PolicyLink(map_id=map_id, proposal_id=row.id, position=i, policy=policy))
    for argument in discussion.arguments:
        row_id = argument_rows[argument.id].id
        quote = quote_row(argument.quote, 0)
        quote.argument_id = row_id
        session.add(quote)
        relations = [("supports", t) for t in argument.supports]
        relations += [("attacks", t) for t in argument.attacks]
        for i, (relation, target) in enumerate(relations):
            session.add(
                ArgumentTarget(
                    map_id=map_id,
                    argument_id=row_id,
                    position=i,
                    relation=relation,
                    proposal_id=proposal_rows[target].id if target in proposal_rows else None,
                    target_argument_id=argument_rows[target].id
                    if target in argument_rows
                    else None,
                )
            )
    for decision in discussion.decisions:
        for status in decision.statuses:
            decision_row = DiscussionDecision(
                map_id=map_id,
                proposal_id=proposal_rows[status.proposal_id].id,
                status=status.status.value,
                summary=status.summary,
                superseded_by_id=proposal_rows[status.superseded_by].id
                if status.superseded_by
                else None,
            )
            session.add(decision_row)
            session.flush()
            for i, evidence in enumerate(status.evidence):
                session.add(
                    DecisionEvidence(
                        map_id=map_id,
                        decision_id=decision_row.id,
                        position=i,
                        argument_id=argument_rows[evidence].id,
                    )
                )
            for i, event in enumerate(status.later):
                session.add(
                    LaterEventRecord(
                        map_id=map_id,
                        decision_id=decision_row.id,
                        position=i,
                        commit=event.commit,
                        title=event.title,
                        release=event.release,
                        note=event.note,
                    )
                )
    session.flush()
