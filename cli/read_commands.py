"""Commands that read the store: `threads`, `tree`, `show`, `people`, on its DB-API connection
(`cli/reading.py`, `db/store_reads.py`): each starts without importing SQLAlchemy (issue 15)."""

from __future__ import annotations

import click

from threadlore.cli.options import Settings, limit_option, print_json, store_options, typed_text
from threadlore.cli.reading import store_reader
from threadlore.cli.store_render import message_text, person_line, thread_line, tree_line
from threadlore.cli.terminal import output_width
from threadlore.db import store_reads
from threadlore.db.store_reads import TreeOrder
from threadlore.tui.tree_art import art_width


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
    with store_reader(settings) as reader:
        threads = store_reads.list_threads(reader, filter_text=filter_text, limit=limit)
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
    type=click.Choice([o.value for o in TreeOrder]),
    default=TreeOrder.SERIES.value,
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
    with store_reader(settings) as reader:
        thread_id = store_reads.resolve_thread(reader, thread)
        rows = store_reads.thread_tree(reader, thread_id, TreeOrder(order))
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
    with store_reader(settings) as reader:
        view = store_reads.get_message(reader, message)
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
    with store_reader(settings) as reader:
        people = store_reads.list_people(reader)
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


COMMANDS = [threads_command, tree_command, show_command, people_command]
