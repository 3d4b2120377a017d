"""A thread's reply tree, read from the store in display order (`threadlore tree`, the UI's
thread view). Its own module so that a search, which never draws a tree, loads no `enum`."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from threadlore.db.store_reads import SUMMARY_COLUMNS, SUMMARY_FROM, summary_of
from threadlore.db.views import MessageSummary, TreeRow

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from threadlore.db.driver import StoreReader
    from threadlore.db.store_reads import Row


class TreeOrder(StrEnum):
    """How a message's replies are ordered in a thread's tree."""

    SERIES = "series"  # a series' patches by position (0/N, 1/N …), then the replies by date
    DATE = "date"  # oldest first
    ARCHIVE = "archive"  # as the source lists them (an archive page: depth first, its order)


# a tree row: the summary's columns, then what placing it in the tree needs
_TREE_ROW = (
    f"SELECT {SUMMARY_COLUMNS}, m.parent_id, m.placeholder, m.series_version, m.series_index, "
    f"m.series_total, m.source_id, m.author_id {SUMMARY_FROM}"
    "WHERE m.thread_id = :thread"
)
_PK, _POSITION = 0, 2
_PARENT_PK, _PLACEHOLDER, _VERSION, _INDEX, _TOTAL, _SOURCE, _AUTHOR = range(11, 18)


def _sort_key(summary: MessageSummary, pk: int) -> tuple[bool, datetime, int]:
    when = summary.date or datetime.max.replace(tzinfo=UTC)
    return (summary.date is None, when, pk)


def _sibling_key(
    order: TreeOrder, summaries: dict[int, MessageSummary]
) -> Callable[[Row], tuple[Any, ...]]:
    def by_date(row: Row) -> tuple[Any, ...]:
        return _sort_key(summaries[row[_PK]], row[_PK])

    if order is TreeOrder.DATE:
        return by_date
    if order is TreeOrder.ARCHIVE:
        return lambda row: (row[_SOURCE] is None, row[_SOURCE] or 0, row[_POSITION] or 0, row[_PK])

    def by_series(row: Row) -> tuple[Any, ...]:
        index = row[_INDEX]
        if index is not None and index > 0:
            return (0, row[_VERSION] or 1, row[_TOTAL] or 0, index, row[_PK])
        return (1, *by_date(row))

    return by_series


def _under_cover_letters(children: dict[int | None, list[Row]]) -> None:
    """Patches that are siblings of their series' cover letter (both answering a message that
    was never seen, or a patch threaded wrongly) are shown under the cover letter, as b4 does."""
    for siblings in list(children.values()):
        covers = {
            (r[_VERSION], r[_TOTAL], r[_AUTHOR]): r
            for r in siblings
            if r[_INDEX] == 0 and r[_TOTAL]
        }
        for row in list(siblings):
            cover = covers.get((row[_VERSION], row[_TOTAL], row[_AUTHOR]))
            if cover is not None and row[_INDEX] and row is not cover:
                siblings.remove(row)
                children.setdefault(cover[_PK], []).append(row)


def thread_tree(
    reader: StoreReader, thread_id: int, order: TreeOrder = TreeOrder.SERIES
) -> list[TreeRow]:
    """A thread's reply tree in display order, depth first.

    Replies are ordered by `order`: by default a series' patches come first in series order
    (0/N's replies 1/N … N/N, as b4 and mutt show them) and the other replies oldest first;
    `TreeOrder.ARCHIVE` keeps the order of the source (an archive page's own listing).
    """
    rows = reader.query(_TREE_ROW, thread=thread_id)
    if not rows:
        raise LookupError(f"no thread {thread_id}")
    summaries = {row[_PK]: summary_of(row, reader.sql) for row in rows}
    children: dict[int | None, list[Row]] = {}
    for row in rows:
        parent = row[_PARENT_PK] if row[_PARENT_PK] in summaries else None
        children.setdefault(parent, []).append(row)
    if order is TreeOrder.SERIES:
        _under_cover_letters(children)
    key = _sibling_key(order, summaries)
    for siblings in children.values():
        siblings.sort(key=key)
    result: list[TreeRow] = []
    roots = children.get(None, [])
    # depth first without recursion: a reply chain may be thousands of messages deep
    stack: list[tuple[Row, int, bool, tuple[bool, ...]]] = [
        (root, 0, i == len(roots) - 1, ()) for i, root in reversed(list(enumerate(roots)))
    ]
    while stack:
        row, depth, is_last, ancestors_last = stack.pop()
        result.append(
            TreeRow(
                message=summaries[row[_PK]],
                depth=depth,
                is_last_child=is_last,
                ancestors_last=ancestors_last,
                placeholder=bool(row[_PLACEHOLDER]),
            )
        )
        kids = children.get(row[_PK], [])
        below = (*ancestors_last, is_last)
        stack.extend(
            (kid, depth + 1, i == len(kids) - 1, below)
            for i, kid in reversed(list(enumerate(kids)))
        )
    return result
