"""Reading patch subjects: the series marker (`[PATCH v2 3/6]`) and the subject without prefixes.

Revisions of a patch are matched by their cleaned subject, so both functions must agree on what a
prefix is: reply/forward markers (`Re:`, `Fwd:`, `Aw:` …) and bracketed groups at the start.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:  # records' dataclasses load only when a series marker is read (issue 15)
    from threadlore.importers.records import SeriesPosition

_REPLY_MARKER = r"(?:re|aw|sv|antw|vs)"
_REPLY_PREFIX = re.compile(rf"^\s*(?:{_REPLY_MARKER}|fwd?)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)
_REPLY_ONLY = re.compile(rf"^\s*{_REPLY_MARKER}\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_BRACKET_GROUP = re.compile(r"^\s*\[(?P<inner>[^\]]*)\]\s*")
_PATCH_WORD = re.compile(r"^(?:patch|rfc|resend)(?:v(?P<version>\d{1,9}))?$", re.IGNORECASE)
_VERSION = re.compile(r"^v(?P<version>\d{1,9})$", re.IGNORECASE)
_COUNTER = re.compile(r"^(?P<index>\d{1,9})/(?P<total>\d{1,9})$")
_MERCURIAL_COUNTER = re.compile(r"\b(\d+) of (\d+)\b")


def split_prefixes(subject: str) -> tuple[list[str], str]:
    """Split a subject into its leading bracketed groups and the rest.

    Reply and forward markers before, between or after the groups are dropped, so
    `Re: [PATCH 1/2] mm: fix` gives (["PATCH 1/2"], "mm: fix").
    """
    groups: list[str] = []
    rest = subject
    while True:
        reply = _REPLY_PREFIX.match(rest)
        if reply:
            rest = rest[reply.end() :]
            continue
        group = _BRACKET_GROUP.match(rest)
        if group:
            groups.append(group["inner"])
            rest = rest[group.end() :]
            continue
        return groups, rest.strip()


def strip_reply_markers(subject: str) -> str:
    """The subject without the reply and forward markers it starts with (`Re: Aw: Fwd: `), the
    one definition every part of threadlore strips them by; bracketed groups stay."""
    rest = subject
    while reply := _REPLY_PREFIX.match(rest):
        rest = rest[reply.end() :]
    return rest.strip()


def is_reply_subject(subject: str) -> bool:
    """Whether the subject starts with a reply marker such as `Re:` (a comment, not a patch)."""
    return _REPLY_ONLY.match(subject) is not None


def clean_subject(subject: str) -> str:
    """The subject without reply markers and bracketed prefixes, whitespace collapsed.

    `Re: [PATCH v2 3/6] mm: fault vs truncate` and `[patch 3/6] mm: fault vs truncate` both give
    `mm: fault vs truncate`, which is how a revision is matched to what it revises.
    """
    return " ".join(split_prefixes(subject)[1].split())


def parse_series_marker(subject: str) -> SeriesPosition | None:
    """The series position in a subject's prefixes, or None when it names no patch.

    Understands `[PATCH v2 3/6]`, `[patch 0/6]`, `[RFC PATCH 1/2]`, `[PATCH 2/3 v2]`,
    `[PATCHv3 04/10]`, `[PATCH net-next,v2,3/4]`, Mercurial's `[PATCH 1 of 2]` and a counter
    in a group of its own (`[PATCH] [3/6]`). A patch prefix without a counter
    (`[PATCH v2] fix`) is a single patch: position 1/1, marked `inferred` because the subject
    did not state it. The version is 1 unless a `vN` token says otherwise.
    """
    groups, _ = split_prefixes(subject)
    version: int | None = None
    counter: tuple[int, int] | None = None
    names_a_patch = False
    for group in groups:
        group = _MERCURIAL_COUNTER.sub(r"\1/\2", group)
        for token in re.split(r"[\s,]+", group.strip()):
            word = _PATCH_WORD.match(token)
            if word:
                names_a_patch = True
                version = int(word["version"]) if word["version"] else version
            elif match := _VERSION.match(token):
                version = int(match["version"])
            elif match := _COUNTER.match(token):
                counter = (int(match["index"]), int(match["total"]))
    if counter is None and not names_a_patch:
        return None
    from threadlore.importers.records import SeriesPosition

    if counter is not None:
        index, total = counter
        if total == 0 or index > total:
            return None
        return SeriesPosition(version=version or 1, index=index, total=total)
    return SeriesPosition(version=version or 1, index=1, total=1, inferred=True)
