"""Which later patch resends or revises which earlier one.

A patch revises an earlier patch by the same author when both share a cleaned subject
(`[PATCH v2 3/6] mm: fix` and `[patch 3/6] mm: fix`) or touch the same files with the same
changelog (a resend under a new subject). Each patch links to the nearest earlier such patch, so
versions form a chain; links are recomputed for every group an import touches, so the order in
which messages arrive does not matter.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from threadlore.db.base import Base
from threadlore.db.models.messages import Message
from threadlore.db.models.patches import Patch, PatchRevision
from threadlore.importers.records import ParsedPatch
from threadlore.importers.subjects import clean_subject

_MESSAGES = Base.metadata.tables[Message.__tablename__]
_PATCHES = Base.metadata.tables[Patch.__tablename__]
_REVISIONS = Base.metadata.tables[PatchRevision.__tablename__]
_DIFF_START = re.compile(r"^(---\s*$|diff |Index: |--- a/)", re.MULTILINE)
_TRAILER_LINE = re.compile(r"^[A-Za-z-]+-by:.*$", re.MULTILINE)


def changelog_of(body: str) -> str:
    """The text before the diff, without trailers, whitespace collapsed."""
    found = _DIFF_START.search(body)
    text = body[: found.start()] if found else body
    return " ".join(_TRAILER_LINE.sub("", text).split())


# PostgreSQL's B-tree refuses an entry over ~2,700 bytes: a longer key (a patch of 1,698 files,
# a subject of pages) is stored as its hash, which matches the same way (migration 0014)
MAX_KEY_BYTES = 1000


def bounded_key(key: str) -> str:
    """`key`, or a hash of it when it is longer than an index entry may be."""
    raw = key.encode("utf-8", "surrogatepass")
    if len(raw) <= MAX_KEY_BYTES:
        return key
    return "sha1:" + hashlib.sha1(raw, usedforsecurity=False).hexdigest()


def subject_key(subject: str) -> str:
    """The cleaned subject, folded: what a revision under the same subject shares."""
    return bounded_key(clean_subject(subject).casefold())


def files_key(patch: ParsedPatch, body: str) -> str:
    """The sorted paths a patch touches plus a hash of its changelog."""
    paths = ",".join(sorted(f.path for f in patch.files))
    digest = hashlib.sha1(changelog_of(body).encode(), usedforsecurity=False).hexdigest()[:12]
    return bounded_key(f"{paths}#{digest}") if paths else ""


@dataclass(frozen=True)
class _PatchFacts:
    id: int
    author: int
    date: datetime
    subject_key: str
    files_key: str


class _Earlier:
    """Each author's patches by subject and by files, in (date, id) order, so that the nearest
    earlier patch of one is a bisection away instead of a pass over the whole group."""

    def __init__(self, group: Sequence[_PatchFacts]) -> None:
        self.by_key: dict[tuple[str, int, str], list[_PatchFacts]] = {}
        for patch in sorted(group, key=lambda p: (p.date, p.id)):
            for kind, key in (("subject", patch.subject_key), ("files", patch.files_key)):
                if key:
                    self.by_key.setdefault((kind, patch.author, key), []).append(patch)

    def _latest_before(self, kind: str, key: str, patch: _PatchFacts) -> _PatchFacts | None:
        same = self.by_key.get((kind, patch.author, key), []) if key else []
        before = bisect.bisect_left(same, patch.date, key=lambda p: p.date)
        return same[before - 1] if before else None

    def nearest(self, patch: _PatchFacts) -> tuple[int, str] | None:
        """The latest (by date, then id) of the author's patches dated before this one with its
        subject or its files, and which of the two it shares (the subject, when both)."""
        by_subject = self._latest_before("subject", patch.subject_key, patch)
        by_files = self._latest_before("files", patch.files_key, patch)
        if by_files is not None and (
            by_subject is None or (by_files.date, by_files.id) > (by_subject.date, by_subject.id)
        ):
            return by_files.id, "files"
        return (by_subject.id, "subject") if by_subject is not None else None


def _lists(facts: Iterable[tuple[int, str | None, str | None]]) -> set[tuple[str, int, str]]:
    """The lists that patches of these (author, subject key, files key) sit in, as (kind, author,
    key): an author's patches by subject and by files, where a revision is looked for."""
    return {
        (kind, author, key)
        for author, subject, files in facts
        for kind, key in (("subject", subject), ("files", files))
        if key
    }


def _in_lists(session: Session, lists: set[tuple[str, int, str]]) -> list[_PatchFacts]:
    """The dated patches of these lists' authors with one of their subjects or files (a patch of
    another of the lists' authors may come with them)."""
    authors = {author for _, author, _ in lists}
    subjects = {key for kind, _, key in lists if kind == "subject"}
    files = {key for kind, _, key in lists if kind == "files"}
    if not lists:
        return []
    rows = session.execute(
        select(
            _PATCHES.c.id,
            _MESSAGES.c.author_id,
            _MESSAGES.c.date_utc,
            _PATCHES.c.subject_key,
            _PATCHES.c.files_key,
        )
        .select_from(_PATCHES.join(_MESSAGES, _PATCHES.c.message_id == _MESSAGES.c.id))
        .where(
            _MESSAGES.c.author_id.in_(authors),
            _MESSAGES.c.date_utc.is_not(None),
            or_(_PATCHES.c.subject_key.in_(subjects), _PATCHES.c.files_key.in_(files)),
        )
    ).all()
    return [
        _PatchFacts(r[0], r[1], r[2], r[3] or "", r[4] or "")
        for r in rows
        if r[1] is not None and r[2] is not None
    ]


def link_revisions(session: Session, patch_ids: Sequence[int]) -> None:
    """Recompute the revision links of every patch related to these new patches.

    A patch's link can change only if it shares an author's subject or files list with one of
    them ("affected"); its link is then recomputed from both its lists, whole, which may need
    patches of neither of theirs (a patch revised by its subject keeps its link by its files).
    Asked of the tables, not the mapped classes: an import runs this for every batch with a
    patch, and the first ORM statement of a process sets up every mapper (~0.1 s).
    """
    if not patch_ids:
        return
    joined = _PATCHES.join(_MESSAGES, _PATCHES.c.message_id == _MESSAGES.c.id)
    new = session.execute(
        select(_MESSAGES.c.author_id, _PATCHES.c.subject_key, _PATCHES.c.files_key)
        .select_from(joined)
        .where(_PATCHES.c.id.in_(patch_ids), _MESSAGES.c.author_id.is_not(None))
    ).all()
    new_lists = _lists((row.author_id, row.subject_key, row.files_key) for row in new)
    loaded = _in_lists(session, new_lists)
    affected = [p for p in loaded if _lists([(p.author, p.subject_key, p.files_key)]) & new_lists]
    # the lists of the affected patches that the first query did not read whole
    read = {(kind, key) for kind, _, key in new_lists}
    more = {
        (kind, author, key)
        for kind, author, key in _lists((p.author, p.subject_key, p.files_key) for p in affected)
        if (kind, key) not in read
    }
    group = {p.id: p for p in loaded}
    for patch in _in_lists(session, more):
        group.setdefault(patch.id, patch)
    wanted: dict[tuple[int, int], str] = {}
    earlier_of = _Earlier(list(group.values()))
    for patch in affected:
        earlier = earlier_of.nearest(patch)
        if earlier:
            wanted[(earlier[0], patch.id)] = earlier[1]
    later_ids = [p.id for p in affected]
    existing = {
        (r.earlier_id, r.later_id)
        for r in session.execute(
            select(_REVISIONS.c.earlier_id, _REVISIONS.c.later_id).where(
                _REVISIONS.c.later_id.in_(later_ids)
            )
        )
    }
    stale = existing - wanted.keys()
    for earlier_id, later_id in stale:
        session.execute(
            delete(_REVISIONS).where(
                _REVISIONS.c.earlier_id == earlier_id, _REVISIONS.c.later_id == later_id
            )
        )
    missing = [
        {"earlier_id": e, "later_id": la, "reason": wanted[(e, la)]}
        for e, la in sorted(wanted.keys() - existing)
    ]
    if missing:
        session.execute(insert(_REVISIONS), missing)
