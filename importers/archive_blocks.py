"""The blocks of a web-archive thread page as written: headers, body, and whether it was cut."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from threadlore.importers.records import Address


@dataclass(frozen=True)
class ArchiveBlock:
    """One message's block as written: its headers, its body and whether the archive cut it.

    `line` is the 1-based line of the block's first header and `offset` its byte offset in the
    file, for reports; `body` excludes the closing "-" line. `warnings` are (where, problem)
    pairs for what could not be read as written.
    """

    position: int
    line: int
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date_text: str
    body: str
    truncated: bool
    offset: int = 0
    warnings: tuple[tuple[str, str], ...] = ()

    def with_warnings(self, more: Sequence[tuple[str, str]]) -> ArchiveBlock:
        """The same block with more warnings."""
        return replace(self, warnings=(*self.warnings, *more))

    @property
    def recipients(self) -> tuple[Address, ...]:
        """To: then Cc:, as written."""
        return self.to + self.cc

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """The headers the archive kept, in the archive's spelling."""
        kept = [("To", ", ".join(map(str, self.to)))]
        if self.cc:
            kept.append(("Cc", ", ".join(map(str, self.cc))))
        return (*kept, ("Date", self.date_text))


@dataclass(frozen=True)
class ArchiveThread:
    """A whole archive page: the thread's subject (first line) and its message blocks in order."""

    source: str
    subject: str
    blocks: tuple[ArchiveBlock, ...]
