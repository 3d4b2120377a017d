"""`export`: a thread's decisions as a report or a picture to share, or the thread as mail."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from threadlore.cli.decision_commands import decision_maps
from threadlore.cli.options import Settings, UserError, print_json, store_options
from threadlore.cli.output_files import write_whole
from threadlore.cli.store_commands import store_session
from threadlore.kb.export import FORMATS, ExportError, export
from threadlore.kb.topics import match_topics

MAIL_FORMAT = "mbox"


def _export_mail(settings: Settings, thread: str, output: Path | None) -> None:
    """The thread as an mbox, on stdout or into `output`."""
    from threadlore.kb.mail_export import thread_mbox
    from threadlore.kb.thread_views import SessionViews

    if settings.json and output is None:
        raise click.UsageError("--json prints a summary on stdout: give -o for the mbox")
    with store_session(settings) as session:
        exported = thread_mbox(SessionViews(session), thread)
    if output is None:
        sys.stdout.buffer.write(exported.mbox)
        sys.stdout.flush()
        return
    write_whole(output, exported.mbox)
    if settings.json:
        print_json(
            {"output": str(output), "messages": exported.messages, "inferred": exported.inferred}
        )
    else:
        inferred = f" ({exported.inferred} with inferred headers)" if exported.inferred else ""
        click.echo(f"wrote {exported.messages} messages{inferred} to {output}", err=True)


@click.command("export")
@click.argument("thread")
@click.option(
    "--format",
    "fmt",
    type=click.Choice((*FORMATS, MAIL_FORMAT)),
    default="md",
    show_default=True,
    help="md, html: the decisions as a report; dot, svg: the decision map as a picture; "
    "mbox: the thread's messages as mail (mutt, notmuch, b4).",
)
@click.option("--topic", metavar="TEXT", help="Only the questions on this topic.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@store_options
def export_command(
    settings: Settings, thread: str, fmt: str, topic: str | None, output: Path | None
) -> None:
    """Export a thread's decisions as Markdown or HTML to share, or as a decision-map picture
    (Graphviz DOT, or SVG when Graphviz's `dot` is installed); or the thread itself as an mbox.

    The mbox has the headers mail programs thread by (From, To, Cc, Date, Subject, Message-ID,
    In-Reply-To, References); for archive-text messages they come from the inference (with
    corrections applied), each inferred value named in an X-Threadlore-Inferred header with its
    confidence. Importing the mbox gives the same tree.

    \b
    Example:
      threadlore export 1 --format html -o decisions.html
      threadlore export 1 --format svg --topic nonlinear -o nonlinear.svg
      threadlore export 1 --format mbox -o thread.mbox && mutt -f thread.mbox
    """
    if fmt == MAIL_FORMAT:
        if topic is not None:
            raise click.UsageError("--topic applies to the decision map, not to --format mbox")
        _export_mail(settings, thread, output)
        return
    if settings.json and output is None:
        raise click.UsageError(f"--json prints a summary on stdout: give -o for the {fmt} file")
    with store_session(settings) as session:
        maps = decision_maps(session, thread)
    texts = []
    exported_questions = 0
    for stored in maps:
        discussion = stored.discussion
        questions = list(discussion.questions)
        if topic is not None:
            questions = [q for m in match_topics(discussion, topic) for q in m.questions]
            if not questions:
                raise UserError(f"no topic matches {topic!r}")
        try:
            texts.append(export(discussion, fmt, questions))
            exported_questions += len(questions)
        except ExportError as exc:
            raise UserError(str(exc)) from exc
    text = "".join(texts)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_whole(output, text)
        if settings.json:
            print_json({"output": str(output), "format": fmt, "questions": exported_questions})
        else:
            click.echo(f"wrote {output}", err=True)


COMMANDS = [export_command]
