"""A decision map written back as the reviewable YAML of kb/maps/README.md.

The writer is the loader's inverse: `parse_map(write_map(m))` gives `m` again, with every quote
naming its message, so a map exported from one store loads into another that holds the thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import yaml

from threadlore.kb.discussion import (
    Argument,
    Claim,
    Correction,
    DiscussionMap,
    LaterEvent,
    Proposal,
    ProposalStatus,
    Question,
    Quote,
    Recorded,
    Topic,
)

HEADER = (
    "# A threadlore decision map (format: kb/maps/README.md). Every quote names its message;\n"
    "# `threadlore map import FILE` loads it into a store that holds the thread.\n"
)


def _at(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _recorded(recorded: Recorded | None) -> dict[str, Any]:
    return {} if recorded is None else {"recorded": {"by": recorded.by, "at": _at(recorded.at)}}


def _quote(quote: Quote) -> dict[str, Any]:
    fields: dict[str, Any] = {"by": quote.by}
    if quote.writer != quote.by:
        fields["writer"] = quote.writer
    if quote.message_id is not None:
        fields["message"] = quote.message_id
    else:
        fields["date"] = quote.date
    fields["quote"] = quote.text
    return fields


def _topic(topic: Topic) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": topic.id, "title": topic.title}
    if topic.keywords:
        fields["keywords"] = list(topic.keywords)
    return fields | _recorded(topic.recorded)


def _proposal(proposal: Proposal) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": proposal.id, "title": proposal.title}
    if proposal.policy:
        fields["policy"] = proposal.policy
    if proposal.policy_note:
        fields["policy_note"] = proposal.policy_note
    fields["sources"] = [_quote(s) for s in proposal.sources]
    return fields | _recorded(proposal.recorded)


def _question(question: Question) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": question.id, "topic": question.topic_id}
    fields["title"] = question.title
    if question.keywords:
        fields["keywords"] = list(question.keywords)
    fields |= _recorded(question.recorded)
    fields["proposals"] = [_proposal(p) for p in question.proposals]
    return fields


def _claim(claim: Claim) -> dict[str, Any]:
    fields: dict[str, Any] = {"workload": claim.workload}
    if claim.result is not None:
        fields["result"] = claim.result
    if claim.invariant is not None:
        fields |= {"invariant": claim.invariant, "holds": claim.holds}
    if claim.cost is not None:
        fields |= {"cost": claim.cost, "grows": claim.grows}
    if claim.policy is not None:
        fields["policy"] = claim.policy
    return fields


def _argument(argument: Argument) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": argument.id}
    if argument.supports:
        fields["supports"] = list(argument.supports)
    if argument.attacks:
        fields["attacks"] = list(argument.attacks)
    fields |= _quote(argument.quote)
    if argument.about is not None:
        fields["about"] = _claim(argument.about)
    return fields | _recorded(argument.recorded)


def _later(event: LaterEvent) -> dict[str, Any]:
    pairs = (
        ("commit", event.commit),
        ("title", event.title),
        ("release", event.release),
        ("note", event.note),
    )
    return {key: value for key, value in pairs if value is not None}


def _outcome(status: ProposalStatus) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "proposal": status.proposal_id,
        "status": status.status.value,
        "summary": status.summary,
    }
    if status.evidence:
        fields["evidence"] = list(status.evidence)
    if status.superseded_by:
        fields["superseded_by"] = status.superseded_by
    if status.later:
        fields["later"] = [_later(e) for e in status.later]
    return fields | _recorded(status.recorded)


def _correction(correction: Correction) -> dict[str, Any]:
    fields = {"message": correction.message_id, correction.field.value: correction.value}
    return fields | _recorded(correction.recorded)


def map_document(discussion: DiscussionMap) -> dict[str, Any]:
    """The map as plain YAML-able data, in the order a reviewer reads it."""
    thread = discussion.thread
    first: dict[str, Any] = {"by": thread.first_by}
    if thread.first_date:
        first["date"] = thread.first_date
    if thread.first_message_id:
        first["message"] = thread.first_message_id
    located: dict[str, Any] = {"title": thread.title}
    if thread.source:
        located["source"] = thread.source
    located["first_message"] = first
    if thread.timezone:
        located["timezone"] = thread.timezone
    document: dict[str, Any] = {
        "thread": located,
        "people": [
            {"name": p.name, **({"aliases": list(p.aliases)} if p.aliases else {})}
            for p in discussion.people
        ],
        "topics": [_topic(t) for t in discussion.topics],
        "questions": [_question(q) for q in discussion.questions],
        "arguments": [_argument(a) for a in discussion.arguments],
    }
    if discussion.decisions:
        document["decisions"] = [
            {"question": d.question_id, "outcomes": [_outcome(s) for s in d.statuses]}
            for d in discussion.decisions
        ]
    if discussion.corrections:
        document["corrections"] = [_correction(c) for c in discussion.corrections]
    return document


class _MapDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Lists of plain words (aliases, keywords, targets) on one line, as a person writes them."""


def _represent_list(dumper: yaml.BaseDumper, items: list[Any]) -> yaml.Node:
    flow = all(isinstance(i, str) and len(i) < 40 for i in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_MapDumper.add_representer(list, _represent_list)


def write_map(discussion: DiscussionMap) -> str:
    """The map as YAML text, headed by a comment on how to load it."""
    body = yaml.dump(
        map_document(discussion),
        Dumper=_MapDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return HEADER + body
