"""`map`: build and keep a thread's decision map — import and export it as YAML, record entries,
decide proposals, edit, remove, undo — and `correct`: fix a message's inferred author, parent or
date. Every change goes through the decisions and corrections services of kb/ and is committed
whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from threadlore.cli.options import (
    Settings,
    UserError,
    json_document,
    limit_option,
    print_json,
    recorder_option,
    store_options,
)
from threadlore.cli.output_files import write_whole
from threadlore.cli.store_commands import store_session
from threadlore.cli.terminal import inert
from threadlore.db import queries
from threadlore.kb.corrections import CorrectionError, CorrectionService
from threadlore.kb.decisions import DecisionError, DecisionService
from threadlore.kb.discussion import CorrectedField, Status
from threadlore.kb.map_loader import MapError

STATUSES = [s.value for s in Status]


@contextmanager
def recording(settings: Settings, as_user: str | None) -> Iterator[DecisionService]:
    """A decisions service whose changes are committed together, or not at all on an error."""
    with store_session(settings) as session:
        try:
            yield DecisionService(session, as_user)
        except (DecisionError, CorrectionError, MapError) as exc:
            session.rollback()
            raise UserError(str(exc)) from exc
        session.commit()


def _thread(service: DecisionService, thread: str | None) -> int | None:
    return queries.resolve_thread(service.session, thread) if thread else None


def _message_thread(service: DecisionService, message: str, thread: str | None) -> int:
    """The thread a message is in (which must be `thread`, when one is given)."""
    found = queries.resolve_thread(service.session, message)
    wanted = _thread(service, thread)
    if wanted is not None and wanted != found:
        raise UserError(f"message {message} is in thread {found}, not {thread}")
    return found


def _done(settings: Settings, said: str, data: dict[str, Any]) -> None:
    if settings.json:
        print_json(data)
    else:
        click.echo(said)


@click.group("map")
def map_group() -> None:
    """Build a thread's decision map: record proposals, arguments and decisions, edit, undo,
    and share it as a YAML file.

    \b
    Example:
      threadlore map add proposal --message e0a0 --quote "we could emulate the old syscall" \
          --question "How should nonlinear mappings be restricted?"
      threadlore map export 1 -o thread-1.yaml
    """


@map_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--thread", metavar="THREAD", help="Load into this thread (default: the one the file names)."
)
@click.option("--replace", is_flag=True, help="Remove the entries the file does not have.")
@recorder_option
@store_options
def import_command(
    settings: Settings,
    paths: tuple[Path, ...],
    thread: str | None,
    replace: bool,
    as_user: str | None,
) -> None:
    """Load decision maps (YAML, kb/maps/README.md) into the threads they describe.

    Entries are matched by id: new ones are added, changed ones updated, and (with --replace)
    ones the file lacks removed. Loading the same file again changes nothing; every quote is
    checked against its stored message first. The thread must be imported already.

    \b
    Example:
      threadlore map import kb/maps/lkml-2007-fault-vs-truncate.yaml
      threadlore map import thread-1.yaml --thread 1 --replace
    """
    results = []
    with recording(settings, as_user) as service:
        for path in paths:
            results.append(
                service.import_file(path, thread_id=_thread(service, thread), replace=replace)
            )
    if settings.json:
        print_json([r.as_json() for r in results])
        return
    for result in results:
        click.echo(inert(result.describe()))


@map_group.command("export")
@click.argument("thread")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
)
@store_options
def export_command(settings: Settings, thread: str, output: Path | None) -> None:
    """Write a thread's map and its corrections as reviewable YAML, to load elsewhere with
    `map import`. With --json, the same document as JSON (which `map import` reads too).

    \b
    Example:
      threadlore map export 1 -o thread-1.yaml
      threadlore map export 1 --json | jq '.questions[].title'
    """
    with store_session(settings) as session:
        service = DecisionService(session)
        thread_id = queries.resolve_thread(session, thread)
        try:
            if settings.json:
                document = service.export_document(thread_id)
                text = json_document(document) + "\n"
            else:
                text = service.export_yaml(thread_id)
        except DecisionError as exc:
            raise UserError(str(exc)) from exc
    if output is None:
        if settings.json:
            print_json(document)
        else:
            click.echo(text, nl=False)
        return
    write_whole(output, text)
    click.echo(f"wrote {output}", err=True)


@map_group.group("add")
def add_group() -> None:
    """Record a proposal, an argument, or another source of a proposal.

    \b
    Example:
      threadlore map add argument --message 5f2c --quote "It still hurts" --attacks merge-now
    """


def _quote_options(command: Any) -> Any:
    command = click.option("--quote", required=True, help="The message's own words, verbatim.")(
        command
    )
    command = click.option(
        "--message", "message", required=True, metavar="MSG", help="The message quoted."
    )(command)
    return click.option("--thread", metavar="THREAD", help="Check the message is in it.")(command)


@add_group.command("proposal")
@_quote_options
@click.option("--question", required=True, help="Its question: an id, or the title of a new one.")
@click.option("--topic", help="The question's topic, for a new question: an id or a new title.")
@click.option("--title", help="A one-line title (default: the quote, shortened).")
@click.option("--policy", metavar="POLICY", help="The model policy that replays it.")
@recorder_option
@store_options
def add_proposal_command(
    settings: Settings,
    thread: str | None,
    message: str,
    quote: str,
    question: str,
    topic: str | None,
    title: str | None,
    policy: str | None,
    as_user: str | None,
) -> None:
    """Record a proposal in a message's own words, under a question and topic (new or existing).

    \b
    Example:
      threadlore map add proposal --message e0a0 --quote "we could emulate the old syscall" \
          --question "How should nonlinear mappings be restricted?" --topic nonlinear
    """
    with recording(settings, as_user) as service:
        thread_id = _message_thread(service, message, thread)
        slug = service.add_proposal(
            thread_id, message, quote, question=question, topic=topic, title=title, policy=policy
        )
    _done(
        settings,
        f"recorded proposal {slug} on thread {thread_id}",
        {"entry": slug, "thread": thread_id},
    )


@add_group.command("argument")
@_quote_options
@click.option("--supports", multiple=True, metavar="ID", help="A proposal or argument it supports.")
@click.option("--attacks", multiple=True, metavar="ID", help="A proposal or argument it attacks.")
@recorder_option
@store_options
def add_argument_command(
    settings: Settings,
    thread: str | None,
    message: str,
    quote: str,
    supports: tuple[str, ...],
    attacks: tuple[str, ...],
    as_user: str | None,
) -> None:
    """Record an argument for (--supports) or against (--attacks) a proposal or argument.

    \b
    Example:
      threadlore map add argument --message 5f2c --quote "It still hurts" --attacks merge-now
    """
    with recording(settings, as_user) as service:
        thread_id = _message_thread(service, message, thread)
        slug = service.add_argument(thread_id, message, quote, supports=supports, attacks=attacks)
    _done(
        settings,
        f"recorded argument {slug} on thread {thread_id}",
        {"entry": slug, "thread": thread_id},
    )


@add_group.command("source")
@click.argument("proposal")
@_quote_options
@recorder_option
@store_options
def add_source_command(
    settings: Settings,
    proposal: str,
    thread: str | None,
    message: str,
    quote: str,
    as_user: str | None,
) -> None:
    """Add another quote to a proposal: where it was restated or refined.

    \b
    Example:
      threadlore map add source emulate-via-mremap --message 77ab --quote "emulate it with mremap"
    """
    with recording(settings, as_user) as service:
        service.add_source(proposal, message, quote, thread_id=_thread(service, thread))
    _done(settings, f"added a source to {proposal}", {"entry": proposal})


def _evidence(values: tuple[str, ...]) -> tuple[list[str], tuple[str, str] | None]:
    """Argument ids, and at most one `MSG:words` quote that becomes a new argument."""
    ids, quote = [], None
    for value in values:
        message, colon, words = value.partition(":")
        if not colon:
            ids.append(value)
        elif quote is None:
            quote = (message, words.strip().strip('"“”'))
        else:
            raise UserError('give at most one MSG:"words" evidence; record more as arguments')
    return ids, quote


@map_group.command("set-status")
@click.argument("proposal")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--summary", help="One line: what was decided and why.")
@click.option(
    "--evidence",
    multiple=True,
    metavar='ID|MSG:"…"',
    help="An argument that shows it, or a message's words (recorded as an argument).",
)
@click.option("--superseded-by", metavar="PROPOSAL", help="What replaced it (status superseded).")
@click.option("--thread", metavar="THREAD", help="The thread whose map holds PROPOSAL.")
@recorder_option
@store_options
def set_status_command(
    settings: Settings,
    proposal: str,
    status: str,
    summary: str | None,
    evidence: tuple[str, ...],
    superseded_by: str | None,
    thread: str | None,
    as_user: str | None,
) -> None:
    """Decide a proposal: proposed, accepted, rejected, superseded or merged-later.

    \b
    Example:
      threadlore map set-status restrict-nonlinear-to-root rejected \
          --evidence 'b51c:"Nonlinear mappings would normally be used by databases"'
    """
    ids, quote = _evidence(evidence)
    with recording(settings, as_user) as service:
        service.set_status(
            proposal,
            Status(status),
            thread_id=_thread(service, thread),
            summary=summary,
            evidence=ids,
            evidence_quote=quote,
            superseded_by=superseded_by,
        )
    _done(settings, f"{proposal} is {status}", {"entry": proposal, "status": status})


@map_group.command("edit")
@click.argument("entry")
@click.option("--title", help="A new title (topics, questions, proposals).")
@click.option("--question", help="Move a proposal to this question (an id, or a new title).")
@click.option("--topic", help="Move a question to this topic (or give a new question's topic).")
@click.option("--supports", multiple=True, metavar="ID", help="An argument's new support targets.")
@click.option("--attacks", multiple=True, metavar="ID", help="An argument's new attack targets.")
@click.option("--policy", metavar="POLICY", help="A proposal's model policy ('' for none).")
@click.option("--thread", metavar="THREAD", help="The thread whose map holds ENTRY.")
@recorder_option
@store_options
def edit_command(
    settings: Settings,
    entry: str,
    title: str | None,
    question: str | None,
    topic: str | None,
    supports: tuple[str, ...],
    attacks: tuple[str, ...],
    policy: str | None,
    thread: str | None,
    as_user: str | None,
) -> None:
    """Change an entry: its title, its question or topic, what an argument is about.

    \b
    Example:
      threadlore map edit emulate-via-mremap --title "Emulate remap_file_pages with mremap"
    """
    with recording(settings, as_user) as service:
        service.edit(
            entry,
            thread_id=_thread(service, thread),
            title=title,
            question=question,
            topic=topic,
            supports=supports or None,
            attacks=attacks or None,
            policy=policy,
        )
    _done(settings, f"edited {entry}", {"entry": entry})


@map_group.command("rm")
@click.argument("entry")
@click.option("--cascade", is_flag=True, help="Also remove what cannot stand without it.")
@click.option("--thread", metavar="THREAD", help="The thread whose map holds ENTRY.")
@recorder_option
@store_options
def remove_command(
    settings: Settings, entry: str, cascade: bool, thread: str | None, as_user: str | None
) -> None:
    """Remove an entry; references to it (evidence, targets) are taken out. `map undo` brings it
    back.

    \b
    Example:
      threadlore map rm nick-sounds-ok
    """
    with recording(settings, as_user) as service:
        gone = service.remove(entry, thread_id=_thread(service, thread), cascade=cascade)
    _done(settings, f"removed {', '.join(gone)}", {"removed": gone})


@map_group.command("undo")
@click.option("--thread", metavar="THREAD", help="Only a change to this thread's map.")
@recorder_option
@store_options
def undo_command(settings: Settings, thread: str | None, as_user: str | None) -> None:
    """Undo the newest change to the maps (an import, a recorded entry, an edit, a removal).

    \b
    Example:
      threadlore map undo --thread 1
    """
    with recording(settings, as_user) as service:
        change = service.undo(_thread(service, thread))
    _done(settings, inert(f"undid: {change.describe()}"), change.as_json())


@map_group.command("history")
@click.option("--thread", metavar="THREAD", help="Only this thread's map.")
@limit_option(default=20)
@store_options
def history_command(settings: Settings, thread: str | None, limit: int) -> None:
    """List the newest changes to the maps: what, which entries, who, when.

    \b
    Example:
      threadlore map history --thread 1 --limit 5
    """
    with store_session(settings) as session:
        service = DecisionService(session)
        changes = service.history(_thread(service, thread), limit)
    if settings.json:
        print_json([c.as_json() for c in changes])
        return
    for change in changes:
        mark = " (undone)" if change.undone else ""
        click.echo(inert(f"{change.batch:>5} thread {change.thread_id}: {change.describe()}{mark}"))


@click.command("correct")
@click.argument("message")
@click.option("--author", metavar='"NAME <ADDR>"', help="The message's real author.")
@click.option("--parent", metavar="MSG", help="The message it replies to ('' for none).")
@click.option("--date", metavar="ISO8601", help="When it was sent, with its UTC offset.")
@click.option("--undo", "undo", is_flag=True, help="Take back the newest correction of it.")
@recorder_option
@store_options
def correct_command(
    settings: Settings,
    message: str,
    author: str | None,
    parent: str | None,
    date: str | None,
    undo: bool,
    as_user: str | None,
) -> None:
    """Correct a message's inferred author, parent or date; the correction wins over inference,
    survives re-import, and travels with `map export`.

    \b
    Example:
      threadlore correct 94c1 --author "Andrew Morton <akpm@linux-foundation.org>"
      threadlore correct 94c1 --parent 5f2c
      threadlore correct 94c1 --undo
    """
    given = {
        field: value
        for field, value in (
            (CorrectedField.AUTHOR, author),
            (CorrectedField.PARENT, parent),
            (CorrectedField.DATE, date),
        )
        if value is not None
    }
    if undo == bool(given):
        raise UserError("give one of --author, --parent, --date, or --undo")
    with recording(settings, as_user) as service:
        corrections = CorrectionService(service.session, service.user)
        if undo:
            views = [corrections.undo(message)]
        else:
            views = [corrections.correct(message, f, v) for f, v in given.items()]
    if settings.json:
        print_json([v.as_json() for v in views])
        return
    for view in views:
        verb = "undid" if undo else "corrected"
        click.echo(inert(f"{verb} <{view.message_id}>: {view.describe()}"))


COMMANDS = [map_group, correct_command]
