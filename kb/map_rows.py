"""A decision map taken apart into entry snapshots, and put back together from them.

A snapshot is one entry as plain JSON-able data — kind, slug, position, kind-specific fields, who
recorded it, and its quotes with their Message-IDs. It is what the store's `map_entries` rows
hold (db/models/decision_map.py) and what the journal keeps before and after each change, so
that storing, comparing and undoing an entry all go through these two functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from threadlore.kb.discussion import (
    Argument,
    Claim,
    Correction,
    Decision,
    DiscussionMap,
    LaterEvent,
    Person,
    Proposal,
    ProposalStatus,
    Question,
    Quote,
    Recorded,
    Status,
    ThreadLocator,
    Topic,
)

Snapshot = dict[str, Any]
KINDS = ("topic", "question", "proposal", "argument")


def _recorded_json(recorded: Recorded | None) -> dict[str, str] | None:
    if recorded is None:
        return None
    return {"by": recorded.by, "at": recorded.at.isoformat()}


def _recorded(value: dict[str, str] | None) -> Recorded | None:
    if not value:
        return None
    return Recorded(value["by"], datetime.fromisoformat(value["at"]))


def _quote_json(quote: Quote) -> dict[str, Any]:
    return {
        "message": quote.message_id,
        "by": quote.by,
        "writer": quote.writer,
        "text": quote.text,
    }


def _claim_json(claim: Claim | None) -> dict[str, Any] | None:
    if claim is None:
        return None
    return {
        "workload": claim.workload,
        "result": claim.result,
        "invariant": claim.invariant,
        "holds": claim.holds,
        "cost": claim.cost,
        "grows": claim.grows,
        "policy": claim.policy,
    }


def _decision_json(status: ProposalStatus | None) -> dict[str, Any] | None:
    if status is None:
        return None
    return {
        "status": status.status.value,
        "summary": status.summary,
        "evidence": list(status.evidence),
        "superseded_by": status.superseded_by,
        "later": [{k: v for k, v in vars(e).items() if v is not None} for e in status.later],
        "recorded": _recorded_json(status.recorded),
    }


def snapshot(
    kind: str,
    slug: str,
    position: int,
    fields: dict[str, Any],
    quotes: Sequence[Quote] = (),
    recorded: Recorded | None = None,
) -> Snapshot:
    """One entry as the store and the journal keep it."""
    return {
        "kind": kind,
        "slug": slug,
        "position": position,
        "fields": fields,
        "quotes": [_quote_json(q) for q in quotes],
        "recorded": _recorded_json(recorded),
    }


def snapshots(discussion: DiscussionMap) -> list[Snapshot]:
    """Every entry of a map, in map order: topics, questions, proposals, arguments."""
    found = [
        snapshot(
            "topic",
            t.id,
            i,
            {"title": t.title, "keywords": list(t.keywords)},
            recorded=t.recorded,
        )
        for i, t in enumerate(discussion.topics)
    ]
    found += [
        snapshot(
            "question",
            q.id,
            i,
            {"topic": q.topic_id, "title": q.title, "keywords": list(q.keywords)},
            recorded=q.recorded,
        )
        for i, q in enumerate(discussion.questions)
    ]
    found += [
        snapshot(
            "proposal",
            p.id,
            i,
            {
                "question": p.question_id,
                "title": p.title,
                "policy": p.policy,
                "policy_note": p.policy_note,
                "decision": _decision_json(discussion.status_of(p.id)),
            },
            p.sources,
            p.recorded,
        )
        for i, p in enumerate(discussion.proposals())
    ]
    found += [
        snapshot(
            "argument",
            a.id,
            i,
            {
                "supports": list(a.supports),
                "attacks": list(a.attacks),
                "about": _claim_json(a.about),
            },
            (a.quote,),
            a.recorded,
        )
        for i, a in enumerate(discussion.arguments)
    ]
    return found


def content(entry: Snapshot) -> Snapshot:
    """What an entry says, leaving out who recorded it and its place: to tell a real change."""
    fields = dict(entry["fields"])
    if fields.get("decision"):
        fields["decision"] = {k: v for k, v in fields["decision"].items() if k != "recorded"}
    return {"kind": entry["kind"], "fields": fields, "quotes": entry["quotes"]}


def _quotes(entry: Snapshot, dates: dict[str, str]) -> tuple[Quote, ...]:
    return tuple(
        Quote(q["by"], q["writer"], dates.get(q["message"], ""), q["text"], q["message"])
        for q in entry["quotes"]
    )


def _claim(value: dict[str, Any] | None) -> Claim | None:
    return None if value is None else Claim(**value)


def _status(slug: str, value: dict[str, Any]) -> ProposalStatus:
    return ProposalStatus(
        proposal_id=slug,
        status=Status(value["status"]),
        summary=value["summary"],
        evidence=tuple(value.get("evidence", ())),
        superseded_by=value.get("superseded_by"),
        later=tuple(LaterEvent(**e) for e in value.get("later", ())),
        recorded=_recorded(value.get("recorded")),
    )


def assemble(
    thread: ThreadLocator,
    people: Iterable[Person],
    entries: Iterable[Snapshot],
    *,
    dates: dict[str, str],
    corrections: Sequence[Correction] = (),
    path: str = "",
) -> DiscussionMap:
    """The map these entries make; `dates` gives each quoted message's date as the map writes it.

    People the quotes cite but the list lacks are added by name, so every quote has its person.
    """
    by_kind: dict[str, list[Snapshot]] = defaultdict(list)
    for entry in entries:
        by_kind[entry["kind"]].append(entry)
    for kind in KINDS:
        by_kind[kind].sort(key=lambda e: (e["position"], e["slug"]))
    proposals: dict[str, list[Proposal]] = defaultdict(list)
    statuses: dict[str, list[ProposalStatus]] = defaultdict(list)
    for entry in by_kind["proposal"]:
        fields = entry["fields"]
        proposals[fields["question"]].append(
            Proposal(
                id=entry["slug"],
                question_id=fields["question"],
                title=fields["title"],
                sources=_quotes(entry, dates),
                policy=fields.get("policy"),
                policy_note=fields.get("policy_note"),
                recorded=_recorded(entry["recorded"]),
            )
        )
        if fields.get("decision"):
            statuses[fields["question"]].append(_status(entry["slug"], fields["decision"]))
    questions = tuple(
        Question(
            id=e["slug"],
            topic_id=e["fields"]["topic"],
            title=e["fields"]["title"],
            proposals=tuple(proposals[e["slug"]]),
            keywords=tuple(e["fields"].get("keywords", ())),
            recorded=_recorded(e["recorded"]),
        )
        for e in by_kind["question"]
    )
    arguments = tuple(
        Argument(
            id=e["slug"],
            quote=_quotes(e, dates)[0],
            supports=tuple(e["fields"].get("supports", ())),
            attacks=tuple(e["fields"].get("attacks", ())),
            about=_claim(e["fields"].get("about")),
            recorded=_recorded(e["recorded"]),
        )
        for e in by_kind["argument"]
    )
    listed = list(people)
    known = {n.casefold() for p in listed for n in p.names()}
    for entry in (*by_kind["proposal"], *by_kind["argument"]):
        for quote in entry["quotes"]:
            for name in (quote["by"], quote["writer"]):
                if name.casefold() not in known:
                    listed.append(Person(name))
                    known.add(name.casefold())
    return DiscussionMap(
        path=path,
        thread=thread,
        people=tuple(listed),
        topics=tuple(
            Topic(
                e["slug"],
                e["fields"]["title"],
                tuple(e["fields"].get("keywords", ())),
                _recorded(e["recorded"]),
            )
            for e in by_kind["topic"]
        ),
        questions=questions,
        arguments=arguments,
        decisions=tuple(Decision(q.id, tuple(statuses[q.id])) for q in questions if statuses[q.id]),
        corrections=tuple(corrections),
    )
