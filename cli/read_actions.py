"""What the commands that read the store do (`search`, `threads`, `tree`, `show`, `people`),
without click: click's commands (`cli/read_commands.py`) and the fast path (`cli/fast_path.py`)
both run these, on the store's DB-API connection (`cli/read_store.py`), without SQLAlchemy.
Each loads what it reads and draws with when it runs: a script's `search --json` loads neither.
"""

from __future__ import annotations

import sys

from threadlore.cli.read_store import store_reader
from threadlore.cli.settings import EXIT_FAILURE, Settings, UserError, complain, echo, print_json
from threadlore.cli.terminal import is_terminal, output_width
from threadlore.db.views import Matches, view_json


def search(settings: Settings, query: str, limit: int) -> None:
    """Messages matching a query, newest first; exit 1 when none do (as grep does)."""
    from threadlore.db import search_sql  # the query language loads for a search alone
    from threadlore.db.query_language import QuerySyntaxError

    on_terminal = is_terminal() and not settings.json  # a snippet and marks only for a reader
    with store_reader(settings) as reader:
        try:
            found = search_sql.search(reader, query, limit=limit)
        except QuerySyntaxError as exc:
            raise UserError(f"bad query: {exc}") from exc
        matches: dict[str, Matches] = {}
        if on_terminal:  # what marks the words loads only for a reader (issue 15)
            from threadlore.db.snippets import search_matches

            matches = search_matches(reader, query, [m.id for m in found])
    if settings.json:
        print_json(view_json(found))
    else:
        from threadlore.cli.store_render import search_hit  # what a script's search never needs

        width = output_width()
        for message in found:
            echo(search_hit(message, matches.get(message.id), colour=on_terminal, width=width))
    if not found:  # as grep and notmuch count do: scripts can test for "no hits"
        if not settings.json:
            complain("no messages match")
        sys.exit(EXIT_FAILURE)


def threads(settings: Settings, filter_text: str | None, limit: int | None) -> None:
    """Threads, latest activity first."""
    from threadlore.cli.store_render import thread_lines
    from threadlore.db import store_reads

    with store_reader(settings) as reader:
        listed = store_reads.list_threads(reader, filter_text=filter_text, limit=limit)
    if settings.json:
        print_json(view_json(listed))
        return
    if not listed:  # said on stderr: stdout stays empty for a script, and the exit code 0
        complain("no threads match" if filter_text else "no threads: the store is empty")
    for line in thread_lines(listed, output_width()):
        echo(line)


def tree(settings: Settings, thread: str, order: str) -> None:
    """A thread's reply tree."""
    from threadlore.cli.store_render import tree_line
    from threadlore.db import store_reads
    from threadlore.db.thread_tree import TreeOrder, thread_tree
    from threadlore.tui.tree_art import art_width

    with store_reader(settings) as reader:
        thread_id = store_reads.resolve_thread(reader, thread)
        rows = thread_tree(reader, thread_id, TreeOrder(order))
    if settings.json:
        print_json(view_json(rows))
        return
    subject_of = {row.message.id: row.message.subject for row in rows}
    width = output_width()
    deepest = max((row.depth for row in rows), default=0)
    narrow = art_width(deepest) > width // 3
    for row in rows:
        echo(tree_line(row, subject_of.get(row.message.parent or ""), width, narrow=narrow))


def show(settings: Settings, message: str) -> None:
    """One message in full."""
    from threadlore.cli.store_render import message_text
    from threadlore.db import store_reads

    with store_reader(settings) as reader:
        view = store_reads.get_message(reader, message)
    if settings.json:
        print_json(view_json(view))
        return
    echo(message_text(view))


def people(settings: Settings) -> None:
    """The people who took part, then the mailing lists."""
    from threadlore.cli.store_render import person_line
    from threadlore.db import store_reads

    with store_reader(settings) as reader:
        listed = store_reads.list_people(reader)
    if settings.json:
        print_json(view_json(listed))
        return
    if not listed:
        complain("no people: the store is empty")
        return
    echo("People (messages written):")
    for person in listed:
        if not person.is_list:
            echo(person_line(person))
    lists = [p for p in listed if p.is_list]
    if lists:
        echo("Mailing lists (messages received):")
        for mailing_list in lists:
            echo(person_line(mailing_list))
