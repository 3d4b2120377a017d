"""Reading the web archive's thread text format: the subject line, then one block per message.

The format (one page of a web mail archive saved as text) looks like this::

    Re: [patch 0/6] fault vs truncate/invalidate race fix     <- the thread's subject
    Previous thread: none                                     <- archive chrome, not a message
    Next thread: Linux 2.6.21-rc1 by Linus Torvalds on ...
    To: Linux Memory Management <linux-mm@...>, Andrew Morton <akpm@...>
    Cc: Linux Kernel <linux-kernel@...>
    Date: Wednesday, February 21, 2007 - 12:49 am

    body ...
    -                                                         <- ends most messages

There is no From:, Subject or Message-ID per message, quoted text is stripped, addresses are cut
at the "@", and long messages are cut off with "..." (and then have no closing "-"). A lone "-"
also occurs inside diffs, so blocks are found by their header group (To:/Cc:/Date: lines followed
by a blank line), never by the "-" lines. Everything the format leaves out is inferred by
`importers.archive_inference`; `read_archive_text` is the entry point that yields messages.
Dates carry no timezone; they are read as US Eastern time, for the reasons given in
`importers.archive_dates`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from threadlore.importers.archive_blocks import ArchiveBlock, ArchiveThread
from threadlore.importers.archive_dates import ARCHIVE_DATE
from threadlore.importers.archive_messages import build_messages
from threadlore.importers.records import Address, InputError, ParsedMessage

_HEADER_LINE = re.compile(r"^(?P<name>To|Cc|Date):[ \t]*(?P<value>.*)$")
_CHROME_LINE = re.compile(r"^(Previous|Next) thread: ")
_ADDRESS = re.compile(
    r'\s*(?:(?P<name>"[^"]*"|[^<>,"]*?)\s*<(?P<email>[^<>]*)>|(?P<bare>[^\s<>,"]+@[^\s<>,"]*))'
    r"\s*(?:,|$)"
)
_TERMINATOR = "-"
_CUT_MARKER = "..."


def looks_like_archive_text(head: str) -> bool:
    """Whether the start of a file is this archive format (used by format detection).

    The first line is a bare subject (not an mbox "From " line) and a header group follows whose
    Date: is in the archive's spelling ("Wednesday, February 21, 2007 - 12:49 am"), which no
    RFC 5322 mail uses, right after a To: or Cc: line.
    """
    lines = head.splitlines()
    if not lines or lines[0].startswith("From "):
        return False
    for index in range(1, len(lines)):
        line = lines[index]
        if line.startswith("Date:") and ARCHIVE_DATE.match(line.removeprefix("Date:").strip()):
            return any(lines[j].startswith(("To:", "Cc:")) for j in range(max(1, index - 2), index))
    return False


def parse_addresses(value: str, source: str, position: int, where: str) -> tuple[Address, ...]:
    """Split a To:/Cc: value into addresses, keeping cut addresses (`akpm@...`) as written.

    Accepts `Name <addr>`, `"Last, First" <addr>`, `<addr>` and a bare `addr`.
    """
    addresses = []
    rest = value.strip()
    while rest:
        match = _ADDRESS.match(rest)
        if match is None:
            raise InputError(source, position, where, f"cannot read address list {value!r}")
        if match["bare"]:
            addresses.append(Address("", match["bare"]))
        else:
            addresses.append(Address(match["name"].strip().strip('"'), match["email"].strip()))
        rest = rest[match.end() :].strip()
    return tuple(addresses)


def _header_group_at(lines: list[str], start: int) -> int:
    """The number of consecutive To:/Cc:/Date: lines from `start` (0 if none)."""
    end = start
    while end < len(lines) and _HEADER_LINE.match(lines[end]):
        end += 1
    return end - start


def _is_block_start(lines: list[str], index: int) -> bool:
    """A header group that opens a message: after a blank or chrome line, with a Date: line."""
    if index > 0 and lines[index - 1].strip() and not _CHROME_LINE.match(lines[index - 1]):
        return False
    size = _header_group_at(lines, index)
    return size > 0 and any(lines[j].startswith("Date:") for j in range(index, index + size))


def _strip_trailing_chrome(lines: list[str]) -> list[str]:
    """Drop the "Previous thread:/Next thread:" chrome and blanks after the last message."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or _CHROME_LINE.match(lines[end - 1])):
        end -= 1
    return lines[:end]


def _read_block(source: str, position: int, lines: list[str], start: int, end: int) -> ArchiveBlock:
    """Read one block (`lines[start:end]`): headers, then a blank line, then the body."""
    size = _header_group_at(lines, start)
    headers: dict[str, str] = {}
    for offset in range(size):
        match = _HEADER_LINE.match(lines[start + offset])
        assert match is not None  # _header_group_at only counts matching lines
        if match["name"] in headers:
            raise InputError(source, position, f"line {start + offset + 1}", "repeated header")
        headers[match["name"]] = match["value"]
    where = f"line {start + 1}"
    if start + size >= end or lines[start + size].strip():
        raise InputError(source, position, where, "block cut in half: no blank line after headers")
    if "To" not in headers and "Cc" not in headers:
        raise InputError(source, position, where, "no To: or Cc: header")
    date_text = headers["Date"].strip()
    if not ARCHIVE_DATE.match(date_text):
        raise InputError(source, position, where, f"unreadable Date: {date_text!r}")
    body_lines = lines[start + size + 1 : end]
    while body_lines and not body_lines[-1].strip():
        body_lines.pop()
    terminated = bool(body_lines) and body_lines[-1].strip() == _TERMINATOR
    if terminated:
        body_lines.pop()
    truncated = (
        not terminated and bool(body_lines) and body_lines[-1].rstrip().endswith(_CUT_MARKER)
    )
    return ArchiveBlock(
        position=position,
        line=start + 1,
        to=parse_addresses(headers.get("To", ""), source, position, "To:"),
        cc=parse_addresses(headers.get("Cc", ""), source, position, "Cc:"),
        date_text=date_text,
        body="\n".join(body_lines).rstrip() + "\n" if body_lines else "",
        truncated=truncated,
    )


def parse_archive_text(text: str, source: str) -> ArchiveThread:
    """Split an archive page into its subject and message blocks.

    Raises:
        InputError: no subject line, text before the first message that is not archive chrome,
            a header group without a Date: or cut off before its body, or a last message that
            stops without the archive's closing "-" or "..." (the file itself was cut).
    """
    lines = _strip_trailing_chrome(text.splitlines())
    if not lines or not lines[0].strip():
        raise InputError(source, None, "line 1", "no thread subject on the first line")
    starts = [i for i in range(1, len(lines)) if _is_block_start(lines, i)]
    if not starts:
        raise InputError(source, None, "whole file", "no message headers (To:/Cc: and Date:)")
    for number, line in enumerate(lines[1 : starts[0]], start=2):
        if line.strip() and not _CHROME_LINE.match(line):
            raise InputError(source, 1, f"line {number}", "text before the first message headers")
    bounds = zip(starts, [*starts[1:], len(lines)], strict=True)
    blocks = tuple(
        _read_block(source, position, lines, start, end)
        for position, (start, end) in enumerate(bounds, start=1)
    )
    last = lines[-1].strip()
    if last != _TERMINATOR and not last.endswith(_CUT_MARKER):
        raise InputError(
            source,
            len(blocks),
            f"line {len(lines)}",
            "file ends inside a message (no '-' or '...')",
        )
    return ArchiveThread(source=source, subject=lines[0].strip(), blocks=blocks)


def read_archive_text(path: str | Path) -> Iterator[ParsedMessage]:
    """Yield the messages of an archive page, with everything the format omits inferred.

    Raises:
        InputError: the file cannot be read or is not well-formed (see `parse_archive_text`).
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise InputError(source, None, "file", error.strerror or str(error)) from error
    yield from build_messages(parse_archive_text(text, source))
