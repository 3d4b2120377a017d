"""`threadlore search`, on the store's DB-API connection (`cli/reading.py`): a search process
imports neither SQLAlchemy nor the models, which cost more than the query itself (issue 15).
"""

from __future__ import annotations

import sys

import click

from threadlore.cli.options import (
    EXIT_FAILURE,
    Settings,
    limit_option,
    print_json,
    store_options,
    typed_text,
)
from threadlore.cli.reading import store_reader
from threadlore.cli.store_render import search_hit
from threadlore.cli.terminal import is_terminal, output_width
from threadlore.db import search_sql
from threadlore.db.snippets import search_matches


@click.command("search")
@click.argument("query", callback=typed_text)
@limit_option(default=50)
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
    on_terminal = is_terminal() and not settings.json  # a snippet and marks only for a reader
    with store_reader(settings) as reader:
        found = search_sql.search(reader, query, limit=limit)
        matches = search_matches(reader, query, [m.id for m in found]) if on_terminal else {}
    if settings.json:
        print_json([m.as_json() for m in found])
    else:
        width = output_width()
        for message in found:
            click.echo(
                search_hit(message, matches.get(message.id), colour=on_terminal, width=width)
            )
    if not found:  # as grep and notmuch count do: scripts can test for "no hits"
        if not settings.json:
            click.echo("threadlore: no messages match", err=True)
        sys.exit(EXIT_FAILURE)


COMMANDS = [search_command]
