"""Commands on decisions: `topics`, `decisions`, `proposal`, `who`."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.orm import Session

from threadlore.cli.options import Settings, UserError, print_json, store_options
from threadlore.cli.store_commands import store_session
from threadlore.cli.terminal import inert, output_width, wrapped
from threadlore.db import queries
from threadlore.kb.decisions import DecisionService
from threadlore.kb.discussion import (
    Argument,
    DiscussionMap,
    Person,
    Proposal,
    Question,
    Recorded,
    StoredMap,
)
from threadlore.kb.export import report_blocks, to_markdown
from threadlore.kb.replay_summary import ProposalReplay, replay_proposal
from threadlore.kb.topics import fold, match_topics
from threadlore.kb.vm.workloads import get_workload

NO_MAPS = (
    "no decision map in the store yet: `threadlore map import FILE.yaml` loads one, "
    "`threadlore map add proposal …` records one, `threadlore extract THREAD` offers candidates"
)


def decision_maps(session: Session, thread: str | None) -> list[StoredMap]:
    """The stored maps (of one thread); UserError when there are none. Reads only."""
    thread_id = queries.resolve_thread(session, thread) if thread else None
    found = DecisionService(session).maps(thread_id)
    if not found:
        raise UserError(
            NO_MAPS
            if thread is None
            else f"thread {thread} has no decision map yet: `threadlore extract {thread}` offers "
            "candidates, `threadlore map add proposal --message MSG --quote …` records one"
        )
    return found


def _recorded_json(recorded: Recorded | None) -> dict[str, str] | None:
    return None if recorded is None else {"by": recorded.by, "at": recorded.at.isoformat()}


def _argument_json(discussion: DiscussionMap, argument: Argument) -> dict[str, Any]:
    return {
        "id": argument.id,
        "by": argument.by,
        "supports": list(argument.supports),
        "attacks": list(argument.attacks),
        "quote": argument.quote.as_json(),
        "claim": argument.about.describe() if argument.about else None,
        "replies": [
            {
                "relation": "attacks" if argument.id in r.attacks else "supports",
                "id": r.id,
                "by": r.by,
                "quote": r.quote.as_json(),
            }
            for r in discussion.arguments_on(argument.id)
        ],
        "recorded": _recorded_json(argument.recorded),
    }


def _proposal_json(discussion: DiscussionMap, proposal: Proposal) -> dict[str, Any]:
    status = discussion.status_of(proposal.id)
    on = discussion.arguments_on(proposal.id)
    return {
        "id": proposal.id,
        "question": proposal.question_id,
        "title": proposal.title,
        "by": proposal.by,
        "policy": proposal.policy,
        "policy_note": proposal.policy_note,
        "sources": [s.as_json() for s in proposal.sources],
        "status": status.status.value if status else None,
        "summary": status.summary if status else None,
        "superseded_by": status.superseded_by if status else None,
        "evidence": list(status.evidence) if status else [],
        "later": [
            {"commit": e.commit, "title": e.title, "release": e.release, "note": e.note}
            for e in (status.later if status else ())
        ],
        "for": [_argument_json(discussion, a) for a in on if proposal.id in a.supports],
        "against": [_argument_json(discussion, a) for a in on if proposal.id in a.attacks],
        "recorded": _recorded_json(proposal.recorded),
    }


def _question_json(stored: StoredMap, question: Question) -> dict[str, Any]:
    discussion = stored.discussion
    return {
        "thread_id": stored.thread_id,
        "topic": question.topic_id,
        "question": question.id,
        "title": question.title,
        "proposals": [_proposal_json(discussion, p) for p in question.proposals],
    }


def _echo_markdown(discussion: DiscussionMap, questions: list[Question]) -> None:
    report = inert(to_markdown(list(report_blocks(discussion, questions))), multiline=True)
    click.echo(wrapped(report, output_width()))


@click.command("topics")
@click.option("--thread", metavar="THREAD", help="Only this thread (number or message id).")
@store_options
def topics_command(settings: Settings, thread: str | None) -> None:
    """List the topics of every decision map, with counts of questions, proposals and messages.

    \b
    Example:
      threadlore topics
      threadlore topics --json
    """
    rows = []
    with store_session(settings) as session:
        for stored in decision_maps(session, thread):
            discussion = stored.discussion
            for topic in discussion.topics:
                questions = [q for q in discussion.questions if q.topic_id == topic.id]
                proposals = [p for q in questions for p in q.proposals]
                arguments = list(
                    {a.id: a for p in proposals for a in discussion.argument_tree(p.id, 8)}.values()
                )
                messages = {s.message_id for p in proposals for s in p.sources}
                messages |= {a.quote.message_id for a in arguments}
                rows.append(
                    {
                        "thread_id": stored.thread_id,
                        "topic": topic.id,
                        "title": topic.title,
                        "keywords": list(topic.keywords),
                        "questions": len(questions),
                        "proposals": len(proposals),
                        "arguments": len(arguments),
                        "messages": len(messages),
                    }
                )
    if settings.json:
        print_json(rows)
        return
    click.echo(f"{'topic':22} questions proposals arguments messages  title")
    for row in rows:
        click.echo(
            f"{row['topic']:22} {row['questions']:9} {row['proposals']:9} "
            f"{row['arguments']:9} {row['messages']:8}  {row['title']}"
        )


@click.command("decisions")
@click.option("--topic", "topic", required=True, metavar="TEXT", help="A topic, loosely matched.")
@click.option("--thread", metavar="THREAD", help="Only this thread (number or message id).")
@store_options
def decisions_command(settings: Settings, topic: str, thread: str | None) -> None:
    """Show the questions on a topic: each option, who proposed it, the arguments for and
    against (who, when, the exact words, the message id) and its status with the evidence.

    Topics match loosely: nonlinear, remap_file_pages, page_mkclean, msync, ->fault,
    'truncate race' all find what you would expect. Message ids open with `threadlore show`.

    \b
    Example:
      threadlore decisions --topic nonlinear
      threadlore decisions --topic '->fault' --json
    """
    with store_session(settings) as session:
        maps = decision_maps(session, thread)
    found = [(s, m) for s in maps for m in match_topics(s.discussion, topic)]
    if not found:
        known = sorted({t.id for s in maps for t in s.discussion.topics})
        raise UserError(f"no topic matches {topic!r}; topics: {', '.join(known)}")
    if settings.json:
        print_json([_question_json(s, q) for s, m in found for q in m.questions])
        return
    for stored, match in found:
        _echo_markdown(stored.discussion, list(match.questions))


def _find_proposal(maps: list[StoredMap], proposal_id: str) -> tuple[StoredMap, Proposal]:
    for stored in maps:
        if stored.discussion.kind_of(proposal_id) == "proposal":
            return stored, stored.discussion.proposal(proposal_id)
    known = [
        p.id for s in maps for p in s.discussion.proposals() if fold(proposal_id) in fold(p.id)
    ]
    hint = f"; did you mean {', '.join(known[:5])}?" if known else ""
    raise UserError(f"no proposal {proposal_id!r}{hint}")


def _relation(proposal_id: str, argument: Argument) -> str:
    if proposal_id in argument.supports:
        return "supports"
    if proposal_id in argument.attacks:
        return "attacks"
    verb = "rebuts" if argument.attacks else "backs"
    return f"{verb} {', '.join((*argument.attacks, *argument.supports))}"


def _echo_replay(result: ProposalReplay) -> None:
    click.echo(
        f"\nReplay of model policy {result.policy}, computed now. Beside each workload, the "
        "arguments that claim something about it;\nconfirms/refutes: whether the model's outcome "
        "under this policy agrees with the claim."
    )
    for row in result.rows:
        outcome = row.outcome
        title = get_workload(outcome.workload).title
        click.echo(f"  {outcome.workload:12} {row.describe():36} {title}")
        for check in row.checks:
            quote = check.argument.quote
            click.echo(
                f"      {check.verdict:8} {inert(quote.by)}, {quote.date} "
                f"({_relation(result.proposal.id, check.argument)}): “{inert(quote.text)}” "
                f"<{quote.message_id}>\n{'':15}claims {check.claim.describe()}; "
                f"model: {check.observed}"
            )


@click.command("proposal")
@click.argument("proposal_id", metavar="PROPOSAL")
@click.option("--no-replay", is_flag=True, help="Do not run the model.")
@store_options
def proposal_command(settings: Settings, proposal_id: str, no_replay: bool) -> None:
    """Show one proposal in full and, when it names a model policy, replay it on every workload
    now, next to the thread's arguments each outcome confirms or refutes.

    \b
    Example:
      threadlore proposal restrict-nonlinear-to-root
      threadlore proposal emulate-where-writeback --json
    """
    with store_session(settings) as session:
        stored, proposal = _find_proposal(decision_maps(session, None), proposal_id)
    discussion = stored.discussion
    result = None
    if proposal.policy is not None and not no_replay:
        result = replay_proposal(discussion, proposal.id)
    if settings.json:
        print_json(
            {
                "thread_id": stored.thread_id,
                "proposal": _proposal_json(discussion, proposal),
                "replay": result.as_json() if result else None,
            }
        )
        return
    question = discussion.question(proposal.question_id)
    single = Question(question.id, question.topic_id, question.title, (proposal,))
    _echo_markdown(discussion, [single])
    if result is not None:
        _echo_replay(result)
    elif proposal.policy is None:
        click.echo(
            f"\nNo model policy{': ' + proposal.policy_note if proposal.policy_note else ''}"
        )


def _resolve_person(maps: list[StoredMap], name: str) -> Person:
    for stored in maps:
        person = stored.discussion.person(name)
        if person is not None:
            return person
    wanted = fold(name)
    loose = {
        p.name: p
        for s in maps
        for p in s.discussion.people
        if any(wanted in fold(n) for n in p.names())
    }
    if len(loose) == 1:
        return next(iter(loose.values()))
    if loose:
        raise UserError(f"{name!r} could be {', '.join(sorted(loose))}")
    raise UserError(f"nobody called {name!r} in the decision maps")


@click.command("who")
@click.argument("name")
@store_options
def who_command(settings: Settings, name: str) -> None:
    """Show a person's proposals, objections and support, with their words.

    NAME is a name or alias, loosely matched (wli, "Miklos", npiggin).

    \b
    Example:
      threadlore who "Miklos Szeredi"
      threadlore who wli --json
    """
    with store_session(settings) as session:
        maps = decision_maps(session, None)
    person = _resolve_person(maps, name)
    names = set(person.names())
    report: dict[str, list[dict[str, Any]]] = {"proposals": [], "objections": [], "support": []}
    for stored in maps:
        discussion = stored.discussion
        for proposal in discussion.proposals():
            if any(s.by in names for s in proposal.sources):
                report["proposals"].append(_proposal_json(discussion, proposal))
        for argument in discussion.arguments:
            if argument.by in names:
                key = "objections" if argument.is_objection else "support"
                report[key].append(_argument_json(discussion, argument))
    if settings.json:
        print_json({"person": person.name, "aliases": list(person.aliases), **report})
        return
    click.echo(
        f"{inert(person.name)}: {len(report['proposals'])} proposals, "
        f"{len(report['objections'])} objections, {len(report['support'])} in support"
    )
    for proposal_json in report["proposals"]:
        click.echo(
            f"  proposed  {proposal_json['id']} [{proposal_json['status']}]: "
            f"{inert(proposal_json['title'])}"
        )
    for key, verb in (("objections", "objects"), ("support", "supports")):
        for argument_json in report[key]:
            quote = argument_json["quote"]
            targets = ", ".join(argument_json["attacks" if key == "objections" else "supports"])
            click.echo(
                f"  {verb:9} {targets}: {quote['date']} “{inert(quote['quote'])}” "
                f"<{quote['message_id']}>"
            )


COMMANDS = [
    topics_command,
    decisions_command,
    proposal_command,
    who_command,
]
