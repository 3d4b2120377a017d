"""Which later patch resends or revises which earlier one.

A patch revises an earlier patch by the same author when both share a cleaned subject
(`[PATCH v2 3/6] mm: fix` and `[patch 3/6] mm: fix`) or touch the same files with the same
changelog (a resend under a new subject). Each patch links to the nearest earlier such patch, so
versions form a chain; links are recomputed for every group an import touches, so the order in
which messages arrive does not matter.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from threadlore.db.models.messages import Message
from threadlore.db.models.patches import Patch, PatchRevision
from threadlore.importers.records import ParsedPatch

_DIFF_START = re.compile(r"^(---\s*$|diff |Index: |--- a/)", re.MULTILINE)
_TRAILER_LINE = re.compile(r"^[A-Za-z-]+-by:.*$", re.MULTILINE)


def changelog_of(body: str) -> str:
    """The text before the diff, without trailers, whitespace collapsed."""
    found = _DIFF_START.search(body)
    text = body[: found.start()] if found else body
    return " ".join(_TRAILER_LINE.sub("", text).split())


def files_key(patch: ParsedPatch, body: str) -> str:
    """The sorted paths a patch touches plus a hash of its changelog."""
    paths = ",".join(sorted(f.path for f in patch.files))
    digest = hashlib.sha1(changelog_of(body).encode(), usedforsecurity=False).hexdigest()[:12]
    return f"{paths}#{digest}" if paths else ""


@dataclass(frozen=True)
class _PatchFacts:
    id: int
    author: int
    date: datetime
    subject_key: str
    files_key: str


def _nearest_earlier(patch: _PatchFacts, group: Sequence[_PatchFacts]) -> tuple[int, str] | None:
    best: tuple[datetime, int, str] | None = None
    for other in group:
        if other.author != patch.author or other.date >= patch.date:
            continue
        if patch.subject_key and other.subject_key == patch.subject_key:
            reason = "subject"
        elif patch.files_key and other.files_key == patch.files_key:
            reason = "files"
        else:
            continue
        if best is None or (other.date, other.id) > best[:2]:
            best = (other.date, other.id, reason)
    return (best[1], best[2]) if best else None


def link_revisions(session: Session, patch_ids: Sequence[int]) -> None:
    """Recompute the revision links of every patch related to these new patches."""
    if not patch_ids:
        return
    new = session.execute(
        select(Message.author_id, Patch.subject_key, Patch.files_key)
        .join(Message, Patch.message_id == Message.id)
        .where(Patch.id.in_(patch_ids), Message.author_id.is_not(None))
    ).all()
    authors = {row.author_id for row in new}
    subjects = {row.subject_key for row in new if row.subject_key}
    files = {row.files_key for row in new if row.files_key}
    if not authors:
        return
    rows = session.execute(
        select(Patch.id, Message.author_id, Message.date_utc, Patch.subject_key, Patch.files_key)
        .join(Message, Patch.message_id == Message.id)
        .where(
            Message.author_id.in_(authors),
            Message.date_utc.is_not(None),
            or_(Patch.subject_key.in_(subjects), Patch.files_key.in_(files)),
        )
    ).all()
    group = [
        _PatchFacts(r[0], r[1], r[2], r[3], r[4])
        for r in rows
        if r[1] is not None and r[2] is not None
    ]
    wanted: dict[tuple[int, int], str] = {}
    for patch in group:
        earlier = _nearest_earlier(patch, group)
        if earlier:
            wanted[(earlier[0], patch.id)] = earlier[1]
    later_ids = [p.id for p in group]
    existing = {
        (r.earlier_id, r.later_id)
        for r in session.execute(
            select(PatchRevision.earlier_id, PatchRevision.later_id).where(
                PatchRevision.later_id.in_(later_ids)
            )
        )
    }
    stale = existing - wanted.keys()
    for earlier_id, later_id in stale:
        session.execute(
            delete(PatchRevision).where(
                PatchRevision.earlier_id == earlier_id, PatchRevision.later_id == later_id
            )
        )
    missing = [
        {"earlier_id": e, "later_id": la, "reason": wanted[(e, la)]}
        for e, la in sorted(wanted.keys() - existing)
    ]
    if missing:
        session.execute(insert(PatchRevision), missing)
