"""Reading the diffstat an author put above a patch (`path | 27 +++---`, `N files changed, …`).

When an archive cut a patch off, the diffstat is the only account of the whole patch that
survives, so the patch parser falls back on it for per-file and total line counts.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from threadlore.importers.body_lines import lines_holding

_FILE_LINE = re.compile(
    r"^\s*(?P<path>\S.*?)\s+\|\s+(?P<count>\d{1,9})(?:\s+(?P<graph>[+-]+))?\s*$"
)
_BINARY_LINE = re.compile(r"^\s*(?P<path>\S.*?)\s+\|\s+Bin\b.*$")
_SUMMARY_LINE = re.compile(
    r"^\s*(?P<files>\d{1,9}) files? changed"
    r"(?:, (?P<added>\d{1,9}) insertions?\(\+\))?"
    r"(?:, (?P<removed>\d{1,9}) deletions?\(-\))?\s*$"
)
_MODE_LINE = re.compile(r"^\s*(?:mode change|create mode|delete mode|rename) ")


@dataclass(frozen=True)
class DiffstatFile:
    """One `path | N +++--` line: `added` and `removed` are estimated from the graph.

    git scales the graph when the widest entry does not fit, so the split between additions and
    removals is exact only when the graph is as long as the count; otherwise it is proportional.
    A line without a graph (an archive may strip it) splits nothing: both are zero.
    """

    path: str
    changes: int
    added: int
    removed: int
    is_binary: bool = False

    def names(self, path: str) -> bool:
        """Whether this entry is for `path`, allowing for git's `.../` abbreviation."""
        if self.path.startswith(".../"):
            return path.endswith(self.path[3:])
        return self.path == path


@dataclass(frozen=True)
class Diffstat:
    """A diffstat block: its files and, when the summary line survived, the author's totals."""

    files: tuple[DiffstatFile, ...]
    first_line: int
    last_line: int
    summary_added: int | None
    summary_removed: int | None

    @property
    def added(self) -> int:
        """Lines added: the summary's figure when present, else the sum of the file estimates."""
        if self.summary_added is not None:
            return self.summary_added
        return sum(f.added for f in self.files)

    @property
    def removed(self) -> int:
        """Lines removed: the summary's figure when present, else the sum of the file estimates."""
        if self.summary_removed is not None:
            return self.summary_removed
        return sum(f.removed for f in self.files)

    def files_missing_from(self, paths: list[str]) -> list[DiffstatFile]:
        """The entries naming none of `paths`: files a cut diff never reached."""
        return [entry for entry in self.files if not any(entry.names(p) for p in paths)]


def parse_diffstat_file_line(line: str) -> DiffstatFile | None:
    """Read one `path | N +-` or `path | Bin …` line, or None when the line is not one."""
    if "|" not in line:
        return None
    binary = _BINARY_LINE.match(line)
    if binary:
        return DiffstatFile(path=binary["path"], changes=0, added=0, removed=0, is_binary=True)
    match = _FILE_LINE.match(line)
    if match is None:
        return None
    changes = int(match["count"])
    graph = match["graph"] or ""
    plus, minus = graph.count("+"), graph.count("-")
    if plus + minus == changes or not graph:
        return DiffstatFile(match["path"], changes, plus, minus)
    added = round(changes * plus / (plus + minus))
    return DiffstatFile(match["path"], changes, added, changes - added)


def is_diffstat_line(line: str) -> bool:
    """Whether a line belongs to a diffstat block (file, summary or mode-change line)."""
    return bool(
        parse_diffstat_file_line(line) or _SUMMARY_LINE.match(line) or _MODE_LINE.match(line)
    )


def find_diffstats(lines: Sequence[str], start: int, stop: int) -> list[Diffstat]:
    """Every diffstat block in `lines[start:stop]`, in order.

    A block is a run of at least one file line, optionally ending in the summary line and any
    `mode change`/`create mode` lines; a lone summary line with no files is not a block.
    """
    blocks: list[Diffstat] = []
    barred = lines_holding(lines, "|", start, stop)  # a file line holds a `|`
    index = start
    while (next_barred := bisect_left(barred, index)) < len(barred):
        index = barred[next_barred]
        if parse_diffstat_file_line(lines[index]) is None:
            index += 1
            continue
        first = index
        files: list[DiffstatFile] = []
        added: int | None = None
        removed: int | None = None
        while index < stop and is_diffstat_line(lines[index]):
            entry = parse_diffstat_file_line(lines[index])
            summary = _SUMMARY_LINE.match(lines[index])
            if entry is not None:
                files.append(entry)
            elif summary is not None:
                added = int(summary["added"] or 0)
                removed = int(summary["removed"] or 0)
            index += 1
        blocks.append(Diffstat(tuple(files), first, index - 1, added, removed))
    return blocks
