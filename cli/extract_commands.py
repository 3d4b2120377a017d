"""`extract`: candidate proposals, objections, supports and decisions for a thread, to curate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from threadlore.cli.map_commands import recording
from threadlore.cli.options import (
    Settings,
    UserError,
    limit_option,
    print_json,
    recorder_option,
    store_options,
    stored_ids,
)
from threadlore.cli.terminal import inert, output_width, squeeze
from threadlore.db import queries
from threadlore.kb.candidates import STATES, CandidateService, CandidateView
from threadlore.tui.dates import minute


def _candidate_line(view: CandidateView, width: int) -> str:
    """One candidate: id, state, kind, score, when, who, then its words, cut to fit `width`."""
    date = minute(view.date)
    entry = f" → {view.entry}" if view.entry else ""
    head = f"{view.id:>5} {view.state:8} {view.kind:9} {view.score:4.2f}  {date} "
    head += f"{inert(view.author or '?')}: "
    tail = f" <{inert(view.message_id)}>{entry}"
    return f"{head}“{squeeze(inert(view.sentence), width - len(head) - len(tail) - 2)}”{tail}"


def _candidate_ids(flag: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option naming candidates by number, given as often as wanted."""
    callback = stored_ids("candidate")
    return click.option(flag, multiple=True, type=int, callback=callback, metavar="ID", help=help)


@click.command("extract")
@click.argument("thread")
@_candidate_ids("--accept", "Make these map entries.")
@_candidate_ids("--reject", "Reject these.")
@_candidate_ids("--merge", "Add these to --into.")
@click.option("--into", metavar="PROPOSAL", help="The proposal --merge adds sources to.")
@click.option("--question", help="Accepted proposals go under this question (id or new title).")
@click.option("--topic", help="A new question's topic (id or new title).")
@click.option("--target", metavar="ID", help="What accepted arguments or decisions are about.")
@click.option("--words", help="Accept one candidate with these words instead (still verbatim).")
@click.option("--state", type=click.Choice(STATES), default=None, help="Only this state.")
@limit_option(default=None)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Also show the pending candidates below the confident score (hidden by default).",
)
@recorder_option
@store_options
def extract_command(
    settings: Settings,
    thread: str,
    accept: tuple[int, ...],
    reject: tuple[int, ...],
    merge: tuple[int, ...],
    into: str | None,
    question: str | None,
    topic: str | None,
    target: str | None,
    words: str | None,
    state: str | None,
    limit: int | None,
    everything: bool,
    as_user: str | None,
) -> None:
    """Find candidate map entries in a thread, ranked, and curate them: accept (they become
    proposals, arguments or decisions on the thread's map), reject, or merge into a proposal.

    Candidates are kept, with what was decided about each; extracting again adds only new ones.
    Pending candidates below the model's confident score are hidden unless --all is given (they
    can be accepted, rejected or merged all the same, by id); stderr says how many.

    \b
    Example:
      threadlore extract 1 --limit 20
      threadlore extract 1 --all --state pending
      threadlore extract 1 --accept 3 --accept 7 --question "How should the race be fixed?"
      threadlore extract 1 --accept 12 --target lock-page-in-fault --reject 5
      threadlore extract 1 --merge 9 --into emulate-via-mremap
    """
    if merge and into is None:
        raise UserError("--merge needs --into PROPOSAL")
    with recording(settings, as_user) as decisions:
        thread_id = queries.resolve_thread(decisions.session, thread)
        candidates = CandidateService(decisions.session, decisions)
        candidates.refresh(thread_id)
        made = (
            candidates.accept(
                thread_id, accept, question=question, topic=topic, target=target, sentence=words
            )
            if accept
            else []
        )
        if reject:
            candidates.reject(thread_id, reject)
        if merge and into is not None:
            candidates.merge(thread_id, merge, into)
        every = candidates.of_thread(thread_id, state)
    shown = every if everything else [v for v in every if v.offered_first]
    views = shown[:limit]
    if len(shown) < len(every):
        click.echo(
            f"{len(every) - len(shown)} less confident candidates hidden: --all shows them",
            err=True,
        )
    if settings.json:
        print_json([v.as_json() for v in views])
        return
    width = output_width()
    for view in views:
        click.echo(_candidate_line(view, width))
    if made:
        click.echo(f"recorded {', '.join(made)} on thread {thread_id}", err=True)


COMMANDS = [extract_command]
