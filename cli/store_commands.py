"""Commands on the store: `import`, `threads`, `tree`, `show`, `people` (`search` has its own
module: it runs without SQLAlchemy)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from threadlore.cli.options import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    Settings,
    UserError,
    complain,
    first_line,
    limit_option,
    print_json,
    store_options,
    typed_text,
)
from threadlore.cli.store_render import (
    message_text,
    person_line,
    thread_line,
    tree_line,
)
from threadlore.cli.terminal import output_width
from threadlore.db import queries
from threadlore.db.engine import open_store
from threadlore.db.query_language import QuerySyntaxError
from threadlore.importers.records import MAX_MESSAGE_BYTES
from threadlore.tui.tree_art import art_width

if TYPE_CHECKING:  # the import command's modules load only when it runs
    from threadlore.db.ingest import ImportReport
    from threadlore.importers.archive_dates import ArchiveClock
    from threadlore.importers.records import ImportRecord, InputError
    from threadlore.importers.selection import Selection


def open_sessions(settings: Settings) -> sessionmaker[Session]:
    """The store's session factory; a store that cannot be opened is a one-line error."""
    try:
        return open_store(settings.db_url)
    except (SQLAlchemyError, OSError) as exc:
        raise UserError(f"cannot open the store {settings.shown_url}: {first_line(exc)}") from exc


@contextmanager
def store_session(settings: Settings) -> Iterator[Session]:
    """A session on the store; lookups that find nothing and bad queries become one-line errors."""
    with open_sessions(settings)() as session:
        try:
            yield session
        except LookupError as exc:
            raise UserError(str(exc.args[0]) if exc.args else "not found") from exc
        except QuerySyntaxError as exc:
            raise UserError(f"bad query: {exc}") from exc
        except SQLAlchemyError as exc:  # a damaged store file, a lock held past the timeout
            raise UserError(f"the store {settings.shown_url} failed: {first_line(exc)}") from exc


def _summary(report: ImportReport) -> str:
    counts = [
        (report.redated, "re-dated on their source's clock", "re-dated on their source's clock"),
        (report.deleted, "deleted by its archive", "deleted by their archive"),
        (len(report.warnings), "warning", "warnings"),
        (len(report.skipped), "message skipped", "messages skipped"),
        (len(report.errors), "input not read", "inputs not read"),
    ]
    return (
        f"read {report.seen} messages: {report.added} added, {report.unchanged} already stored, "
        f"{report.threads_touched} threads touched"
        + "".join(f", {n} {one if n == 1 else many}" for n, one, many in counts if n)
    )


def _import_with_progress(
    settings: Settings,
    paths: tuple[str, ...],
    clock: ArchiveClock | None,
    strict: bool,
    selection: Selection,
    cap: int,
) -> ImportReport:
    from threadlore.db.read_positions import stored_positions
    from threadlore.importers.read_ahead import read_ahead

    sessions = open_sessions(settings)
    with sessions() as session:
        positions = stored_positions(session)
    skipped: list[str] = []  # a message that cannot be read is reported; the rest is read
    unreadable: list[str] = []  # so is an input that cannot be read at all

    def on_error(error: InputError) -> None:
        (skipped if error.position is not None else unreadable).append(str(error))

    messages = read_ahead(
        paths,
        on_error=None if strict else on_error,
        clock=clock,
        positions=positions,
        selection=selection,
        cap=cap,
    )
    report = _store(sessions, messages, settings, clock, strict)
    report.skipped[:0] = skipped
    report.errors[:0] = unreadable
    return report


def _store(
    sessions: sessionmaker[Session],
    messages: Iterator[ImportRecord],
    settings: Settings,
    clock: ArchiveClock | None,
    strict: bool,
) -> ImportReport:
    """Store the messages, with a progress line on an interactive terminal."""
    from threadlore.db.ingest import import_messages

    if settings.json or not sys.stderr.isatty():
        return import_messages(sessions, messages, clock=clock, strict=strict)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("importing: 0 messages read")

        def show(count: int) -> None:
            progress.update(task, description=f"importing: {count} messages read")

        return import_messages(sessions, messages, progress=show, clock=clock, strict=strict)


def _archive_clock(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> ArchiveClock | None:
    from threadlore.importers.archive_dates import parse_clock

    if value is None:
        return None
    try:
        return parse_clock(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not a date (2024-05-01 or 2024-05-01T12:00)"
        ) from exc
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, metavar="FILE|DIR...")
@click.option(
    "--archive-tz",
    "clock",
    metavar="TZ",
    callback=_archive_clock,
    help="The clock archive-text pages print their times on: an offset (UTC-4, +05:30) or a "
    "zone (Europe/Berlin). It becomes the source's clock; messages already stored from the "
    "source are re-dated. Default: the source's clock, else UTC-4 (see README).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Stop at the first message that cannot be read as written (exit 1), instead of "
    "storing it with a warning or skipping it (exit 4).",
)
@click.option(
    "--max-message-size",
    "max_mb",
    type=click.IntRange(min=1, max=2**40),
    default=MAX_MESSAGE_BYTES // 2**20,
    show_default=True,
    metavar="MB",
    help="Skip (and report) a message larger than this many megabytes, reading no more of it: "
    "memory stays bounded whatever an mbox.gz inflates to.",
)
@click.option(
    "--since",
    metavar="DATE",
    callback=_since,
    help="Only messages dated DATE or later (2024-05-01, or an ISO time; UTC unless it says).",
)
@click.option(
    "--list",
    "lists",
    metavar="NAME",
    multiple=True,
    help="Only messages sent to this list (linux-mm, or linux-mm.kvack.org); repeatable.",
)
@store_options
def import_command(
    settings: Settings,
    paths: tuple[str, ...],
    clock: ArchiveClock | None,
    strict: bool,
    since: datetime | None,
    lists: tuple[str, ...],
    max_mb: int,
) -> None:
    """Import messages from archive text, mbox, mbox.gz, Maildir, .eml or public-inbox inputs.

    Formats are detected; a folder is read whole. Importing is idempotent: messages already in
    the store are left as they are, so an interrupted import can simply be run again. A
    public-inbox (a lore mirror: v2 `git/N.git` epochs, or v1) is read from where the last
    import of it stopped, and the messages it deleted are removed. A message with a header that
    cannot be read is stored with a warning, one that cannot be read at all is skipped; both
    are listed on stderr (file, message, byte offset, reason) and the import exits 4. An input
    that cannot be read at all exits 1.

    \b
    Example:
      threadlore import samples/lkml-2007-fault-vs-truncate.txt
      threadlore import ~/Mail/linux-mm/ lkml-2007-02.mbox.gz --db sqlite:///lkml.sqlite
      threadlore import ~/lore/linux-mm --since 2024-01-01      # git/0.git, git/1.git, …
      threadlore import page.txt --archive-tz Europe/Berlin --strict
    """
    from threadlore.importers.selection import Selection

    selection = Selection(since, lists)
    report = _import_with_progress(settings, paths, clock, strict, selection, max_mb * 2**20)
    if settings.json:
        print_json(report.as_json())
    else:
        click.echo(_summary(report))
    for line in (*report.errors, *report.skipped):
        complain(line)
    for line in report.warnings:
        complain(f"warning: {line}")
    if report.interrupted:
        complain("interrupted: what was read so far is stored; import again to finish")
        sys.exit(EXIT_INTERRUPTED)
    if report.errors:
        sys.exit(EXIT_FAILURE)
    if report.skipped or report.warnings:
        sys.exit(EXIT_PARTIAL)


@click.command("threads")
@click.option(
    "--filter",
    "filter_text",
    callback=typed_text,
    metavar="TEXT",
    help="Only threads whose subject or author contains TEXT.",
)
@limit_option(default=None)
@store_options
def threads_command(settings: Settings, filter_text: str | None, limit: int | None) -> None:
    """List threads, latest activity first: number, subject, messages, people, dates.

    \b
    Example:
      threadlore threads
      threadlore threads --filter truncate --json
    """
    with store_session(settings) as session:
        threads = queries.list_threads(session, filter_text=filter_text, limit=limit)
    if settings.json:
        print_json([t.as_json() for t in threads])
        return
    width = output_width()
    for thread in threads:
        click.echo(thread_line(thread, width))


@click.command("tree")
@click.argument("thread", callback=typed_text)
@click.option(
    "--order",
    type=click.Choice([o.value for o in queries.TreeOrder]),
    default=queries.TreeOrder.SERIES.value,
    show_default=True,
    help="Replies by series position then date (a series 1/N … N/N under its cover letter), "
    "by date, or as the source lists them (an archive page's own order).",
)
@store_options
def tree_command(settings: Settings, thread: str, order: str) -> None:
    """Show a thread's reply tree: dates, authors (inferred ones with confidence), patches (P).

    THREAD is a thread number (see `threadlore threads`) or the id, or a unique prefix of the
    id, of any message in it. Parents that replies name but that were never seen are shown as
    `[not seen: <id>]`. A patch series is shown in series order under its cover letter.

    \b
    Example:
      threadlore tree 1
      threadlore tree 20070221004920.262345000@suse.de --order archive
    """
    with store_session(settings) as session:
        thread_id = queries.resolve_thread(session, thread)
        rows = queries.thread_tree(session, thread_id, queries.TreeOrder(order))
    if settings.json:
        print_json([row.as_json() for row in rows])
        return
    subject_of = {row.message.id: row.message.subject for row in rows}
    width = output_width()
    deepest = max((row.depth for row in rows), default=0)
    narrow = art_width(deepest) > width // 3
    for row in rows:
        click.echo(tree_line(row, subject_of.get(row.message.parent or ""), width, narrow=narrow))


@click.command("show")
@click.argument("message", callback=typed_text)
@store_options
def show_command(settings: Settings, message: str) -> None:
    """Show one message: headers, place in its thread, why we believe its author, patch, body.

    MESSAGE is a Message-ID (without <>) or, for archive messages without one, the 12-character
    synthetic id; a unique prefix is enough.

    \b
    Example:
      threadlore show 20070221004920
    """
    with store_session(settings) as session:
        view = queries.get_message(session, message)
    if settings.json:
        print_json(view.as_json())
        return
    click.echo(message_text(view))


@click.command("people")
@store_options
def people_command(settings: Settings) -> None:
    """List the people who took part (names and addresses merged), then the mailing lists.

    A person's count is the messages they wrote; a list's is the messages sent to it.

    \b
    Example:
      threadlore people
      threadlore people --json
    """
    with store_session(settings) as session:
        people = queries.list_people(session)
    if settings.json:
        print_json([p.as_json() for p in people])
        return
    humans = [p for p in people if not p.is_list]
    lists = [p for p in people if p.is_list]
    click.echo("People (messages written):")
    for person in humans:
        click.echo(person_line(person))
    if lists:
        click.echo("Mailing lists (messages received):")
        for mailing_list in lists:
            click.echo(person_line(mailing_list))


COMMANDS = [
    import_command,
    threads_command,
    tree_command,
    show_command,
    people_command,
]
