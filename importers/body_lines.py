"""A message body's lines as offsets into the body, each line cut out only when it is looked at.

`str.splitlines` makes a str object of every line: for a diff of ~30-character lines, twice the
body's size held at once. The patch scanner reads a line a few times and moves on, so it keeps
one int a line (where the line starts) and slices the line when asked for it; a run of lines it
takes whole (a diff's text) is one slice of the body. `body_lines` keeps a small body's lines a
list (faster to read, and small beside the process), as it does a body with a line break other
than "\n".
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import overload

_NEWLINE = re.compile("\n")
LIST_BELOW = 1 << 18  # characters: a smaller body's lines are a list
# what str.splitlines also breaks at: a body holding one of these is split as before
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


class BodyLines(Sequence[str]):
    """The lines of a body whose lines end in "\\n", as `body.splitlines()` gives them."""

    __slots__ = ("_body", "_starts")

    def __init__(self, body: str) -> None:
        self._body = body
        starts = array("q", [0])
        starts.extend(map(re.Match.end, _NEWLINE.finditer(body)))
        if starts[-1] < len(body):  # the last line has no "\n": as if it had one
            starts.append(len(body) + 1)
        self._starts = starts  # line i is body[starts[i] : starts[i + 1] - 1]

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if index < 0:
            raise IndexError(index)
        starts = self._starts
        return self._body[starts[index] : starts[index + 1] - 1]

    def __iter__(self) -> Iterator[str]:
        return (self[index] for index in range(len(self)))

    def run(self, first: int, stop: int) -> list[str]:
        """Lines `first` to `stop - 1` as a list: one split of the body's slice."""
        if first >= stop:
            return []
        return self._body[self._starts[first] : self._starts[stop] - 1].split("\n")

    def starting_with(self, prefixes: tuple[str, ...]) -> list[int]:
        """The lines that begin with one of `prefixes`, found by searching the body."""
        body, starts = self._body, self._starts
        found = [0] if body.startswith(prefixes) else []
        for needle in ("\n" + prefix for prefix in prefixes):
            at = body.find(needle)
            while at >= 0:
                found.append(bisect_right(starts, at + 1) - 1)
                at = body.find(needle, at + 1)
        return sorted(found)

    def holding(self, needle: str, first: int, stop: int) -> list[int]:
        """The lines from `first` to `stop - 1` that hold `needle` (a text without "\\n")."""
        body, starts, found = self._body, self._starts, list[int]()
        end = min(starts[stop] - 1, len(body)) if first < stop else 0
        at = body.find(needle, starts[first], end) if first < stop else -1
        while at >= 0:
            found.append(bisect_right(starts, at) - 1)
            at = body.find(needle, starts[found[-1] + 1], end)
        return found

    def ended(self, first: int, stop: int) -> Iterator[str]:
        """Lines `first` to `stop - 1`, each ended by "\\n": split a block at a time."""
        for block in range(first, stop, _BLOCK):
            yield from self.text(block, min(block + _BLOCK, stop)).splitlines(keepends=True)

    def text(self, first: int, stop: int) -> str:
        """Lines `first` to `stop - 1`, each ended by "\\n": one slice of the body."""
        if first >= stop:
            return ""
        span = self.span(first, stop)
        if span is None:
            return self._body[self._starts[first] :] + "\n"
        return self._body[span[0] : span[1]]

    def span(self, first: int, stop: int) -> tuple[int, int] | None:
        """Where `text(first, stop)` lies in the body, or None when it is not there as it
        stands (it takes in the last line, which has no "\\n")."""
        start, end = self._starts[first], self._starts[max(first, stop)]
        return None if end > len(self._body) else (start, end)


_BLOCK = 1024  # at most so many lines are split from the body at a time


def iter_lines(
    lines: Sequence[str], first: int, stop: int, expected: int = _BLOCK
) -> Iterator[str]:
    """Lines `first` to `stop - 1` in order: from a body, split a block at a time, the first
    of `expected` lines (how many a reader that may stop early thinks it needs), each next
    twice as long up to `_BLOCK`."""
    if not isinstance(lines, BodyLines):
        yield from lines[first:stop]
        return
    size = max(1, min(expected, _BLOCK))
    while first < stop:
        yield from lines.run(first, min(first + size, stop))
        first, size = first + size, min(2 * size, _BLOCK)


def lines_starting_with(lines: Sequence[str], prefixes: tuple[str, ...]) -> list[int]:
    """The indexes of the lines that begin with one of `prefixes`."""
    if isinstance(lines, BodyLines):
        return lines.starting_with(prefixes)
    return [index for index, line in enumerate(lines) if line.startswith(prefixes)]


def lines_holding(lines: Sequence[str], needle: str, first: int, stop: int) -> list[int]:
    """The indexes of the lines from `first` to `stop - 1` that hold `needle`."""
    if isinstance(lines, BodyLines):
        return lines.holding(needle, first, stop)
    return [index for index in range(first, stop) if needle in lines[index]]


def body_lines(body: str) -> Sequence[str]:
    """The body's lines, as `body.splitlines()` reads them: offsets for a large body whose
    lines all end in "\\n" (mail as the importers decode it), else a list: a small body's
    line objects are little beside the process, and a list is faster to read."""
    if len(body) < LIST_BELOW or any(brk in body for brk in _OTHER_BREAKS):
        return body.splitlines()
    return BodyLines(body)
