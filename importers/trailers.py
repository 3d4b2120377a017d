"""Finding trailers (Signed-off-by, Acked-by, Fixes, Link …) where trailers stand in a message.

A trailer counts only in trailer position: a paragraph of its own made of nothing but trailers,
before any diff and outside quoted text. That keeps `Acked-by:` quoted from the patch in a reply,
or written inside a diff, from being credited to the person replying.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from threadlore.importers.body_lines import body_lines, lines_starting_with
from threadlore.importers.diff_scan import first_diff_line
from threadlore.importers.diffstat import is_diffstat_line
from threadlore.importers.records import Trailer

_TRAILER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*):[ \t]*(?P<value>\S.*)$")
_KNOWN_KEYS = frozenset(
    {"cc", "fixes", "link", "closes", "bug", "message-id", "change-id", "base-commit"}
)
# what every trailer line holds, lower-case (see _trailer_key): most bodies hold none of them
_TRAILER_MARKS = ("-by:", *(f"{key}:" for key in sorted(_KNOWN_KEYS)))
_WINDOW = 1 << 20  # characters of a body lower-cased at a time
_CUSTODY_NOTE = re.compile(r"^\[.*\]$")
_CONTINUATION = re.compile(r"^[ \t]+\S")


def _trailer_key(key: str) -> str | None:
    """The canonical spelling of a trailer key (`SIGNED-OFF-BY` → `Signed-off-by`), or None."""
    lowered = key.lower()
    if lowered.endswith("-by") or lowered in _KNOWN_KEYS:
        return lowered[0].upper() + lowered[1:]
    return None


def _paragraphs(lines: Sequence[str]) -> list[list[str]]:
    """Split lines into paragraphs at blank lines and wherever quoting starts or stops."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    quoted = False
    for line in lines:
        line_quoted = line.startswith(">")
        if not line.strip() or line_quoted != quoted:
            if current:
                paragraphs.append(current)
            current = []
            quoted = line_quoted
            if not line.strip():
                continue
        current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs


def _read_trailer_paragraph(paragraph: list[str]) -> list[Trailer] | None:
    """The trailers of a paragraph made only of trailers, or None if it holds anything else.

    Indented lines continue the trailer above them; `[name: note]` lines (a maintainer's
    chain-of-custody notes between Signed-off-by lines) are allowed and skipped.
    """
    trailers: list[Trailer] = []
    for line in paragraph:
        if _CONTINUATION.match(line) and trailers:
            last = trailers[-1]
            trailers[-1] = Trailer(last.key, f"{last.value} {line.strip()}")
            continue
        if _CUSTODY_NOTE.match(line.strip()):
            continue
        match = _TRAILER.match(line.rstrip())
        key = _trailer_key(match["key"]) if match else None
        if match is None or key is None:
            return None
        trailers.append(Trailer(key, match["value"].strip()))
    return trailers or None


def _commit_message_end(lines: Sequence[str]) -> int:
    """Where the commit message ends: at the `---` that opens the diffstat and diff.

    Before a diff that is the last `---` above it (a `---` higher up sets off a note, as in a
    patch sent below "compile tested only" and a `---`). Without a diff, only a `---` followed
    by a diffstat ends it (a cover letter's summary).
    """
    end = first_diff_line(lines)
    dashed = lines_starting_with(lines, ("---",))
    separators = [i for i in dashed if (end is None or i < end) and lines[i].rstrip() == "---"]
    if end is not None:
        return separators[-1] if separators else end
    for index in separators:
        rest = (lines[i] for i in range(index + 1, len(lines)))
        following = next((line for line in rest if line.strip()), "")
        if is_diffstat_line(following):
            return index
    return len(lines)


def _holds_trailer_mark(body: str) -> bool:
    """Whether a trailer mark is in the body, in any case. Read a window at a time (windows
    overlapping by a mark's length), since a lower-case copy of a large body is as large again."""
    overlap = max(map(len, _TRAILER_MARKS)) - 1
    for start in range(0, len(body), _WINDOW):
        window = body[start : start + _WINDOW + overlap].lower()
        if any(mark in window for mark in _TRAILER_MARKS):
            return True
    return False


def extract_trailers(body: str) -> tuple[Trailer, ...]:
    """The trailers in a message body, in order of appearance, up to the diffstat or diff."""
    if not _holds_trailer_mark(body):
        return ()
    lines = body_lines(body)
    found: list[Trailer] = []
    for paragraph in _paragraphs(lines[: _commit_message_end(lines)]):
        if paragraph[0].startswith(">"):
            continue
        found.extend(_read_trailer_paragraph(paragraph) or ())
    return tuple(found)
