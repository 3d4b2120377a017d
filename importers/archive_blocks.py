"""The blocks of a web-archive thread page as written: headers, body, and whether it was cut."""

from __future__ import annotations

from dataclasses import dataclass

from threadlore.importers.records import Address


@dataclass(frozen=True)
class ArchiveBlock:
    """One message's block as written: its headers, its body and whether the archive cut it.

    `line` is the 1-based line of the block's first header, for error messages; `body` excludes
    the closing "-" line.
    """

    position: int
    line: int
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date_text: str
    body: str
    truncated: bool

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
