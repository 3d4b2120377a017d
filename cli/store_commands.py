"""`threadlore import`: the command that writes the store (the commands that only read it are
`cli/read_commands.py`: they run without SQLAlchemy)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from threadlore.cli.allocator import collect_cycles_less_often, return_large_buffers
from threadlore.cli.options import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    Settings,
    UserError,
    complain,
    first_line,
    print_json,
    store_options,
)
from threadlore.db.query_language import QuerySyntaxError
from threadlore.importers.records import MAX_MESSAGE_BYTES

if TYPE_CHECKING:  # the import command's modules load only when it runs
    from sqlalchemy.orm import Session, sessionmaker

    from threadlore.db.ingest import ImportReport
    from threadlore.importers.archive_dates import ArchiveClock
    from threadlore.importers.records import ImportRecord, InputError, ReadPosition
    from threadlore.importers.selection import Selection


def open_sessions(settings: Settings) -> sessionmaker[Session]:
    """The store's session factory; a store that cannot be opened is a one-line error."""
    from sqlalchemy.exc import SQLAlchemyError

    from threadlore.db.engine import open_store

    try:
        return open_store(settings.db_url)
    except (SQLAlchemyError, OSError) as exc:
        raise UserError(f"cannot open the store {settings.shown_url}: {first_line(exc)}") from exc


@contextmanager
def store_session(settings: Settings) -> Iterator[Session]:
    """A session on the store; lookups that find nothing and bad queries become one-line errors."""
    from sqlalchemy.exc import SQLAlchemyError

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


def _positions_read_first(settings: Settings) -> dict[str, ReadPosition] | None:
    """How far each incremental source was imported, read without SQLAlchemy: none for a store
    file not made yet, the stored ones for a store at head; None when the store must be opened
    first (created on a server, migrated, named by a URL with options, or not readable here)."""
    from threadlore.db.driver import connect_at_head, driver_errors, sqlite_file
    from threadlore.db.store_reads import stored_positions

    path = sqlite_file(settings.db_url)
    if path is not None and not os.path.exists(path):
        return {}
    try:
        reader = connect_at_head(settings.db_url)
        if reader is None:
            return None
        try:
            return stored_positions(reader)
        finally:
            reader.close()
    except driver_errors():  # opening it the usual way says why, in one line
        return None


def _import_with_progress(
    settings: Settings,
    paths: tuple[str, ...],
    clock: ArchiveClock | None,
    strict: bool,
    selection: Selection,
    cap: int,
) -> ImportReport:
    from threadlore.db.driver import StoreReader
    from threadlore.db.store_reads import stored_positions
    from threadlore.importers.read_ahead import read_ahead

    # the reader starts before SQLAlchemy loads and the store opens, where it can
    positions = _positions_read_first(settings)
    sessions = None
    if positions is None:
        sessions = open_sessions(settings)
        with sessions() as session:
            positions = stored_positions(StoreReader.of_session(session))
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
    try:
        if sessions is None:
            sessions = open_sessions(settings)
    except BaseException:
        close = getattr(messages, "close", None)
        if close is not None:
            close()
        raise
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

    return_large_buffers()  # before the reader is forked: both processes hold large messages
    collect_cycles_less_often()  # and both make an object or more per header
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


COMMANDS = [import_command]
