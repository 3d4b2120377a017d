"""Finding the diffs in a message body and cutting them into files and hunks, leniently.

Mail bodies mix prose and diffs, and archives damage diffs: the seed's web archive strips the
leading space of context lines and cuts long messages off with "...". The scanner therefore
reads hunks by their `@@` line counts, takes a line without a diff prefix as a context line
whose space was lost (and restores it), and notes where a diff stops before its counts are met.
unidiff then parses what is whole (see importers.patches).

Files and hunks hold where they lie in the body's lines, not the lines: a diff's text is cut
from the body again when asked for (one slice when no line lost its space, whose `span` a
patch record keeps instead of the text).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from threadlore.importers.body_lines import BodyLines, iter_lines, lines_starting_with

_GIT_HEADER = re.compile(r"^diff --git (?P<old>\S+|\"[^\"]+\") (?P<new>\S+|\"[^\"]+\")$")
_DIFF_COMMAND = re.compile(r"^diff (?:-\S+ )+")
_INDEX = re.compile(r"^Index: (?P<path>\S+)\s*$")
_HUNK = re.compile(r"^@@ -(\d{1,9})(?:,(\d{1,9}))? \+(\d{1,9})(?:,(\d{1,9}))? @@ ?(.*)$")
_GIT_EXTENDED = re.compile(
    r"^(?:index |old mode |new mode |new file mode |deleted file mode |similarity index "
    r"|dissimilarity index |rename from |rename to |copy from |copy to |Binary files )"
)
_OTHER_EXTENDED = re.compile(r"^(?:={20,}|RCS file: |retrieving revision |diff )")
_BINARY_BLOCK = re.compile(r"^(?:literal|delta) \d+$")
_TIMESTAMP = re.compile(r"(?:\t.*|\s+\d{4}-\d\d-\d\d [\d:.]+(?: [+-]\d{4})?)$")
_CUT_MARKER = "..."
DIFF_OPENERS = ("diff ", "Index: ", "--- ")  # how every line a diff starts at begins
_SECTION_OPENERS = ("diff --git ", "Index: ", "@@ -")  # how _GIT_HEADER, _INDEX, _HUNK begin
_HUNK_PREFIXES = ("+", "-", "\\", " ")  # a hunk's line without one lost its leading space


@dataclass(slots=True)
class HunkText:
    """One hunk as found: the counts its `@@` line promises, and the lines that survived
    (`first_line`, its `@@` line, to `stop_line`, excluded), `restored` of which lost the
    leading space of a context line."""

    first_line: int
    stop_line: int
    source_start: int
    source_length: int
    target_start: int
    target_length: int
    function: str
    added: int = 0
    removed: int = 0
    restored: int = 0
    complete: bool = False


@dataclass(slots=True)
class FileText:
    """One file's section of a diff, lines `first_line` to `stop_line` (excluded): its header
    lines, then its hunks; the paths as written, git's flags."""

    first_line: int
    old_path: str | None
    new_path: str | None
    git_prefixed: bool | None
    hunks: list[HunkText] = field(default_factory=list)
    stop_line: int = 0
    is_new: bool = False
    is_deleted: bool = False
    is_binary: bool = False
    complete: bool = True

    @property
    def whole(self) -> bool:
        """Whether neither the header nor any hunk was cut short."""
        return self.complete and all(hunk.complete for hunk in self.hunks)


@dataclass
class DiffText:
    """A run of file sections in a body, `first_line` to `last_line` inclusive (0-based), of
    the `body_lines` it was found in."""

    first_line: int
    last_line: int
    files: list[FileText]
    truncated: bool
    body_lines: Sequence[str]

    def lines(self) -> Iterator[str]:
        """The diff's lines, with the context lines' lost leading spaces restored."""
        lines = self.body_lines
        for section in self.files:
            header_stop = section.hunks[0].first_line if section.hunks else section.stop_line
            yield from iter_lines(lines, section.first_line, header_stop)
            for hunk in section.hunks:
                yield lines[hunk.first_line]
                hunk_lines = iter_lines(lines, hunk.first_line + 1, hunk.stop_line)
                if not hunk.restored:
                    yield from hunk_lines
                    continue
                for line in hunk_lines:
                    yield line if line.startswith(_HUNK_PREFIXES) else " " + line

    def ended_lines(self) -> Iterator[str]:
        """`lines`, each ended by "\\n" (what unidiff reads): cut from the body a block at a
        time when no line lost its space."""
        body = self._body_as_is()
        if body is None:
            yield from (line + "\n" for line in self.lines())
            return
        for first, stop in self._runs():
            yield from body.ended(first, stop)

    def text(self) -> str:
        """The diff as text (`lines`, each ended): the body's slice when no line lost its space
        and the sections follow each other, else joined once (not joined and then extended)."""
        body = self._body_as_is()
        if body is None:
            return "\n".join(chain(self.lines(), ("",)))
        texts = [body.text(first, stop) for first, stop in self._runs()]
        return texts[0] if len(texts) == 1 else "".join(texts)

    def span(self) -> tuple[int, int] | None:
        """Where `text()` lies in the body, when it is one slice of it as the body stands."""
        body = self._body_as_is()
        runs = self._runs()
        return body.span(*runs[0]) if body is not None and len(runs) == 1 else None

    def _body_as_is(self) -> BodyLines | None:
        """The body the diff's text can be cut from as it stands: None when the lines are a
        list or a context line lost its leading space."""
        if any(hunk.restored for section in self.files for hunk in section.hunks):
            return None
        return self.body_lines if isinstance(self.body_lines, BodyLines) else None

    def _runs(self) -> list[tuple[int, int]]:
        """The sections' line spans `(first, stop)`, those that meet merged into one."""
        runs: list[tuple[int, int]] = []
        for section in self.files:
            if runs and runs[-1][1] == section.first_line:
                runs[-1] = (runs[-1][0], section.stop_line)
            else:
                runs.append((section.first_line, section.stop_line))
        return runs


def _header_path(line: str) -> str | None:
    """The path of a `--- path` / `+++ path` line, without its timestamp; None for /dev/null."""
    path = _TIMESTAMP.sub("", line[4:]).strip().strip('"')
    return None if path == "/dev/null" else path


def _rest_is_cut(lines: Sequence[str], start: int) -> bool:
    """Whether nothing but blank lines and at most a bare "..." marker follows `start`."""
    return all(lines[index].strip() in ("", _CUT_MARKER) for index in range(start, len(lines)))


def _ends_cut(lines: Sequence[str], index: int) -> bool:
    """Whether the body ends at `index` with the archive's cut marker ("..." ending the last
    line read, or standing alone after it)."""
    if index == 0 or not _rest_is_cut(lines, index):
        return False
    ends_with_marker = lines[index - 1].rstrip().endswith(_CUT_MARKER)
    rest = range(index, len(lines))
    return ends_with_marker or any(lines[i].strip() == _CUT_MARKER for i in rest)


def _starts_section(line: str) -> bool:
    """Whether a line opens a new file or hunk, so that it cannot be part of the hunk before."""
    if not line.startswith(_SECTION_OPENERS):
        return False
    return bool(_GIT_HEADER.match(line) or _INDEX.match(line) or _HUNK.match(line))


def _read_hunk(lines: Sequence[str], start: int) -> tuple[HunkText, int]:
    """Read the hunk whose `@@` line is `lines[start]`; returns it and the index after it."""
    match = _HUNK.match(lines[start])
    assert match is not None
    old_start, old_len, new_start, new_len, function = match.groups()
    hunk = HunkText(
        first_line=start,
        stop_line=start + 1,
        source_start=int(old_start),
        source_length=int(old_len) if old_len is not None else 1,
        target_start=int(new_start),
        target_length=int(new_len) if new_len is not None else 1,
        function=function.strip(),
    )
    source_seen = target_seen = 0
    index = start + 1
    expected = hunk.source_length + hunk.target_length  # at most, when none is context
    counted = iter_lines(lines, index, len(lines), expected) if expected else iter(())
    for line in counted:
        if _starts_section(line) or (line.strip() == _CUT_MARKER and _rest_is_cut(lines, index)):
            break
        if line.startswith("+"):
            target_seen += 1
            hunk.added += 1
        elif line.startswith("-"):
            source_seen += 1
            hunk.removed += 1
        elif not line.startswith("\\"):
            source_seen += 1
            target_seen += 1
            hunk.restored += not line.startswith(" ")
        index += 1
        if source_seen >= hunk.source_length and target_seen >= hunk.target_length:
            break
    hunk.complete = source_seen >= hunk.source_length and target_seen >= hunk.target_length
    if hunk.complete and index < len(lines) and lines[index].startswith("\\ "):
        index += 1
    hunk.stop_line = index
    return hunk, index


def _read_git_binary(lines: Sequence[str], start: int, section: FileText) -> int:
    """Consume a `GIT binary patch` block (literal/delta chunks of base85 lines)."""
    section.is_binary = True
    index = start + 1
    while index < len(lines) and _BINARY_BLOCK.match(lines[index]):
        while index < len(lines) and lines[index].strip():
            index += 1
        if index + 1 < len(lines) and _BINARY_BLOCK.match(lines[index + 1]):
            index += 1
    return index


def _note_extended_header(line: str, section: FileText) -> None:
    """Record what a git extended header line says about the file."""
    if line.startswith("new file mode "):
        section.is_new = True
    elif line.startswith("deleted file mode "):
        section.is_deleted = True
    elif line.startswith(("rename from ", "copy from ")):
        # these name the paths without git's a/ and b/ prefixes; put them back for consistency
        section.old_path = ("a/" if section.git_prefixed else "") + line.split(" ", 2)[2]
    elif line.startswith(("rename to ", "copy to ")):
        section.new_path = ("b/" if section.git_prefixed else "") + line.split(" ", 2)[2]
    elif line.startswith("Binary files "):
        section.is_binary = True


def _open_section(lines: Sequence[str], start: int) -> tuple[FileText, bool] | None:
    """Start a file section at `lines[start]`; the bool says whether it was a strong marker."""
    line = lines[start]
    if not line.startswith(DIFF_OPENERS):
        return None
    git = _GIT_HEADER.match(line)
    if git:
        old, new = git["old"].strip('"'), git["new"].strip('"')
        prefixed = old.startswith("a/") and new.startswith("b/")
        return FileText(start, old, new, git_prefixed=prefixed), True
    index = _INDEX.match(line)
    if index or _DIFF_COMMAND.match(line):
        path = index["path"] if index else None
        return FileText(start, path, path, git_prefixed=None), True
    if line.startswith("--- "):
        return FileText(start, None, None, git_prefixed=None), False
    return None


def read_file_section(lines: Sequence[str], start: int) -> tuple[FileText, int] | None:
    """Read the file section starting at `lines[start]`, or None when no diff starts there.

    A section opens with `diff --git`, `Index:`, a `diff -…` command, or a `--- `/`+++ ` pair.
    A strong opener whose `---`/`+++` lines were cut off by the end of the body still counts,
    marked incomplete, so that an archive's cut patch is not mistaken for prose.
    """
    opened = _open_section(lines, start)
    if opened is None:
        return None
    section, strong = opened
    extended = _GIT_EXTENDED if section.git_prefixed is not None else _OTHER_EXTENDED
    index = start + 1 if strong else start
    while index < len(lines) and strong and extended.match(lines[index]):
        _note_extended_header(lines[index], section)
        index += 1
    if index < len(lines) and lines[index] == "GIT binary patch":
        index = _read_git_binary(lines, index, section)
    if (
        index + 1 < len(lines)
        and lines[index].startswith("--- ")
        and lines[index + 1].startswith("+++ ")
    ):
        old, new = _header_path(lines[index]), _header_path(lines[index + 1])
        section.is_new = section.is_new or old is None
        section.is_deleted = section.is_deleted or new is None
        section.old_path = old or section.old_path
        section.new_path = new or section.new_path
        index += 2
    elif not strong:
        return None
    elif _ends_cut(lines, index) or (section.git_prefixed is None and _rest_is_cut(lines, index)):
        section.complete = False
    elif section.git_prefixed is None:
        return None
    while index < len(lines) and _HUNK.match(lines[index]):
        hunk, index = _read_hunk(lines, index)
        section.hunks.append(hunk)
        if not hunk.complete:
            break
    if not section.hunks and not section.is_binary and section.git_prefixed is None:
        section.complete = section.complete and not _rest_is_cut(lines, index)
    section.stop_line = index
    return section, index


def scan_diffs(lines: Sequence[str]) -> list[DiffText]:
    """Every diff in the body's lines, in order, each a run of consecutive file sections.

    A diff is `truncated` when a section or hunk stops short of what its headers promise, or
    when the body ends right after it with the archive's "..." cut marker.
    """
    diffs: list[DiffText] = []
    openers = lines_starting_with(lines, DIFF_OPENERS)  # no other line starts a section
    index = 0
    while (next_opener := bisect_left(openers, index)) < len(openers):
        index = openers[next_opener]
        read = read_file_section(lines, index)
        if read is None:
            index += 1
            continue
        first = index
        files: list[FileText] = []
        while read is not None:
            section, index = read
            files.append(section)
            if not section.whole:
                break
            read = _next_section(lines, index)
        cut = not all(section.whole for section in files) or _ends_cut(lines, index)
        diffs.append(DiffText(first, index - 1, files, truncated=cut, body_lines=lines))
    return diffs


def _next_section(lines: Sequence[str], index: int) -> tuple[FileText, int] | None:
    """The file section after `lines[index]`, allowing blank lines in between (git leaves one
    after a binary patch), or None when the diff ends there."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    return read_file_section(lines, index) if index < len(lines) else None


def first_diff_line(lines: Sequence[str]) -> int | None:
    """The index of the first line where a diff starts, or None when the body has none."""
    openers = lines_starting_with(lines, DIFF_OPENERS)  # no other line starts a section
    return next((index for index in openers if read_file_section(lines, index) is not None), None)
