"""`threadlore am`: a series ready for `git am`, with the trailers reviewers gave in replies.

The rules follow b4's (`b4 am`, checked against its test samples): a reply's own trailers (not
quoted ones: `importers.trailers` reads only trailer paragraphs outside quotes) belong to the
patch it answers, directly or through other replies; a reply to the cover letter gives them to
every patch. Person trailers (`…-by:`) count only when they name the reply's sender, by address
or by name; others are listed as ignored, as b4 lists "from/email mismatches". Besides
`…-by:`, a reply's `Fixes:` is taken; Link/Closes URLs, Cc/To and the like are not. A reply to
an earlier revision of a patch counts for the patch sent now when the diff is the same (b4
compares patch-ids). A trailer a
patch carries already is not added again. Collected trailers follow the patch's own, in the
order of the replies' dates, the patch's own replies before the cover letter's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any

from threadlore.db.views import MessageView, TreeRow
from threadlore.importers.subjects import clean_subject, parse_series_marker
from threadlore.kb.interdiff import diff_lines
from threadlore.kb.mail_writer import mail_address, mail_date, mbox_entry, message_bytes
from threadlore.kb.series import Series, find_series, series_position
from threadlore.kb.thread_views import ThreadViews

_PERSON_VALUE = re.compile(r"^(?:[^<>]*<[^<>\s]+@[^<>\s]+>|[^<>\s]+@[^<>\s]+)$")
_URL = re.compile(r"https?://")
_TRAILER_LINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*:\s*\S")
_DIFF_START = re.compile(r"^(diff --git |Index: |--- \S)")


@dataclass(frozen=True)
class FollowupTrailer:
    """A trailer a reply gave: to one patch (`patch`, its id), or to all (None: the cover's)."""

    key: str
    value: str
    by: str
    message: str
    patch: str | None

    @property
    def line(self) -> str:
        return f"{self.key}: {self.value}"


@dataclass(frozen=True)
class IgnoredTrailer:
    """A trailer in a reply that was not taken, and why."""

    key: str
    value: str
    by: str
    message: str
    reason: str


@dataclass(frozen=True)
class AmSeries:
    """A series with what its replies add: per patch, the trailer lines to append."""

    series: Series
    collected: tuple[FollowupTrailer, ...]
    ignored: tuple[IgnoredTrailer, ...]
    added: dict[str, tuple[str, ...]]  # patch id → trailer lines added to it

    def as_json(self) -> dict[str, Any]:
        series = self.series
        return {
            "thread": series.thread,
            "version": series.version,
            "revisions": list(series.revisions),
            "total": series.total,
            "author": series.author,
            "cover": series.cover.summary.id if series.cover else None,
            "patches": [
                {
                    "id": p.summary.id,
                    "subject": p.summary.subject,
                    "added_trailers": list(self.added[p.summary.id]),
                }
                for p in series.patches
            ],
            "missing": list(series.missing),
            "collected": [t.__dict__ for t in self.collected],
            "ignored": [t.__dict__ for t in self.ignored],
        }


def _key(key: str, value: str) -> str | None:
    """The key as a follow-up trailer, or None for what a reply does not give a patch: keys
    other than `…-by` and Fixes, and values that are links (b4 takes no Link: from replies)."""
    lowered = key.lower()
    wanted = lowered.endswith("-by") or lowered == "fixes"
    return key if wanted and not _URL.search(value) else None


def _names_sender(value: str, reply: MessageView) -> bool:
    """Whether a person trailer names the reply's sender: the same address, or the same name.
    A value that is not plainly `Name <address>` (`<a@b<mailto:a@b>>`, `Last, First <a@b>`,
    `Name [company] <a@b>`) names nobody for sure."""
    if not _PERSON_VALUE.match(value.strip()):
        return False
    name, address = parseaddr(value)
    sender = (reply.author_email or "").casefold()
    if address and address.casefold() == sender:
        return True
    return bool(name) and name.casefold() == (reply.summary.author or "").casefold()


def _answered(rows: Sequence[TreeRow], series: Series) -> dict[str, str]:
    """For each reply in the thread, the message of the series' author it answers: the nearest
    patch (of any revision) or cover letter above it."""
    by_id = {row.message.id: row for row in rows}
    posted = {
        row.message.id
        for row in rows
        if (position := series_position(row)) is not None
        and row.message.author == series.author
        and (row.message.has_patch or position.index == 0)
    }
    answered: dict[str, str] = {}
    for row in rows:
        here = row.message.id
        if row.placeholder or here in posted:
            continue
        parent, seen = row.message.parent, {here}
        while parent is not None and parent not in seen:
            if parent in posted:
                answered[here] = parent
                break
            seen.add(parent)
            parent = by_id[parent].message.parent if parent in by_id else None
    return answered


def _same_place(one: MessageView, other: MessageView) -> bool:
    """Whether two patches stand at the same place (i/k) of their revisions of a series."""
    first = parse_series_marker(one.summary.subject)
    second = parse_series_marker(other.summary.subject)
    if first is None or second is None:
        return False
    return (first.index, first.total) == (second.index, second.total)


def _targets(views: ThreadViews, series: Series) -> dict[str, str | None]:
    """For each reply whose trailers the series takes, the patch they go to (its id), or None
    for all of them (a reply to the cover letter). A reply to an earlier revision of a patch
    counts when that revision's diff is the same as the one sent now (b4 compares patch-ids)."""
    members = {p.summary.id: p for p in series.patches}
    cover = series.cover.summary.id if series.cover else None
    answered = _answered(views.thread_tree(series.thread), series)
    same_change: dict[str, str | None] = {}
    for earlier in set(answered.values()) - members.keys() - {cover}:
        view = views.get_message(earlier)
        twin = next(
            (
                p.summary.id
                for p in series.patches
                if view.patches and _same_place(view, p) and diff_lines(view) == diff_lines(p)
            ),
            None,
        )
        same_change[earlier] = twin
    targets: dict[str, str | None] = {}
    for reply, target in answered.items():
        if target in members:
            targets[reply] = target
        elif target == cover:
            targets[reply] = None
        elif same_change.get(target) is not None:
            targets[reply] = same_change[target]
    return targets


def _collect(
    views: ThreadViews, series: Series
) -> tuple[list[FollowupTrailer], list[IgnoredTrailer]]:
    targets = _targets(views, series)
    replies = [views.get_message(reply) for reply in targets]
    replies.sort(key=lambda r: (r.summary.date is None, r.summary.date, r.summary.id))
    collected: list[FollowupTrailer] = []
    ignored: list[IgnoredTrailer] = []
    for reply in replies:
        by = reply.summary.author or reply.author_email or "?"
        for raw_key, value in reply.trailers:
            key = _key(raw_key, value)
            if key is None:
                continue
            if key.lower().endswith("-by") and not _names_sender(value, reply):
                sender = reply.author_email or by
                reason = f"names someone else than the reply's sender <{sender}>"
                ignored.append(IgnoredTrailer(key, value, by, reply.summary.id, reason))
                continue
            target = targets[reply.summary.id]
            collected.append(FollowupTrailer(key, value, by, reply.summary.id, target))
    return collected, ignored


def _normalised(line: str) -> str:
    return " ".join(line.casefold().split())


def _added(series: Series, collected: Sequence[FollowupTrailer]) -> dict[str, tuple[str, ...]]:
    added: dict[str, tuple[str, ...]] = {}
    for patch in series.patches:
        have = {_normalised(f"{k}: {v}") for k, v in patch.trailers}
        lines: list[str] = []
        mine = [t for t in collected if t.patch == patch.summary.id]
        for trailer in (*mine, *(t for t in collected if t.patch is None)):
            if _normalised(trailer.line) not in have:
                have.add(_normalised(trailer.line))
                lines.append(trailer.line)
        added[patch.summary.id] = tuple(lines)
    return added


def prepare_am(views: ThreadViews, ref: str, *, newest: bool = True) -> AmSeries:
    """The series `ref` names (its newest revision, with `newest`) and what its replies add.

    Raises:
        LookupError: when `ref` names nothing, or no series (`kb.series.NoSeries`).
    """
    series = find_series(views, ref, newest=newest)
    collected, ignored = _collect(views, series)
    return AmSeries(series, tuple(collected), tuple(ignored), _added(series, collected))


def with_trailers(body: str, lines: Sequence[str]) -> str:
    """The body with trailer lines appended to its commit message's trailer block (a block of
    their own when it has none), before the `---` that opens the diffstat and diff."""
    if not lines:
        return body
    text = body.split("\n")
    diff = next((i for i, line in enumerate(text) if _DIFF_START.match(line)), len(text))
    separators = [i for i, line in enumerate(text[:diff]) if line.rstrip() == "---"]
    end = separators[-1] if separators else diff
    last = end - 1
    while last >= 0 and not text[last].strip():
        last -= 1
    block = last
    while block >= 0 and text[block].strip():
        block -= 1
    paragraph = text[block + 1 : last + 1]
    is_trailers = bool(paragraph) and all(
        _TRAILER_LINE.match(line) or line.startswith((" ", "\t")) for line in paragraph
    )
    insert = list(lines) if is_trailers else ["", *lines]
    return "\n".join(text[: last + 1] + insert + text[last + 1 :])


def _mail(message: MessageView, body: str) -> bytes:
    summary = message.summary
    author = formataddr((summary.author or "", message.author_email or ""))
    headers = [("From", mail_address(author))]
    date = mail_date(summary.date)
    if date is not None:
        headers.append(("Date", date))
    headers += [("Subject", summary.subject), ("Message-ID", f"<{summary.id}>")]
    return message_bytes(headers, body)


def am_mbox(am: AmSeries) -> bytes:
    """The patches in series order, each with its added trailers, as `git am` reads them."""
    return b"".join(
        mbox_entry(
            _mail(patch, with_trailers(patch.body, am.added[patch.summary.id])), escape=False
        )
        for patch in am.series.patches
    )


def cover_letter(am: AmSeries) -> bytes | None:
    """The cover letter as one message (for reading or for a merge commit), if there is one."""
    cover = am.series.cover
    return mbox_entry(_mail(cover, cover.body), escape=False) if cover else None


def summary_lines(am: AmSeries) -> list[str]:
    """What was collected and from whom, patch by patch, as `b4 am` prints it."""
    series = am.series
    versions = ", ".join(f"v{v}" for v in series.revisions)
    lines = [
        f"series v{series.version} ({series.total} patches) by {series.author}, "
        f"thread {series.thread}; revisions seen: {versions}"
    ]
    if series.cover:
        lines.append(f"  cover: {series.cover.summary.subject}")
    for patch in series.patches:
        lines.append(f"  {patch.summary.subject}")
        sources = [t for t in am.collected if t.patch in (patch.summary.id, None)]
        for added in am.added[patch.summary.id]:
            source = next(t for t in sources if t.line == added)
            via = "a reply to the cover letter" if source.patch is None else "a reply"
            lines.append(f"    + {added}  (from {source.by}, {via}: {source.message})")
    for number in series.missing:
        lines.append(
            f"  missing: patch {number}/{series.total} (not in the store, or without a diff)"
        )
    for patch in series.patches:
        if any(view.truncated for view in patch.patches):
            subject = patch.summary.subject
            lines.append(f"  ! the archive cut the diff of {subject!r}: git am cannot apply it")
    for ignored in am.ignored:
        trailer = f"{ignored.key}: {ignored.value}"
        lines.append(f"  ! not taken: {trailer} ({ignored.message}): {ignored.reason}")
    return lines


def series_file(am: AmSeries, folder: Path) -> Path:
    """Where `save_series` writes, named as b4 names it: `v2_20240502_ann_mm_fix_the_path.mbx`."""
    series = am.series
    first = series.cover or series.patches[0]
    date = first.summary.date.strftime("%Y%m%d") if first.summary.date else "undated"
    who = (first.author_email or "unknown").split("@")[0]
    subject = clean_subject(first.summary.subject).lower()
    slug = "_".join(re.findall(r"[a-z0-9]+", subject))[:60] or "series"
    version = f"v{series.version}_" if series.version > 1 else ""
    return folder / f"{version}{date}_{who}_{slug}.mbx"


def save_series(am: AmSeries, folder: Path) -> Path:
    """Write the series for `git am` into `folder` (its cover letter beside it, `.cover`)."""
    path = series_file(am, folder)
    path.write_bytes(am_mbox(am))
    cover = cover_letter(am)
    if cover is not None:
        path.with_suffix(".cover").write_bytes(cover)
    return path
