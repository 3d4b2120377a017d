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

One odd block never costs the page: a header that cannot be read is kept as written and noted in
the message's warnings; a block that has nothing to store (a file cut inside its last header
block) is reported to `on_error` and skipped; a file cut inside its last message keeps what is
there, marked cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from threadlore.importers.archive_blocks import ArchiveBlock, ArchiveThread
from threadlore.importers.archive_dates import ARCHIVE_DATE, ArchiveClock
from threadlore.importers.archive_messages import build_messages
from threadlore.importers.records import (
    Address,
    ErrorHandler,
    InputError,
    ParsedMessage,
    source_name,
)

_HEADER_LINE = re.compile(r"^(?P<name>To|Cc|Date):[ \t]*(?P<value>.*)$")
_CHROME_LINE = re.compile(r"^(Previous|Next) thread: ")
_BARE_ADDRESS = re.compile(r"^[^\s<>,\"]+@[^\s<>,\"]*$")
_COMMENT = re.compile(r"\([^()]*\)")
_EMPTY_GROUP = re.compile(r"^[^:<>@\"]*:\s*;$")
_TERMINATOR = "-"
_CUT_MARKER = "..."
_OPENERS = {'"': '"', "<": ">", "(": ")"}


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


def _split_items(value: str) -> list[str]:
    """An address list's items: commas split it, except inside quotes, `<…>` and `(…)`."""
    items: list[str] = []
    current: list[str] = []
    closing: list[str] = []
    for char in value:
        if closing and char == closing[-1]:
            closing.pop()
        elif char in _OPENERS and (not closing or closing[-1] != '"'):
            closing.append(_OPENERS[char])
        elif char == "," and not closing:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _read_item(item: str) -> Address | None:
    """One address as written: `Name <addr>`, `"Last, First" <addr>`, `<addr>`, `addr`, or
    `addr (comment)`; None when it is none of these."""
    if item.count("<") == 1 and item.endswith(">"):
        name, _, email = item[:-1].partition("<")
        return Address(name.strip().strip('"').strip(), email.strip())
    bare = _COMMENT.sub("", item).strip()
    if _BARE_ADDRESS.match(bare):
        return Address("", bare)
    return None


def parse_addresses(value: str) -> tuple[tuple[Address, ...], list[str]]:
    """Split a To:/Cc: value into addresses, keeping cut addresses (`akpm@...`) as written.

    RFC 5322 comments stay in the name ("Jean Delvare (PC drivers, core) <khali@...>"); an empty
    group ("unlisted-recipients:;") names nobody. An item that is none of these is kept as a
    name without address, and returned among the problems.
    """
    addresses: list[Address] = []
    problems: list[str] = []
    for item in _split_items(value):
        if _EMPTY_GROUP.match(_COMMENT.sub("", item).strip()):
            continue
        address = _read_item(item)
        if address is None:
            problems.append(f"cannot read address {item!r}: kept as written")
            address = Address(item, "")
        addresses.append(address)
    return tuple(addresses), problems


class _Lines:
    """The file's lines (decoded leniently, line ends removed) and each one's byte offset."""

    def __init__(self, data: bytes) -> None:
        raw = data.split(b"\n")
        if raw and raw[-1] == b"":
            raw.pop()
        self.text = [line.rstrip(b"\r").decode("utf-8", "replace") for line in raw]
        self.offsets = []
        offset = 0
        for line in raw:
            self.offsets.append(offset)
            offset += len(line) + 1

    def __len__(self) -> int:
        return len(self.text)


def _header_group_at(lines: Sequence[str], start: int) -> int:
    """The number of consecutive To:/Cc:/Date: lines from `start` (0 if none)."""
    end = start
    while end < len(lines) and _HEADER_LINE.match(lines[end]):
        end += 1
    return end - start


def _is_block_start(lines: Sequence[str], index: int) -> bool:
    """A header group that opens a message: after a blank or chrome line, with a Date: line
    in the archive's spelling, or with a Date: beside a To: or Cc: — or a To:/Cc: group that
    the end of the page cuts off."""
    if index > 0 and lines[index - 1].strip() and not _CHROME_LINE.match(lines[index - 1]):
        return False
    size = _header_group_at(lines, index)
    group = lines[index : index + size]
    dates = [line.removeprefix("Date:").strip() for line in group if line.startswith("Date:")]
    addressed = any(line.startswith(("To:", "Cc:")) for line in group)
    if not dates:
        return addressed and index + size == len(lines)
    return addressed or any(ARCHIVE_DATE.match(d) for d in dates)


def _content_end(lines: Sequence[str]) -> int:
    """Where the page's content ends: before trailing chrome and blank lines."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or _CHROME_LINE.match(lines[end - 1])):
        end -= 1
    return end


def _read_block(
    source: str, position: int, lines: _Lines, start: int, end: int, last: bool
) -> ArchiveBlock:
    """Read one block (`lines[start:end]`): headers, then a blank line, then the body.

    Raises:
        InputError: the block has no body at all: the file ends inside its headers.
    """
    text = lines.text
    size = _header_group_at(text, start)
    warnings: list[tuple[str, str]] = []
    headers: dict[str, tuple[int, str]] = {}  # name: (line number, value)
    for number in range(start + 1, start + size + 1):
        match = _HEADER_LINE.match(text[number - 1])
        assert match is not None  # _header_group_at only counts matching lines
        if match["name"] in headers:
            warnings.append((f"line {number}", f"repeated {match['name']}: ignored"))
            continue
        headers[match["name"]] = (number, match["value"])
    body_start = start + size + 1
    if start + size >= end:
        raise InputError(
            source,
            position,
            f"line {start + 1}",
            "the file ends inside this message's headers: nothing to store",
            lines.offsets[start],
        )
    if text[start + size].strip():
        body_start = start + size
        warnings.append((f"line {start + size + 1}", "no blank line after the headers"))
    if "To" not in headers and "Cc" not in headers:
        warnings.append((f"line {start + 1}", "no To: or Cc: header"))
    recipients: dict[str, tuple[Address, ...]] = {}
    for name in ("To", "Cc"):
        number, value = headers.get(name, (0, ""))
        recipients[name], problems = parse_addresses(value)
        warnings.extend((f"line {number}, {name}:", problem) for problem in problems)
    body_lines = text[body_start:end]
    while body_lines and not body_lines[-1].strip():
        body_lines.pop()
    terminated = bool(body_lines) and body_lines[-1].strip() == _TERMINATOR
    if terminated:
        body_lines.pop()
    truncated = (
        not terminated and bool(body_lines) and body_lines[-1].rstrip().endswith(_CUT_MARKER)
    )
    if last and not terminated and not truncated:
        truncated = True
        warnings.append(
            (f"line {end}", "the file ends inside this message (no '-' or '...'): kept as cut")
        )
    return ArchiveBlock(
        position=position,
        line=start + 1,
        offset=lines.offsets[start],
        to=recipients["To"],
        cc=recipients["Cc"],
        date_text=headers.get("Date", (0, ""))[1].strip(),
        body="\n".join(body_lines).rstrip() + "\n" if body_lines else "",
        truncated=truncated,
        warnings=tuple(warnings),
    )


def _subject_and_preamble(
    text: Sequence[str], first_block: int
) -> tuple[str, list[tuple[str, str]]]:
    """The thread's subject (a title may wrap onto following lines) and notes on stray text."""
    subject = [text[0].strip()]
    index = 1
    while index < first_block and text[index].strip() and not _CHROME_LINE.match(text[index]):
        subject.append(text[index].strip())
        index += 1
    stray = [
        number
        for number in range(index + 1, first_block + 1)
        if text[number - 1].strip() and not _CHROME_LINE.match(text[number - 1])
    ]
    notes = [(f"line {n}", "text before the first message headers: ignored") for n in stray]
    return " ".join(subject), notes


def parse_archive_text(
    data: bytes | str, source: str, on_error: ErrorHandler | None = None
) -> ArchiveThread:
    """Split an archive page into its subject and message blocks.

    Args:
        data: the page, as bytes (byte offsets in reports are then exact) or text.
        source: the file it came from, for the record and for reports.
        on_error: told about each block that cannot be stored, after which reading goes on;
            without it, such a block raises.

    Raises:
        InputError: no subject line or no message headers at all; or, without `on_error`, a
            block with nothing to store.
    """
    lines = _Lines(data.encode("utf-8") if isinstance(data, str) else data)
    text = lines.text
    end = _content_end(text)
    if not end or not text[0].strip():
        raise InputError(source, None, "line 1", "no thread subject on the first line", 0)
    content = text[:end]
    starts = [i for i in range(1, end) if _is_block_start(content, i)]
    if not starts:
        raise InputError(source, None, "whole file", "no message headers (To:/Cc: and Date:)")
    subject, preamble = _subject_and_preamble(text, starts[0])
    blocks: list[ArchiveBlock] = []
    bounds = zip(starts, [*starts[1:], end], strict=True)
    for position, (start, stop) in enumerate(bounds, start=1):
        try:
            block = _read_block(source, position, lines, start, stop, last=stop == end)
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)
            continue
        if not blocks and preamble:
            block = block.with_warnings(preamble)
        blocks.append(block)
    return ArchiveThread(source=source, subject=subject, blocks=tuple(blocks))


def read_archive_text(
    path: str | Path,
    on_error: ErrorHandler | None = None,
    clock: ArchiveClock | None = None,
) -> Iterator[ParsedMessage]:
    """Yield the messages of an archive page, with everything the format omits inferred.

    `clock` is the clock the archive printed its times on (default: see `archive_dates`).

    Raises:
        InputError: the file cannot be read or has no messages (see `parse_archive_text`).
    """
    source = source_name(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(source, None, "file", error.strerror or str(error)) from error
    thread = parse_archive_text(data, source, on_error)
    yield from build_messages(thread, clock=clock)
