"""Mutt-style reply-tree art and the one-line label of each message in a thread's tree."""

from __future__ import annotations

from textual.content import Content

from threadlore.db.views import TreeRow, bare_subject
from threadlore.tui.text import inert_plain

# Two columns an ancestor level, as mutt draws it, so that deep threads (the seed goes about
# 20 levels down) still leave room for a subject.
BRANCH = "├─>"
LAST_BRANCH = "└─>"
CONTINUES = "│ "
ENDED = "  "
PATCH_MARK = "P"
AUTHOR_WIDTH = 18
DATE_FORMAT = "%m-%d %H:%M"  # the year is in the thread list; replies come minutes apart


def tree_prefix(row: TreeRow) -> str:
    """The art before a message: one column per ancestor level below the root, then a branch.

    Roots (depth 0) get none. For each ancestor between the root and the message, a line goes on
    down (`│`) when that ancestor has later siblings, and blank otherwise.
    """
    if row.depth == 0:
        return ""
    levels = (
        row.ancestors_last[len(row.ancestors_last) - (row.depth - 1) :] if row.depth > 1 else ()
    )
    art = "".join(ENDED if was_last else CONTINUES for was_last in levels)
    return art + (LAST_BRANCH if row.is_last_child else BRANCH)


def author_label(row: TreeRow) -> Content:
    """The author, fitted to a column; an inferred author carries its confidence (`~70%`)."""
    message = row.message
    if row.placeholder:
        return Content.styled("(not in archive)".ljust(AUTHOR_WIDTH)[:AUTHOR_WIDTH], "dim italic")
    name = inert_plain(message.author or "(unknown)")
    if message.author_confidence is None:
        return Content(name.ljust(AUTHOR_WIDTH)[:AUTHOR_WIDTH])
    guess = f" ~{round(message.author_confidence * 100)}%"
    shown = name[: AUTHOR_WIDTH - len(guess)]
    return Content.assemble((shown, "italic"), (guess.ljust(AUTHOR_WIDTH - len(shown)), "dim"))


def tree_row_label(row: TreeRow, parent_subject: str | None) -> Content:
    """One line of the tree: date, author, patch mark, tree art, and the subject when it changed.

    Like mutt's index, a reply's subject is left out when it only repeats its parent's. Built as
    Textual `Content` directly (not rich `Text`): a 1,000-message thread builds 1,000 of these.
    """
    message = row.message
    date = message.date.strftime(DATE_FORMAT) if message.date else " " * 11
    subject = bare_subject(message.subject)
    shown_subject = ""
    if parent_subject is None or subject != bare_subject(parent_subject):
        shown_subject = inert_plain(message.subject or "(no subject)")
    return Content.assemble(
        (date, "dim"),
        " ",
        author_label(row),
        (f" {PATCH_MARK} " if message.has_patch else "   ", "bold green"),
        (tree_prefix(row), "dim"),
        shown_subject,
    )
