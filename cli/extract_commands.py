"""`extract`: candidate proposals and objections for a thread that has no curated map."""

from __future__ import annotations

from pathlib import Path

import click

from threadlore.cli.options import Settings, print_json, store_options
from threadlore.cli.store_commands import store_session
from threadlore.cli.terminal import inert
from threadlore.db import queries
from threadlore.db.candidate_store import (
    CandidateView,
    decide_candidates,
    list_candidates,
    refresh_candidates,
    starter_map_yaml,
)


def _candidate_line(view: CandidateView) -> str:
    date = view.date.strftime("%Y-%m-%d %H:%M") if view.date else "?"
    return (
        f"{view.id:>5} {view.state:8} {view.kind:9} {view.score:2}  {date} "
        f"{inert(view.author or '?')}: “{inert(view.sentence)}” <{view.message_id}>"
    )


@click.command("extract")
@click.argument("thread")
@click.option("--accept", "accept", multiple=True, type=int, metavar="ID", help="Accept these.")
@click.option("--reject", "reject", multiple=True, type=int, metavar="ID", help="Reject these.")
@click.option(
    "--state",
    type=click.Choice(["pending", "accepted", "rejected"]),
    default=None,
    help="Only candidates in this state.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most this many.")
@click.option(
    "--as-map",
    "as_map",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the accepted candidates as a starter map (YAML) to this file.",
)
@store_options
def extract_command(
    settings: Settings,
    thread: str,
    accept: tuple[int, ...],
    reject: tuple[int, ...],
    state: str | None,
    limit: int | None,
    as_map: Path | None,
) -> None:
    """Find candidate proposals and objections in a thread by their cue phrases, ranked.

    Candidates are kept in the store: accept or reject them by id; the accepted ones can be
    written as a starter map to review and put in kb/maps/.

    \b
    Example:
      threadlore extract 1 --limit 20
      threadlore extract 1 --accept 3 --accept 7 --reject 5
      threadlore extract 1 --as-map kb/maps/my-thread.yaml
    """
    with store_session(settings) as session:
        thread_id = queries.resolve_thread(session, thread)
        refresh_candidates(session, thread_id)
        if accept:
            decide_candidates(session, thread_id, accept, "accepted")
        if reject:
            decide_candidates(session, thread_id, reject, "rejected")
        views = list_candidates(session, thread_id, state)[:limit]
        starter = None
        if as_map is not None:
            title = next(
                (t.subject for t in queries.list_threads(session) if t.id == thread_id), thread
            )
            starter = starter_map_yaml(session, thread_id, title)
        session.commit()
    if starter is not None and as_map is not None:
        as_map.write_text(starter, encoding="utf-8")
    if settings.json:
        print_json([v.as_json() for v in views])
        return
    for view in views:
        click.echo(_candidate_line(view))
    if as_map is not None:
        click.echo(f"wrote {as_map}", err=True)


COMMANDS = [extract_command]
