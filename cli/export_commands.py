"""`export`: a thread's decisions as a report or a picture to share."""

from __future__ import annotations

from pathlib import Path

import click

from threadlore.cli.decision_commands import decision_maps
from threadlore.cli.options import Settings, UserError, store_options
from threadlore.cli.store_commands import store_session
from threadlore.kb.export import FORMATS, ExportError, export
from threadlore.kb.topics import match_topics


@click.command("export")
@click.argument("thread")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True)
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
    (Graphviz DOT, or SVG when Graphviz's `dot` is installed).

    \b
    Example:
      threadlore export 1 --format html -o decisions.html
      threadlore export 1 --format svg --topic nonlinear -o nonlinear.svg
    """
    with store_session(settings) as session:
        maps = decision_maps(session, thread)
    texts = []
    for stored in maps:
        discussion = stored.discussion
        questions = list(discussion.questions)
        if topic is not None:
            questions = [q for m in match_topics(discussion, topic) for q in m.questions]
            if not questions:
                raise UserError(f"no topic matches {topic!r}")
        try:
            texts.append(export(discussion, fmt, questions))
        except ExportError as exc:
            raise UserError(str(exc)) from exc
    text = "".join(texts)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        if not settings.json:
            click.echo(f"wrote {output}", err=True)


COMMANDS = [export_command]
