"""A patch series in the store: its cover letter, its patches in order, its newest revision.

A series is the messages of one thread that one author sent with the same `[PATCH vN i/k]`
marker (vN and k), i from 1 to k, under a cover letter `0/k` when there is one (or, as b4 reads
a "naked" cover, the same author's message without a diff that the patches answer). Its newest
revision is found through the store's revision links (`db.revisions`: a later patch by the same
author, with the same subject or the same files and changelog), in any thread.

Everything is read through `kb.thread_views.ThreadViews`, so the command line and the UI build
the same series.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from threadlore.db.views import MessageView, TreeRow
from threadlore.importers.records import SeriesPosition
from threadlore.importers.subjects import is_reply_subject, parse_series_marker
from threadlore.kb.thread_views import ThreadViews


class NoSeries(LookupError):
    """The thread or message names no patch series."""


def series_position(row: TreeRow) -> SeriesPosition | None:
    """The `[PATCH vN i/k]` place a message's subject gives it; None for replies."""
    subject = row.message.subject
    if row.placeholder or is_reply_subject(subject):
        return None
    return parse_series_marker(subject)


@dataclass(frozen=True)
class Series:
    """One revision of a series: `patches` in order (missing ones are listed in `missing`).

    `revisions` lists the series' versions the store knows (oldest first) and `version` the one
    this is; `thread` is the thread it was sent in.
    """

    thread: int
    version: int
    total: int
    author: str | None
    cover: MessageView | None
    patches: tuple[MessageView, ...]
    missing: tuple[int, ...]
    revisions: tuple[int, ...]

    @property
    def members(self) -> tuple[MessageView, ...]:
        """The cover letter (when there is one), then the patches."""
        return ((self.cover,) if self.cover else ()) + self.patches


def _when(row: TreeRow) -> datetime:
    return row.message.date or datetime.min.replace(tzinfo=UTC)


def _series_rows(
    rows: Sequence[TreeRow], start: TreeRow | None, newest: bool
) -> tuple[dict[int, list[tuple[SeriesPosition, TreeRow]]], SeriesPosition]:
    """The thread's revisions of the series `start` belongs to (else of the newest series), by
    version: each one's messages by the same author with the same number of patches. The
    marker says which revision is wanted: `start`'s, or with `newest` the thread's newest."""
    marked = [(row, pos) for row in rows if (pos := series_position(row)) is not None]
    patches = [(row, pos) for row, pos in marked if row.message.has_patch or pos.index == 0]
    if not patches:
        raise NoSeries("no patch series here (no [PATCH i/k] message with a diff)")
    by_id = {row.message.id: row for row in rows}
    while start is not None and all(r is not start for r, _ in patches):  # a reply: its patch
        start = by_id.get(start.message.parent or "")
    chosen = next(((r, p) for r, p in patches if start is not None and r is start), None)
    if chosen is None:
        chosen = max(patches, key=lambda item: (item[1].version, _when(item[0])))
    row, marker = chosen
    author = row.message.author
    versions: dict[int, list[tuple[SeriesPosition, TreeRow]]] = {}
    for r, p in sorted(patches, key=lambda item: _when(item[0])):
        if p.total == marker.total and r.message.author == author:
            versions.setdefault(p.version, []).append((p, r))
    if newest:
        marker = max((p for found in versions.values() for p, _ in found), key=lambda p: p.version)
    return versions, marker


def _naked_cover(rows: Sequence[TreeRow], patches: Sequence[TreeRow]) -> TreeRow | None:
    """The message without a diff, by the patches' author, that the first patch answers."""
    by_id = {row.message.id: row for row in rows}
    first = patches[0].message
    parent = by_id.get(first.parent or "")
    if parent is None or parent.placeholder or parent.message.has_patch:
        return None
    return parent if parent.message.author == first.author else None


def _one_revision(views: ThreadViews, thread: int, start_id: str | None, newest: bool) -> Series:
    """One revision of a series as the thread holds it; a partial re-roll (v3 re-sending only
    some patches of v2) is completed with the earlier revision's other patches, as b4 does."""
    rows = views.thread_tree(thread)
    start = next((row for row in rows if row.message.id == start_id), None)
    versions, marker = _series_rows(rows, start, newest)
    by_index: dict[int, TreeRow] = {}
    for version in sorted((v for v in versions if v <= marker.version), reverse=True):
        for position, row in versions[version]:  # a resend later in the thread: the first
            by_index.setdefault(position.index, row)
    cover_row = by_index.pop(0, None)
    ordered = [by_index[i] for i in sorted(by_index)]
    if not ordered:
        raise NoSeries("the series has a cover letter but no patch in the store")
    if cover_row is None and marker.total > 1:
        cover_row = _naked_cover(rows, ordered)
    return Series(
        thread=thread,
        version=marker.version,
        total=marker.total,
        author=ordered[0].message.author,
        cover=views.get_message(cover_row.message.id) if cover_row else None,
        patches=tuple(views.get_message(row.message.id) for row in ordered),
        missing=tuple(i for i in range(1, marker.total + 1) if i not in by_index),
        revisions=tuple(sorted(v for v in versions if v <= marker.version)),
    )


def _newer(views: ThreadViews, series: Series) -> str | None:
    """A patch of a later revision of the series, if the store has one."""
    later = [
        views.get_message(later_id)
        for patch in series.patches
        for view in patch.patches
        for later_id in view.revised_by
    ]
    later = [m for m in later if m.summary.thread is not None]
    if not later:
        return None
    newest = max(later, key=lambda m: m.summary.date or datetime.min.replace(tzinfo=UTC))
    return newest.summary.id


def find_series(views: ThreadViews, ref: str, *, newest: bool = True) -> Series:
    """The series a thread (number or message id) or a message in it belongs to.

    With `newest`, follows revision links to the newest revision the store has, in whatever
    thread it was sent; `revisions` then lists every version passed through, oldest first.

    Raises:
        LookupError: when nothing matches `ref`, or (NoSeries) it names no series.
    """
    thread = views.resolve_thread(ref)
    start = None if ref.strip().isdigit() else views.get_message(ref).summary.id
    series = _one_revision(views, thread, start, newest)
    seen = set(series.revisions)
    while newest and (later := _newer(views, series)) is not None and len(seen) < 50:
        newer = _one_revision(views, views.resolve_thread(later), later, newest)
        if newer.patches[0].summary.id == series.patches[0].summary.id:
            break
        series = newer
        seen.update(series.revisions)
    return dataclasses.replace(series, revisions=tuple(sorted(seen)))
