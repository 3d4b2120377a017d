"""Shareable reports of a decision map: Markdown, HTML, and a Graphviz decision-map picture.

Markdown and HTML are two renderings of one walk over the map (topic, question, proposal, its
arguments for and against with their replies, the decision and what happened later), so the two
always say the same thing. DOT draws questions, proposals (coloured by status) and arguments
(green supports, red attacks); `svg` runs Graphviz's `dot` when it is installed.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from threadlore.kb.discussion import Argument, DiscussionMap, Proposal, Question, Quote, Status

FORMATS = ("md", "html", "dot", "svg")
STATUS_COLOURS = {
    Status.PROPOSED: "#fff3bf",
    Status.ACCEPTED: "#b2f2bb",
    Status.REJECTED: "#ffc9c9",
    Status.SUPERSEDED: "#dee2e6",
    Status.MERGED_LATER: "#a5d8ff",
}


REBUTTAL, BACKING = "↳ rebuttal:", "↳ backing:"
AGAINST_SIGNS = ("−", REBUTTAL)


class ExportError(ValueError):
    """An export that cannot be made (an unknown format, Graphviz missing for svg)."""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Line:
    """A line of prose at an indentation depth (0 is a paragraph, 1+ list items)."""

    depth: int
    text: str


@dataclass(frozen=True)
class Cited:
    """An attributed quote at a depth; `sign`: + for, − against, a reply's REBUTTAL/BACKING, ""."""

    depth: int
    sign: str
    quote: Quote


Block = Heading | Line | Cited


def _replies(discussion: DiscussionMap, argument: Argument, depth: int) -> Iterator[Block]:
    for reply in discussion.arguments_on(argument.id):
        sign = REBUTTAL if argument.id in reply.attacks else BACKING
        yield Cited(depth, sign, reply.quote)


def _proposal_blocks(discussion: DiscussionMap, proposal: Proposal) -> Iterator[Block]:
    status = discussion.status_of(proposal.id)
    label = status.status.value if status else "undecided"
    policy = f" — model policy `{proposal.policy}`" if proposal.policy else ""
    yield Heading(4, f"{proposal.title} [{label}]{policy}")
    yield Line(0, f"`{proposal.id}`, proposed by {proposal.by}:")
    for source in proposal.sources:
        yield Cited(1, "", source)
    for sign, title in (("+", "For"), ("−", "Against")):
        arguments = sorted(
            (
                a
                for a in discussion.arguments_on(proposal.id)
                if (proposal.id in a.attacks) == (sign == "−")
            ),
            key=lambda a: a.quote.date,
        )
        if arguments:
            yield Line(0, f"{title}:")
        for argument in arguments:
            yield Cited(1, sign, argument.quote)
            yield from _replies(discussion, argument, 2)
    if status is not None:
        superseded = f" (superseded by `{status.superseded_by}`)" if status.superseded_by else ""
        yield Line(0, f"Decision: {status.status.value}{superseded} — {status.summary}")
        for event in status.later:
            yield Line(1, f"Later: {event.describe()}")


def report_blocks(discussion: DiscussionMap, questions: Sequence[Question]) -> Iterator[Block]:
    """The report as a sequence of headings, lines and quotes."""
    yield Heading(1, f"Decisions in “{discussion.thread.title}”")
    topics = {t.id: t for t in discussion.topics}
    shown_topic = None
    for question in questions:
        if question.topic_id != shown_topic:
            shown_topic = question.topic_id
            yield Heading(2, topics[question.topic_id].title)
        yield Heading(3, question.title)
        for proposal in question.proposals:
            yield from _proposal_blocks(discussion, proposal)


def _cite_text(quote: Quote) -> str:
    link = f" <{quote.message_id}>" if quote.message_id else ""
    return f"{quote.by}, {quote.date}: “{quote.text}”{link}"


def to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"\n{'#' * block.level} {block.text}\n")
        elif isinstance(block, Line):
            out.append(
                f"{'  ' * (block.depth - 1)}- {block.text}" if block.depth else f"\n{block.text}\n"
            )
        else:
            sign = f"{block.sign} " if block.sign else ""
            out.append(f"{'  ' * (block.depth - 1)}- {sign}{_cite_text(block.quote)}")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"  # one blank line between blocks


_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}
h4{margin-bottom:.2rem}blockquote{margin:.2rem 0 .2rem 1.5rem;padding-left:.6rem;
border-left:3px solid #ccc}.for{border-color:#2f9e44}.against{border-color:#e03131}
.who{color:#555;font-size:.9em}code{background:#f1f3f5}"""


def _html_text(text: str) -> str:
    """Escaped text, with Markdown-style `code` spans as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def to_html(blocks: Sequence[Block], title: str) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{_html_text(block.text)}</h{block.level}>")
        elif isinstance(block, Line):
            style = f' style="margin-left:{1.5 * block.depth}rem"' if block.depth else ""
            out.append(f"<p{style}>{_html_text(block.text)}</p>")
        else:
            kind = "against" if block.sign in AGAINST_SIGNS else "for" if block.sign else ""
            quote = block.quote
            out.append(
                f'<blockquote class="{kind}" style="margin-left:{1.5 * block.depth}rem">'
                f"{html.escape(block.sign)} “{html.escape(quote.text)}”"
                f'<div class="who">{html.escape(quote.by)}, {html.escape(quote.date)}'
                + (
                    f", message <code>{html.escape(quote.message_id)}</code>"
                    if quote.message_id
                    else ""
                )
                + "</div></blockquote>"
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _dot_label(text: str, width: int = 32) -> str:
    wrapped = textwrap.wrap(text, width)
    if len(wrapped) > 4:
        wrapped = [*wrapped[:3], wrapped[3] + " …"]
    return "\\n".join(w.replace("\\", "\\\\").replace('"', '\\"') for w in wrapped)


def to_dot(discussion: DiscussionMap, questions: Sequence[Question]) -> str:
    """A Graphviz digraph: question ← proposals ← arguments (green supports, red attacks)."""
    lines = [
        "digraph decisions {",
        '  graph [rankdir=RL, fontname="Helvetica", overlap=false];',
        '  node [fontname="Helvetica", fontsize=10, style=filled];',
        '  edge [fontname="Helvetica", fontsize=8];',
    ]
    shown: set[str] = set()
    for question in questions:
        lines.append(
            f'  "{question.id}" [shape=box, fillcolor="#e7f5ff", '
            f'label="{_dot_label(question.title, 40)}"];'
        )
        for proposal in question.proposals:
            status = discussion.status_of(proposal.id)
            colour = STATUS_COLOURS[status.status] if status else "#ffffff"
            label = _dot_label(f"{proposal.title} ({proposal.by})")
            lines.append(
                f'  "{proposal.id}" [shape=ellipse, fillcolor="{colour}", label="{label}"];'
            )
            lines.append(f'  "{proposal.id}" -> "{question.id}";')
            shown.add(proposal.id)
    for argument in discussion.arguments:
        targets = [t for t in (*argument.supports, *argument.attacks) if t in shown]
        if not targets:
            continue
        label = _dot_label(f"{argument.by}: {argument.quote.text}")
        lines.append(f'  "{argument.id}" [shape=note, fillcolor="#f8f9fa", label="{label}"];')
        for target in targets:
            attack = target in argument.attacks
            colour = "#e03131" if attack else "#2f9e44"
            relation = "attacks" if attack else "supports"
            lines.append(f'  "{argument.id}" -> "{target}" [color="{colour}", label="{relation}"];')
        shown.add(argument.id)
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(dot_source: str) -> str:
    """Render DOT with Graphviz's `dot`; ExportError when it is not installed or fails."""
    dot = shutil.which("dot")
    if dot is None:
        raise ExportError("svg needs Graphviz's `dot` (apt-get install graphviz); use --format dot")
    done = subprocess.run(
        [dot, "-Tsvg"], input=dot_source, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise ExportError(
            f"dot failed: {done.stderr.strip().splitlines()[0] if done.stderr else ''}"
        )
    return done.stdout


def export(discussion: DiscussionMap, fmt: str, questions: Sequence[Question] | None = None) -> str:
    """The map (or only `questions` of it) in one of FORMATS."""
    chosen = list(discussion.questions if questions is None else questions)
    if fmt == "md":
        return to_markdown(list(report_blocks(discussion, chosen)))
    if fmt == "html":
        return to_html(list(report_blocks(discussion, chosen)), discussion.thread.title)
    if fmt == "dot":
        return to_dot(discussion, chosen)
    if fmt == "svg":
        return to_svg(to_dot(discussion, chosen))
    raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
