"""Mutt's reply-tree art, the one definition the CLI's `tree` and the UI's thread index draw.

For each ancestor level below the root a line goes on down (`│`) when that ancestor has later
siblings, and is blank otherwise; then a branch (`├─>`, or `└─>` for a last reply). A thread too
deep for its room (the seed goes 20 levels down) is drawn narrow, one column a level (mutt's
`narrow_tree`), and a reply deeper still keeps only the levels nearest it, after a `…`.
"""

from __future__ import annotations

from threadlore.db.views import TreeRow

BRANCH = "├─>"
LAST_BRANCH = "└─>"
CONTINUES = "│ "
ENDED = "  "
NARROW_BRANCH = "├>"
NARROW_LAST_BRANCH = "└>"
NARROW_CONTINUES = "│"
NARROW_ENDED = " "
CUT = "…"


def _levels(row: TreeRow) -> tuple[bool, ...]:
    """For each ancestor between the root and the message: was that ancestor a last child."""
    if row.depth <= 1:
        return ()
    return row.ancestors_last[len(row.ancestors_last) - (row.depth - 1) :]


def art_width(depth: int, *, narrow: bool = False) -> int:
    """How many columns the whole art of a message at `depth` takes."""
    if depth == 0:
        return 0
    return (depth - 1) * (1 if narrow else 2) + (2 if narrow else 3)


def tree_prefix(row: TreeRow, width: int | None = None, *, narrow: bool = False) -> str:
    """The art before a message; roots (depth 0) get none.

    Args:
        row: the message's row in its thread's tree.
        width: the most columns the art may take; None draws it whole.
        narrow: one column a level (for a whole thread, so that levels line up).
    """
    if row.depth == 0:
        return ""
    levels = _levels(row)
    if narrow:
        art = "".join(NARROW_ENDED if last else NARROW_CONTINUES for last in levels)
        branch = NARROW_LAST_BRANCH if row.is_last_child else NARROW_BRANCH
    else:
        art = "".join(ENDED if last else CONTINUES for last in levels)
        branch = LAST_BRANCH if row.is_last_child else BRANCH
    if width is None or len(art) + len(branch) <= width:
        return art + branch
    level = 1 if narrow else 2
    kept = max(0, width - len(branch) - len(CUT)) // level * level  # whole levels only
    return CUT + (art[len(art) - kept :] if kept else "") + branch
