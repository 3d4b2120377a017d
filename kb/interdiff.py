"""A patch's revisions (v1 → v2 → resend) and what changed between two of them.

Revisions are the store's links (`db.revisions`: the same author resending or revising the
same patch). What changed is shown as `git range-diff` shows it, without a repository: a diff of
the two patches, each read as its changelog then its diff, with what says nothing about the
change left out (hunk line numbers, `index` lines, the diffstat), so that a patch rebased onto
moved code shows only what its author changed. Each line keeps its own `+`/`-`/` ` after the
outer one: `-+foo` is an added line the later revision no longer adds.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from threadlore.db.views import MessageView
from threadlore.kb.thread_views import ThreadViews

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?")
_DIFF_START = re.compile(r"^(diff --git |Index: |--- \S)")
_NOISE = re.compile(r"^(index [0-9a-f]+\.\.[0-9a-f]+|={10,}$)")


class NoPatch(LookupError):
    """The message carries no patch."""


@dataclass(frozen=True)
class Revision:
    """One revision of a patch: the message, its place in the chain, its size."""

    id: str
    subject: str
    author: str | None
    date: datetime | None
    series: str | None
    added: int
    removed: int
    truncated: bool

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "date": self.date.isoformat() if self.date else None}


def _revision(view: MessageView) -> Revision:
    patch = view.patches[0]
    summary = view.summary
    return Revision(
        summary.id,
        summary.subject,
        summary.author,
        summary.date,
        patch.series,
        sum(p.added for p in view.patches),
        sum(p.removed for p in view.patches),
        any(p.truncated for p in view.patches),
    )


def _with_patch(views: ThreadViews, ref: str) -> MessageView:
    view = views.get_message(ref)
    if not view.patches:
        raise NoPatch(f"message {view.summary.id} carries no patch")
    return view


def revision_chain(views: ThreadViews, ref: str) -> list[Revision]:
    """Every revision of the patch in message `ref`, oldest first (itself included).

    Raises:
        LookupError: when `ref` names no message, or (NoPatch) one without a patch.
    """
    start = _with_patch(views, ref)
    found = {start.summary.id: start}
    pending = [start]
    while pending:
        view = pending.pop()
        for patch in view.patches:
            for other in (*patch.revises, *patch.revised_by):
                if other not in found:
                    found[other] = views.get_message(other)
                    pending.append(found[other])
    ordered = sorted(
        found.values(), key=lambda v: (v.summary.date is None, v.summary.date, v.summary.id)
    )
    return [_revision(view) for view in ordered if view.patches]


def comparable_lines(view: MessageView) -> list[str]:
    """The patch as range-diff compares it: changelog, then diff, without line numbers."""
    body = view.body.split("\n")
    diff_at = next((i for i, line in enumerate(body) if _DIFF_START.match(line)), len(body))
    cut = [i for i, line in enumerate(body[:diff_at]) if line.rstrip() == "---"]
    changelog = body[: cut[-1] if cut else diff_at]
    while changelog and not changelog[-1].strip():
        changelog.pop()
    lines = [f" {line}".rstrip() for line in changelog]
    for patch in view.patches:
        for line in patch.diff.split("\n"):
            if _NOISE.match(line):
                continue
            lines.append(_HUNK.sub("@@ ", line) if line.startswith("@@") else line)
    return lines


def diff_lines(view: MessageView) -> list[str]:
    """The patch's diff as range-diff compares it (its changelog left out): two patches with the
    same diff lines make the same change, wherever their hunks land."""
    lines = comparable_lines(view)
    return lines[_split(lines) :]


@dataclass(frozen=True)
class Interdiff:
    """What changed from revision `earlier` to `later`."""

    earlier: Revision
    later: Revision
    changelog_changed: bool
    files_only_earlier: tuple[str, ...]
    files_only_later: tuple[str, ...]
    files_changed: tuple[str, ...]
    files_same: tuple[str, ...]
    text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "earlier": self.earlier.as_json(),
            "later": self.later.as_json(),
            "changelog_changed": self.changelog_changed,
            "files": {
                "only_earlier": list(self.files_only_earlier),
                "only_later": list(self.files_only_later),
                "changed": list(self.files_changed),
                "same": list(self.files_same),
            },
            "interdiff": self.text,
        }


def _file_diffs(lines: list[str], view: MessageView) -> dict[str, list[str]]:
    """Each file's part of a patch's comparable lines."""
    files: dict[str, list[str]] = {}
    current: list[str] | None = None
    paths = [f.path for p in view.patches for f in p.files]
    for line in lines:
        if _DIFF_START.match(line) and not line.startswith("--- "):
            current = next((files.setdefault(p, []) for p in paths if p in line), None)
        if current is not None:
            current.append(line)
    return files


def _split(lines: list[str]) -> int:
    """Where the diff starts in a patch's comparable lines (after the changelog)."""
    return next((i for i, line in enumerate(lines) if _DIFF_START.match(line)), len(lines))


def _shown_by_both(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """Diffs an archive cut short ("…" ending the last, partial line) compared as far as both
    go: the partial line dropped, the longer diff cut to the shorter's length."""
    old = old[:-1] if old and old[-1].rstrip().endswith("...") else old
    new = new[:-1] if new and new[-1].rstrip().endswith("...") else new
    shown = min(len(old) - _split(old), len(new) - _split(new))
    return old[: _split(old) + shown], new[: _split(new) + shown]


def interdiff(views: ThreadViews, earlier_ref: str, later_ref: str | None = None) -> Interdiff:
    """What changed between two revisions; without `later_ref`, between `earlier_ref` and the
    revision before it. Where the archive cut a diff short, only what both show is compared.

    Raises:
        LookupError: when a message is missing or carries no patch, or (without `later_ref`)
            the patch has no earlier revision.
    """
    if later_ref is None:
        later = _with_patch(views, earlier_ref)
        before = [r for p in later.patches for r in p.revises]
        if not before:
            raise LookupError(f"message {later.summary.id} has no earlier revision in the store")
        earlier = _with_patch(views, before[0])
    else:
        earlier, later = _with_patch(views, earlier_ref), _with_patch(views, later_ref)
    old, new = comparable_lines(earlier), comparable_lines(later)
    if any(p.truncated for p in (*earlier.patches, *later.patches)):
        old, new = _shown_by_both(old, new)
    diff = difflib.unified_diff(old, new, earlier.summary.id, later.summary.id, lineterm="")
    old_files, new_files = _file_diffs(old, earlier), _file_diffs(new, later)
    both = sorted(old_files.keys() & new_files.keys())
    return Interdiff(
        earlier=_revision(earlier),
        later=_revision(later),
        changelog_changed=old[: _split(old)] != new[: _split(new)],
        files_only_earlier=tuple(sorted(old_files.keys() - new_files.keys())),
        files_only_later=tuple(sorted(new_files.keys() - old_files.keys())),
        files_changed=tuple(p for p in both if old_files[p] != new_files[p]),
        files_same=tuple(p for p in both if old_files[p] == new_files[p]),
        text="\n".join(diff),
    )
