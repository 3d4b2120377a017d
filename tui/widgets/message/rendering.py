"""A message's parts as rich `Text`: headers, inferences, diffstat and a diff-highlighted body.

Everything from the archive goes through `tui.text`, so nothing a message contains can reach the
terminal as a control sequence or be parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from threadlore.db.views import InferenceView, MessageView, PatchView
from threadlore.tui.text import inert_line, inert_text

DIFF_STYLES: tuple[tuple[str, str], ...] = (
    ("diff --git", "bold"),
    ("Index: ", "bold"),
    ("+++", "bold"),
    ("---", "bold"),
    ("@@", "cyan"),
    ("+", "green"),
    ("-", "red"),
)
_DIFF_STARTS = ("diff --git ", "Index: ", "--- a/", "--- ")
_DIFF_CONTINUES = (
    " ",
    "+",
    "-",
    "@@",
    "\\",
    "diff ",
    "index ",
    "Index: ",
    "===",
    "new file",
    "deleted file",
)


def header_text(message: MessageView) -> Text:
    """From, Date, Subject, To, Cc, Message-ID and In-Reply-To, one per line."""
    summary = message.summary
    author = summary.author or "(unknown)"
    if message.author_email:
        author = f"{author} <{message.author_email}>"
    fields: list[tuple[str, str]] = [
        ("From", author + (" (inferred)" if summary.author_confidence is not None else "")),
        ("Date", summary.date.strftime("%a, %d %b %Y %H:%M %z").strip() if summary.date else "?"),
        ("Subject", summary.subject),
        ("To", ", ".join(message.to)),
        ("Cc", ", ".join(message.cc)),
        ("Message-ID", summary.id),
        ("In-Reply-To", summary.parent or ""),
    ]
    text = Text(end="")
    for name, value in fields:
        if not value:
            continue
        if text:
            text.append("\n")
        text.append(f"{name}: ", style="bold")
        text.append_text(inert_line(value))
    return text


def inference_text(inferences: tuple[InferenceView, ...]) -> Text:
    """Why threadlore believes each inferred value: the value, its confidence, the evidence."""
    text = Text(end="")
    for inference in inferences:
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


def diff_line_style(line: str) -> str:
    """The style of one line of a unified diff."""
    for prefix, style in DIFF_STYLES:
        if line.startswith(prefix):
            return style
    return ""


def body_text(body: str, *, highlight_diffs: bool) -> Text:
    """The body, inert; with `highlight_diffs`, the lines of any diff in it are coloured.

    A diff starts at a `diff --git`, `Index:` or `--- ` line and runs while lines look like diff
    lines (context, +, -, @@, file headers); prose after it is left plain.
    """
    text = Text(end="")
    in_diff = False
    for number, line in enumerate(body.split("\n")):
        if number:
            text.append("\n")
        if highlight_diffs:
            in_diff = line.startswith(_DIFF_STARTS if not in_diff else _DIFF_CONTINUES) or (
                in_diff and line == ""
            )
        text.append_text(inert_text(line, style=diff_line_style(line) if in_diff else ""))
    return text


def unquoted_diffs(message: MessageView) -> list[PatchView]:
    """Patches whose diff is not already in the body (an attachment), to be shown after it."""
    return [
        patch for patch in message.patches if patch.diff.strip() and patch.diff not in message.body
    ]
