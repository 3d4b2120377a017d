"""The one-line label of each message in a thread's index, fitted to the index's width.

Like mutt's index: date, author, a patch mark, the tree art, and the subject when it changed
from the parent's; a reply without a subject of its own shows its first own line instead, dim.
Authors are shown whole when the width allows, then with initials for given names (`B.
Herrenschmidt`), then cut; an inferred author is italic with its confidence (`~74%`), or `~`
alone when there is no room. Built as Textual `Content` (not rich `Text`): a 1,000-message
thread builds 1,000 of these, again on each resize.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.content import Content

from threadlore.db.views import TreeRow
from threadlore.importers.subjects import strip_reply_markers
from threadlore.tui.dates import month_day_minute
from threadlore.tui.text import inert_plain
from threadlore.tui.tree_art import art_width, tree_prefix

DATE_WIDTH = 11  # "02-21 00:49": the year is in the thread list; replies come minutes apart
MARKS_WIDTH = 3  # " P " for a patch, "•" first when the message matches the thread's search
MIN_AUTHOR = 10
AUTHOR_SHARE = 0.34  # at most this share of the width goes to the author
HIT_MARK = "•"
PATCH_MARK = "P"
_NICKNAME = re.compile(r"(['\"(\[]).*?(['\")\]])")
_VIA_LIST = re.compile(r"\s+via\s+\S+$")  # "Chris Mason via Ksummit-discuss": a list's rewrite


@dataclass(frozen=True)
class TreeLayout:
    """Column widths for one index width: the author column, the most the art may take, and
    whether the thread's art is drawn narrow (one column a level) to fit it."""

    author: int
    art: int
    narrow: bool = False


def confidence_suffix(row: TreeRow) -> str:
    """` ~74%` for an inferred author, "" for one read from the message."""
    confidence = row.message.author_confidence
    return "" if confidence is None else f" ~{round(confidence * 100)}%"


def shown_author(row: TreeRow) -> str:
    """The author as the index names them: a list's `via …` rewrite dropped."""
    if row.placeholder:
        return "(not in archive)"
    return _VIA_LIST.sub("", inert_plain(row.message.author or "(unknown)"))


def tree_layout(rows: list[TreeRow], width: int) -> TreeLayout:
    """The author column fits the longest name (with its confidence) up to a share of `width`;
    the art may take half of what is left after date, author and marks."""
    longest = max((len(shown_author(r) + confidence_suffix(r)) for r in rows), default=0)
    author = max(MIN_AUTHOR, min(longest, int((width - DATE_WIDTH - MARKS_WIDTH) * AUTHOR_SHARE)))
    art = max(6, (width - DATE_WIDTH - 1 - author - MARKS_WIDTH) // 2)
    deepest = max((r.depth for r in rows), default=0)
    return TreeLayout(author=author, art=art, narrow=art_width(deepest) > art)


def initials(name: str) -> str:
    """`Benjamin Herrenschmidt` → `B. Herrenschmidt`: given names cut to their initial, and a
    nickname in quotes or brackets left out (`Paolo 'Blaisorblade' Giarrusso` → `P. Giarrusso`)."""
    words = [w for w in _NICKNAME.sub(" ", name).split() if w[0].isalnum()]
    if len(words) < 2:
        return name
    return " ".join([*(w[0] + "." for w in words[:-1]), words[-1]])


def fitted_author(name: str, suffix: str, width: int) -> tuple[str, str]:
    """The name and confidence suffix that fit `width`: whole, with initials, then cut."""
    marks = (suffix, "~") if suffix else ("",)
    for candidate in (name, initials(name)):
        for mark in marks:
            if len(candidate) + len(mark) <= width:
                return candidate, mark
    mark = "~" if suffix else ""
    return name[: max(0, width - len(mark) - 1)] + "…", mark


def author_label(row: TreeRow, width: int) -> Content:
    """The author, fitted to its column; an inferred author is italic with its confidence."""
    if row.placeholder:
        return Content.styled(shown_author(row)[:width].ljust(width), "dim italic")
    name, mark = fitted_author(shown_author(row), confidence_suffix(row), width)
    if not mark:
        return Content(name.ljust(width))
    return Content.assemble((name, "italic"), (mark.ljust(width - len(name)), "dim"))


def tree_row_label(
    row: TreeRow,
    parent_subject: str | None,
    layout: TreeLayout,
    *,
    opening: str = "",
    hidden: int = 0,
    hit: bool = False,
) -> Content:
    """One line of the index.

    Args:
        row: the message's row.
        parent_subject: its parent's subject (None for a root): an unchanged subject is left out.
        layout: the column widths for the index's width.
        opening: the message's first own line, shown when its subject is left out.
        hidden: how many replies under it are collapsed (shown as `(+N)`).
        hit: whether it matches the search the thread was opened from.
    """
    message = row.message
    subject = strip_reply_markers(message.subject)
    if row.placeholder:
        text: tuple[str, str] = ("", "")
    elif parent_subject is None or subject != strip_reply_markers(parent_subject):
        text = (inert_plain(message.subject or "(no subject)"), "")
    else:
        text = (inert_plain(opening), "dim")
    return Content.assemble(
        (month_day_minute(message.date), "dim"),
        " ",
        author_label(row, layout.author),
        (HIT_MARK if hit else " ", "bold $accent"),
        (PATCH_MARK if message.has_patch else " ", "bold green"),
        " ",
        (tree_prefix(row, layout.art, narrow=layout.narrow), "dim"),
        (f"(+{hidden}) " if hidden else "", "bold"),
        text,
    )
