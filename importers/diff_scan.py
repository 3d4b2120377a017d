"""Finding the diffs in a message body and cutting them into files and hunks, leniently.

Mail bodies mix prose and diffs, and archives damage diffs: the seed's web archive strips the
leading space of context lines and cuts long messages off with "...". The scanner therefore
reads hunks by their `@@` line counts, takes a line without a diff prefix as a context line
whose space was lost (and restores it), and notes where a diff stops before its counts are met.
unidiff then parses what is whole (see importers.patches).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

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


@dataclass(slots=True)
class HunkText:
    """One hunk as found: the counts its `@@` line promises and the lines that survived."""

    header: str
    source_start: int
    source_length: int
    target_start: int
    target_length: int
    function: str
    lines: list[str] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    complete: bool = False


@dataclass(slots=True)
class FileText:
    """One file's section of a diff: header lines, the paths as written, hunks, git's flags."""

    header: list[str]
    old_path: str | None
    new_path: str | None
    git_prefixed: bool | None
    hunks: list[HunkText] = field(default_factory=list)
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
    """A run of file sections in a body, `first_line` to `last_line` inclusive (0-based)."""

    first_line: int
    last_line: int
    files: list[FileText]
    truncated: bool

    def lines(self) -> Iterator[str]:
        """The diff's lines, with the context lines' lost leading spaces restored."""
        for section in self.files:
            yield from section.header
            for hunk in section.hunks:
                yield hunk.header
                yield from hunk.lines

    def text(self) -> str:
        """The diff as text (`lines`, each ended): joined once, not joined and then extended."""
        return "\n".join(chain(self.lines(), ("",)))


def _header_path(line: str) -> str | None:
    """The path of a `--- path` / `+++ path` line, without its timestamp; None for /dev/null."""
    path = _TIMESTAMP.sub("", line[4:]).strip().strip('"')
    return None if path == "/dev/null" else path


def _rest_is_cut(lines: list[str], start: int) -> bool:
    """Whether nothing but blank lines and at most a bare "..." marker follows `start`."""
    return all(line.strip() in ("", _CUT_MARKER) for line in lines[start:])


def _ends_cut(lines: list[str], index: int) -> bool:
    """Whether the body ends at `index` with the archive's cut marker ("..." ending the last
    line read, or standing alone after it)."""
    if index == 0 or not _rest_is_cut(lines, index):
        return False
    ends_with_marker = lines[index - 1].rstrip().endswith(_CUT_MARKER)
    return ends_with_marker or any(line.strip() == _CUT_MARKER for line in lines[index:])


def _starts_section(line: str) -> bool:
    """Whether a line opens a new file or hunk, so that it cannot be part of the hunk before."""
    return bool(_GIT_HEADER.match(line) or _INDEX.match(line) or _HUNK.match(line))


def _read_hunk(lines: list[str], start: int) -> tuple[HunkText, int]:
    """Read the hunk whose `@@` line is `lines[start]`; returns it and the index after it."""
    match = _HUNK.match(lines[start])
    assert match is not None
    old_start, old_len, new_start, new_len, function = match.groups()
    hunk = HunkText(
        header=lines[start],
        source_start=int(old_start),
        source_length=int(old_len) if old_len is not None else 1,
        target_start=int(new_start),
        target_length=int(new_len) if new_len is not None else 1,
        function=function.strip(),
    )
    source_seen = target_seen = 0
    index = start + 1
    while index < len(lines) and (
        source_seen < hunk.source_length or target_seen < hunk.target_length
    ):
        line = lines[index]
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
            line = line if line.startswith(" ") else " " + line
        hunk.lines.append(line)
        index += 1
    hunk.complete = source_seen >= hunk.source_length and target_seen >= hunk.target_length
    if hunk.complete and index < len(lines) and lines[index].startswith("\\ "):
        hunk.lines.append(lines[index])
        index += 1
    return hunk, index


def _read_git_binary(lines: list[str], start: int, section: FileText) -> int:
    """Consume a `GIT binary patch` block (literal/delta chunks of base85 lines)."""
    section.header.append(lines[start])
    section.is_binary = True
    index = start + 1
    while index < len(lines) and _BINARY_BLOCK.match(lines[index]):
        while index < len(lines) and lines[index].strip():
            section.header.append(lines[index])
            index += 1
        if index + 1 < len(lines) and _BINARY_BLOCK.match(lines[index + 1]):
            section.header.append(lines[index])
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


def _open_section(line: str) -> tuple[FileText, bool] | None:
    """Start a file section from its first line; the bool says whether it was a strong marker."""
    if not line.startswith(DIFF_OPENERS):
        return None
    git = _GIT_HEADER.match(line)
    if git:
        old, new = git["old"].strip('"'), git["new"].strip('"')
        prefixed = old.startswith("a/") and new.startswith("b/")
        return FileText([line], old, new, git_prefixed=prefixed), True
    index = _INDEX.match(line)
    if index or _DIFF_COMMAND.match(line):
        path = index["path"] if index else None
        return FileText([line], path, path, git_prefixed=None), True
    if line.startswith("--- "):
        return FileText([], None, None, git_prefixed=None), False
    return None


def read_file_section(lines: list[str], start: int) -> tuple[FileText, int] | None:
    """Read the file section starting at `lines[start]`, or None when no diff starts there.

    A section opens with `diff --git`, `Index:`, a `diff -…` command, or a `--- `/`+++ ` pair.
    A strong opener whose `---`/`+++` lines were cut off by the end of the body still counts,
    marked incomplete, so that an archive's cut patch is not mistaken for prose.
    """
    opened = _open_section(lines[start])
    if opened is None:
        return None
    section, strong = opened
    extended = _GIT_EXTENDED if section.git_prefixed is not None else _OTHER_EXTENDED
    index = start + 1 if strong else start
    while index < len(lines) and strong and extended.match(lines[index]):
        _note_extended_header(lines[index], section)
        section.header.append(lines[index])
        index += 1
    if index < len(lines) and lines[index] == "GIT binary patch":
        index = _read_git_binary(lines, index, section)
    if (
        index + 1 < len(lines)
        and lines[index].startswith("--- ")
        and lines[index + 1].startswith("+++ ")
    ):
        section.header.extend(lines[index : index + 2])
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
    return section, index


def scan_diffs(lines: list[str]) -> list[DiffText]:
    """Every diff in the body's lines, in order, each a run of consecutive file sections.

    A diff is `truncated` when a section or hunk stops short of what its headers promise, or
    when the body ends right after it with the archive's "..." cut marker.
    """
    diffs: list[DiffText] = []
    index = 0
    while index < len(lines):
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
        diffs.append(DiffText(first, index - 1, files, truncated=cut))
    return diffs


def _next_section(lines: list[str], index: int) -> tuple[FileText, int] | None:
    """The file section after `lines[index]`, allowing blank lines in between (git leaves one
    after a binary patch), or None when the diff ends there."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    return read_file_section(lines, index) if index < len(lines) else None


def first_diff_line(lines: list[str]) -> int | None:
    """The index of the first line where a diff starts, or None when the body has none."""
    return next(
        (index for index in range(len(lines)) if read_file_section(lines, index) is not None),
        None,
    )
