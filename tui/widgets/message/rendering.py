"""A message's parts as rich `Text`: headers, inferences, diffstat and a diff-highlighted body.

Everything from the archive goes through `tui.text`, so nothing a message contains can reach the
terminal as a control sequence or be parsed as markup.
"""

from __future__ import annotations

import re

from rich.text import Text

from threadlore.db.views import CorrectionNote, InferenceView, MessageView, PatchView, Span
from threadlore.tui.dates import header_date
from threadlore.tui.text import inert_line, inert_text

MATCH_STYLE = "bold reverse"
LINE_STYLES = {
    "added": "green",
    "removed": "red",
    "hunk": "cyan",
    "file": "bold",
    "note": "dim",
    "quoted": "dim",
}
_QUOTED = re.compile(r"^\s*>")
_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_FILE_HEADERS = (
    "diff --git ",
    "Index: ",
    "index ",
    "===",
    "--- ",
    "+++ ",
    "new file",
    "deleted file",
    "similarity ",
    "rename ",
    "old mode",
    "new mode",
)
SHORT_HEADERS = ("From", "Date", "Subject", "To", "Cc")
FIELD_ORDER = {"author": 0, "parent": 1, "date": 2, "series": 3}  # as the headers show them


def header_text(message: MessageView, *, full: bool = False) -> Text:
    """From, Date, Subject, To and Cc, one per line; with `full`, Message-ID and In-Reply-To too."""
    summary = message.summary
    author = summary.author or "(unknown)"
    if message.author_email:
        author = f"{author} <{message.author_email}>"
    fields: list[tuple[str, str]] = [
        ("From", author + (" (inferred)" if summary.author_confidence is not None else "")),
        ("Date", header_date(summary.date)),
        ("Subject", summary.subject),
        ("To", ", ".join(message.to)),
        ("Cc", ", ".join(message.cc)),
        ("Message-ID", summary.id),
        ("In-Reply-To", summary.parent or ""),
    ]
    text = Text(end="")
    for name, value in fields:
        if not value or (not full and name not in SHORT_HEADERS):
            continue
        if text:
            text.append("\n")
        text.append(f"{name}: ", style="bold")
        text.append_text(inert_line(value))
    return text


def folded_evidence(
    inferences: tuple[InferenceView, ...],
    anchored: str = "",
    corrections: tuple[CorrectionNote, ...] = (),
) -> Text:
    """What threadlore knows about a message beyond its text, folded to one line:
    `author inferred 74% · date 80% · in the decision map: 2 proposals — e for why`; a value a
    person corrected says so instead (`author corrected by ann`)."""
    text = Text(end="", style="dim")
    corrected = {note.field for note in corrections}
    for note in corrections:
        text.append(" · " if text else "")
        text.append(note.field, style="bold")
        text.append_text(inert_line(f" corrected by {note.by}"))
    shown = [i for i in inferences if i.field not in corrected]
    ordered = sorted(shown, key=lambda i: FIELD_ORDER.get(i.field, len(FIELD_ORDER)))
    for index, inference in enumerate(ordered):
        text.append(" · " if text else "")
        text.append(inference.field, style="bold")
        text.append(f"{' inferred' if index == 0 else ''} {round(inference.confidence * 100)}%")
    if anchored:
        text.append(" · " if text else "")
        text.append("in the decision map: ", style="bold")
        text.append(anchored)
    if text:
        text.append(" — ")
        text.append("e", style="bold reverse")
        text.append(" for why" if inferences or corrections else " to show")
    return text


def inference_text(
    inferences: tuple[InferenceView, ...], corrections: tuple[CorrectionNote, ...] = ()
) -> Text:
    """Why threadlore believes each value: who corrected it and when, or what it inferred, how
    confidently, and the evidence."""
    text = Text(end="")
    for note in corrections:
        if text:
            text.append("\n")
        text.append(f"{note.field}: ", style="bold")
        text.append_text(inert_line(note.value or "(none)"))
        text.append_text(
            inert_line(
                f"  corrected by {note.by} on {note.at:%Y-%m-%d %H:%M} UTC"
                f" (was {note.replaced or '(none)'})",
                style="dim",
            )
        )
    corrected = {note.field for note in corrections}
    for inference in inferences:
        if inference.field in corrected:
            continue
        if text:
            text.append("\n")
        text.append(f"{inference.field}: ", style="bold")
        text.append_text(inert_line(inference.value))
        text.append(f"  ({round(inference.confidence * 100)}% confident)", style="dim")
        for reason in inference.evidence:
            text.append("\n  • ")
            text.append_text(inert_line(reason))
    return text


def diffstat_text(patch: PatchView) -> Text:
    """A `git diff --stat`-like summary: one line per file with a +/- bar, then the totals."""
    text = Text(end="")
    if patch.series:
        text.append("series ", style="bold")
        text.append_text(inert_line(patch.series))
        text.append("\n")
    width = max((len(f.path) for f in patch.files), default=0)
    largest = max((f.added + f.removed for f in patch.files), default=0)
    scale = min(1.0, 40 / largest) if largest else 1.0
    for patched in patch.files:
        text.append(" ")
        text.append_text(inert_line(patched.path.ljust(width)))
        text.append(f" | {patched.added + patched.removed:4} ")
        text.append("+" * max(1 if patched.added else 0, round(patched.added * scale)), "green")
        text.append("-" * max(1 if patched.removed else 0, round(patched.removed * scale)), "red")
        text.append("\n")
    plural = "s" if len(patch.files) != 1 else ""
    text.append(
        f" {len(patch.files)} file{plural} changed, "
        f"{patch.added} insertions(+), {patch.removed} deletions(-)"
    )
    if patch.truncated:
        text.append("  (patch cut off in the archive)", style="dim italic")
    if patch.revises:
        text.append("\nrevises ", style="bold")
        text.append_text(inert_line(", ".join(patch.revises)))
    if patch.revised_by:
        text.append("\nrevised by ", style="bold")
        text.append_text(inert_line(", ".join(patch.revised_by)))
    return text


def diff_line_kinds(lines: list[str]) -> list[str]:
    """What each line of a text is: "" (prose) or a part of a unified diff.

    Kinds: "file" (diff, Index, ---/+++ headers), "hunk" (@@), "added", "removed", "context",
    "note" (`\\ No newline`). Inside a hunk the lines are counted against the hunk header's
    lengths, so a context line is known as one even when the archive stripped its leading space
    (or left it empty), and prose after the last hunk is prose again.
    """
    kinds: list[str] = []
    old = new = 0
    in_headers = False
    for index, line in enumerate(lines):
        hunk = _HUNK.match(line)
        if (old > 0 or new > 0) and not hunk:
            if line.startswith("+"):
                kind, new = "added", new - 1
            elif line.startswith("-"):
                kind, old = "removed", old - 1
            elif line.startswith("\\"):
                kind = "note"
            else:
                kind, old, new = "context", old - 1, new - 1
            kinds.append(kind)
            continue
        if hunk:
            old = int(hunk.group(1) or 1)
            new = int(hunk.group(2) or 1)
            kinds.append("hunk")
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        starts = line.startswith(("diff --git ", "Index: ")) or (
            line.startswith("--- ") and following.startswith("+++ ")
        )
        in_headers = starts or (in_headers and line.startswith(_FILE_HEADERS))
        kinds.append("file" if in_headers else "")
        old = new = 0
    return kinds


def body_text(
    body: str, *, highlight_diffs: bool, marks: tuple[Span, ...] = (), base: int = 0
) -> Text:
    """The body, inert, quoted lines dim; with `highlight_diffs`, any diff in it is coloured.

    Args:
        body: the text to show.
        highlight_diffs: colour unified diffs (only for messages that carry a patch).
        marks: spans of `body` (offset by `base`) a search matched, shown reversed.
        base: where `body` starts in the text the marks index.
    """
    lines = body.split("\n")
    kinds = diff_line_kinds(lines) if highlight_diffs else [""] * len(lines)
    kinds = [
        kind or ("quoted" if _QUOTED.match(line) else "")
        for line, kind in zip(lines, kinds, strict=True)
    ]
    text = Text(end="")
    offset = base
    for number, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if number:
            text.append("\n")
        end = offset + len(line)
        line_marks = [(s - offset, e - offset) for s, e in marks if s < end and e > offset]
        text.append_text(marked_text(line, LINE_STYLES.get(kind, ""), line_marks))
        offset += len(line) + 1
    return text


def marked_text(value: str, style: str, marks: list[Span]) -> Text:
    """`inert_text(value, style)` with the `marks` spans of `value` shown reversed."""
    if not marks:
        return inert_text(value, style=style)
    text = Text(end="", style=style)
    position = 0
    for start, end in sorted(marks):
        start, end = max(start, position), min(end, len(value))
        if start >= end:
            continue
        text.append_text(inert_text(value[position:start]))
        text.append_text(inert_text(value[start:end], style=MATCH_STYLE))
        position = end
    text.append_text(inert_text(value[position:]))
    return text


def unquoted_diffs(message: MessageView) -> list[PatchView]:
    """Patches whose diff is not already in the body (an attachment), to be shown after it.

    A diff is in the body when its first hunk header is a line of the body: the archive's text
    keeps the diff but strips context lines' leading space, so the stored diff (as the patch
    parser restored it) is not a substring of the body.
    """
    body_lines = set(message.body.splitlines())
    shown = []
    for patch in message.patches:
        hunks = [line for line in patch.diff.splitlines() if _HUNK.match(line)]
        if patch.diff.strip() and not (hunks and hunks[0] in body_lines):
            shown.append(patch)
    return shown
