"""click's commands that read the store: `search`, `threads`, `tree`, `show`, `people`. Their
parameters are declared in `cli/parameters.py` and what they do is `cli/read_actions.py`, which the
fast path (`cli/fast_path.py`) runs without click when a command line is plain enough; click's
help, usage errors and every other command line are these.
"""

from __future__ import annotations

import click

from threadlore.cli import read_actions
from threadlore.cli.options import Settings, declared, store_options


@click.command("search")
@declared("search")
@store_options
def search_command(settings: Settings, query: str, limit: int) -> None:
    """Search messages, newest first.

    Bare words and "quoted phrases" match subjects and bodies; terms are ANDed unless joined by
    OR; NOT or - negates; parentheses group. Prefixes: f: from, t: to, c: cc, s: subject,
    b: body, d: date or range (d:2007-03-07..2007-03-08, d:..2007-03-08, d:2007-02),
    dfn: file a patch touches, dfhh: hunk function, has:patch. People match any of their names
    and addresses, loosely (f:miklos).

    \b
    Example:
      threadlore search 'f:miklos page_mkclean'
      threadlore search 's:"fault vs truncate" d:2007-03-07..2007-03-08 -f:akpm'
      threadlore search 'dfn:mm/filemap.c has:patch' --json
    """
    read_actions.search(settings, query, limit)


@click.command("threads")
@declared("threads")
@store_options
def threads_command(settings: Settings, filter_text: str | None, limit: int | None) -> None:
    """List threads, latest activity first: number, subject, messages, people, dates.

    \b
    Example:
      threadlore threads
      threadlore threads --filter truncate --json
    """
    read_actions.threads(settings, filter_text, limit)


@click.command("tree")
@declared("tree")
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
    read_actions.tree(settings, thread, order)


@click.command("show")
@declared("show")
@store_options
def show_command(settings: Settings, message: str) -> None:
    """Show one message: headers, place in its thread, why we believe its author, patch, body.

    MESSAGE is a Message-ID (without <>) or, for archive messages without one, the 12-character
    synthetic id; a unique prefix is enough.

    \b
    Example:
      threadlore show 20070221004920
    """
    read_actions.show(settings, message)


@click.command("people")
@declared("people")
@store_options
def people_command(settings: Settings) -> None:
    """List the people who took part (names and addresses merged), then the mailing lists.

    A person's count is the messages they wrote; a list's is the messages sent to it.

    \b
    Example:
      threadlore people
      threadlore people --json
    """
    read_actions.people(settings)


COMMANDS = [search_command, threads_command, tree_command, show_command, people_command]
