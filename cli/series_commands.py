"""Patch series commands: `am` (a series for `git am`), `revisions`, `interdiff`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from threadlore.cli.options import Settings, print_json, store_options, typed_text
from threadlore.cli.output_files import write_whole
from threadlore.cli.store_commands import store_session
from threadlore.cli.terminal import inert
from threadlore.kb.am import am_mbox, cover_letter, prepare_am, summary_lines
from threadlore.kb.interdiff import interdiff, revision_chain
from threadlore.kb.thread_views import SessionViews
from threadlore.tui.dates import minute


def _cover_path(output: Path) -> Path:
    return output.with_suffix(".cover")


@click.command("am")
@click.argument("ref", metavar="THREAD|MSG", callback=typed_text)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the series here (its cover letter beside it, as NAME.cover); default: stdout.",
)
@click.option(
    "--this-revision",
    is_flag=True,
    help="The revision named, not the newest the store has.",
)
@store_options
def am_command(settings: Settings, ref: str, output: Path | None, this_revision: bool) -> None:
    """Write a patch series as an mbox `git am` applies, with the trailers reviewers gave.

    THREAD|MSG is a thread number or any message of the series (a patch, the cover letter, a
    reply). The newest revision the store has is taken, patches in series order (a partial
    re-roll completed from the revision before). Reviewed-by, Acked-by, Tested-by (any
    `…-by:`) and Fixes lines that replies carry are added to the patch they answer; a reply to
    the cover letter gives them to every patch. A `…-by:` naming someone else than the reply's
    sender is not taken, as b4 does. What was collected, and from whom, is printed on stderr
    (`--json`: on stdout, with `-o` needed). Exit 1 when there is no series.

    \b
    Example:
      threadlore am 20240507-mm-fix-v2-0-abc@example.org -o series.mbox && git am series.mbox
      threadlore am 12 | git am
      threadlore am 12 -o series.mbox --json
    """
    if settings.json and output is None:
        raise click.UsageError("--json prints the summary on stdout: give -o for the series")
    with store_session(settings) as session:
        am = prepare_am(SessionViews(session), ref, newest=not this_revision)
    mbox = am_mbox(am)
    cover = cover_letter(am)
    cover_path = _cover_path(output) if output is not None and cover is not None else None
    if output is None:
        sys.stdout.buffer.write(mbox)
        sys.stdout.flush()
    else:
        write_whole(output, mbox)
    if cover_path is not None and cover is not None:
        write_whole(cover_path, cover)
    if settings.json:
        print_json({**am.as_json(), "output": str(output), "cover_output": cover_path})
        return
    for line in summary_lines(am):
        click.echo(inert(line), err=True)
    if output is not None:
        cover_note = f", the cover letter to {cover_path}" if cover_path else ""
        written = f"wrote {len(am.series.patches)} patches to {output}{cover_note}"
        click.echo(f"{written}; apply with: git am {output}", err=True)


@click.command("revisions")
@click.argument("message", callback=typed_text)
@store_options
def revisions_command(settings: Settings, message: str) -> None:
    """List a patch's revisions, oldest first: v1, v2, resends (same author, same patch).

    MESSAGE is any revision's message id (a unique prefix is enough). Each line: date,
    author, series place, size (+added -removed, `…` when the archive cut the diff), subject, id.

    \b
    Example:
      threadlore revisions 629880de02e6
      threadlore revisions 20240507-mm-fix-v2-1@example.org --json
    """
    with store_session(settings) as session:
        chain = revision_chain(SessionViews(session), message)
    if settings.json:
        print_json([revision.as_json() for revision in chain])
        return
    for revision in chain:
        when = minute(revision.date)
        size = f"+{revision.added} -{revision.removed}{'…' if revision.truncated else ''}"
        place = revision.series or ""
        line = f"{when}  {revision.author or '?'}  {place}  {size}  {revision.subject}"
        click.echo(inert(f"{line}  <{revision.id}>"))


@click.command("interdiff")
@click.argument("earlier", callback=typed_text)
@click.argument("later", required=False, callback=typed_text)
@store_options
def interdiff_command(settings: Settings, earlier: str, later: str | None) -> None:
    """Show what changed between two revisions of a patch, as `git range-diff` shows it.

    A diff of the two patches (changelog, then diff, hunk line numbers and index lines left
    out): the outer `-`/`+` says which revision has the line, the inner one what the patch does
    with it. With one message, it is compared with the revision before it.

    \b
    Example:
      threadlore interdiff 629880de02e6 498cf914354b     # the seed's 5/6 and its resend
      threadlore interdiff 498cf914354b --json
    """
    with store_session(settings) as session:
        found = interdiff(SessionViews(session), earlier, later)
    if settings.json:
        print_json(found.as_json())
        return
    click.echo(inert(f"{found.earlier.id} → {found.later.id}: {found.later.subject}"))
    for label, paths in (
        ("files changed", found.files_changed),
        ("files only in the earlier", found.files_only_earlier),
        ("files only in the later", found.files_only_later),
        ("files the same", found.files_same),
    ):
        if paths:
            click.echo(inert(f"  {label}: {', '.join(paths)}"))
    if found.changelog_changed:
        click.echo("  the changelog changed")
    if found.earlier.truncated or found.later.truncated:
        click.echo("  the archive cut a diff short: only what both show can be compared")
    for line in found.text.split("\n") if found.text else ["  (no difference)"]:
        click.echo(inert(line))


COMMANDS = [am_command, revisions_command, interdiff_command]
