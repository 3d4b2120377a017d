"""Streaming mbox and mbox.gz reader (mboxo and mboxrd), one message in memory at a time.

The file is read line by line (through `gzip.open` for .gz) and cut at `From ` separator lines,
so memory holds one message however large the archive; stdlib `mailbox.mbox` indexes the whole
file first and cannot read .gz. Escaped `>From ` lines are unescaped the mboxrd way (one `>`
removed from `>…>From `), which also undoes mboxo's escaping of `From `. A `From ` line that
was never escaped (mboxo writers, hand-edited files) separates messages only when a header line
follows it; otherwise it is body text, so a paragraph opening "From what I saw" stays where it is.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from threadlore.importers.email_message import parse_message_bytes
from threadlore.importers.records import (
    MAX_MESSAGE_BYTES,
    ErrorHandler,
    InputError,
    ParsedMessage,
    source_name,
    too_large,
)

GZIP_MAGIC = b"\x1f\x8b"
_ESCAPED_FROM = re.compile(rb"^>(>*From )")
_HEADER_START = re.compile(rb"^[!-9;-~]+:")
_SPECIAL_LINE = re.compile(rb"^>*From ", re.MULTILINE)


_CHUNK = 1 << 16


def open_mail_file(path: Path) -> io.BufferedIOBase:
    """Open a mail file for binary reading, decompressing it when it is gzip data."""
    with path.open("rb") as probe:
        compressed = probe.read(2) == GZIP_MAGIC
    if compressed:
        return gzip.open(path, "rb")
    return path.open("rb")


def _gzip_chunks(stream: io.BufferedIOBase, junk: list[gzip.BadGzipFile]) -> Iterator[bytes]:
    """The data of a gzip stream, up to bytes after a complete member that are not another
    member (junk a download or a copy left behind): those end the data, their error is put in
    `junk`, and the message they follow stays whole. Read a chunk at a time with `read1`, which
    either returns data or raises, so no data read before the junk is lost with it."""
    while True:
        try:
            chunk = stream.read1(_CHUNK)
        except gzip.BadGzipFile as exc:
            junk.append(exc)
            return
        if not chunk:
            return
        yield chunk


def _file_chunks(stream: io.BufferedIOBase) -> Iterator[bytes]:
    return iter(lambda: stream.read(_CHUNK), b"")


def _runs(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a file as `split_mbox_at` needs them, without a Python step per line.

    Each line that starts with `From ` or `>…>From ` (a separator, or an escape to undo) comes
    alone; the lines between them come as one run. A line longer than a chunk comes in pieces
    of about a chunk, each but the last without its newline, so memory holds one chunk of it.
    """
    rest = b""
    inside = False  # whether `rest` continues a line given in pieces before
    for chunk in chunks:
        data = rest + chunk if rest else chunk
        end = data.rfind(b"\n") + 1
        if inside and end:  # the end of a long line: never a separator or an escape
            cut = data.index(b"\n") + 1
            yield data[:cut]
            data, end, inside = data[cut:], end - cut, False
        if end:
            yield from _split_runs(data[:end])
        rest = data[end:]
        if len(rest) > _CHUNK:  # a long line goes on in pieces: memory holds one chunk of it
            yield rest
            rest, inside = b"", True
    if rest:
        yield rest


def _split_runs(lines: bytes) -> Iterator[bytes]:
    """Whole lines cut into runs and the lines starting with `From ` or `>…>From ` (see `_runs`)."""
    start = 0
    for found in _SPECIAL_LINE.finditer(lines):
        at = found.start()
        if at > start:
            yield lines[start:at]
        start = lines.find(b"\n", at) + 1 or len(lines)
        yield lines[at:start]
    if start < len(lines):
        yield lines[start:]


@dataclass(frozen=True)
class Oversized:
    """A message past the size cap: how many bytes it had (at least), in place of its bytes."""

    size: int


def split_mbox(lines: Iterable[bytes], source: str) -> Iterator[bytes]:
    """Yield each message's bytes: the lines between `From ` separators, unescaped.

    A `From ` line is a separator when it opens the file or a header line follows it; any other
    `From ` line is kept as body text. The blank line that ends each message before the next
    separator is dropped. Blank lines before the first separator are ignored; anything else
    there means this is not an mbox.
    """
    for _, data in split_mbox_at(lines, source, cap=None):
        assert isinstance(data, bytes)  # no cap: every message is whole
        yield data


def _blank_end(piece: bytes) -> int:
    """The length of the blank line a piece of one or more lines ends with; 0 if it does not."""
    for blank in (b"\n", b"\r\n"):
        if piece == blank or piece.endswith(b"\n" + blank):
            return len(blank)
    return 0


class _Gathered:
    """One message's lines as they are read, in one buffer (as a list of line objects they would
    take twice the message's size), up to the cap; past it, only its size is counted."""

    def __init__(self, start: int, cap: int | None) -> None:
        self.start = start  # the byte offset of its `From ` line
        self.cap = cap
        self.data = bytearray()
        self.size = 0
        self.blank = 0  # the length of the blank line the pieces kept end with, if they do

    def add(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.cap is None or self.size <= self.cap:
            self.data += piece
            self.blank = _blank_end(piece)

    def finish(self) -> bytes | Oversized:
        """The message, without the empty line that separates it from the next one; the buffer
        is emptied, so that memory holds the message once while it is parsed."""
        if self.cap is not None and self.size > self.cap:
            return Oversized(self.size)
        if self.blank:
            del self.data[-self.blank :]
        message = bytes(self.data)
        self.data = bytearray()
        return message


def split_mbox_at(
    lines: Iterable[bytes], source: str, cap: int | None = MAX_MESSAGE_BYTES
) -> Iterator[tuple[int, bytes | Oversized]]:
    """`split_mbox`, each message with the byte offset of its `From ` line (in the file as
    read: the decompressed data of an mbox.gz). `lines` may cut a long line into pieces (each
    but the last without its newline); a message past `cap` bytes is not kept but counted, and
    given as Oversized, so memory never holds more than `cap` bytes of it."""
    current: _Gathered | None = None
    pending: bytes | None = None  # a `From ` line until the next line tells what it is
    offset = pending_at = 0
    line_start = True  # whether this piece starts a line
    for line in lines:
        if not line_start:  # the rest of a long line: never a separator or an escape
            if pending is not None:
                pending += line if cap is None or len(pending) <= cap else b""
            elif current is not None:
                current.add(line)
            offset += len(line)
            line_start = line.endswith(b"\n")
            continue
        if pending is not None:
            if current is None or _HEADER_START.match(line):
                if current is not None:
                    yield current.start, current.finish()
                current = _Gathered(pending_at, cap)
            else:
                current.add(pending)
            pending = None
        if line.startswith(b"From "):
            pending, pending_at = line, offset
        elif current is not None:
            current.add(_ESCAPED_FROM.sub(rb"\1", line) if line.startswith(b">") else line)
        elif line.strip():
            raise InputError(source, None, "first line", "text before the first 'From ' line")
        offset += len(line)
        line_start = line.endswith(b"\n")
    if pending is not None and current is not None:
        current.add(pending)
    if current is not None:
        yield current.start, current.finish()


def read_mbox(
    path: str | Path, on_error: ErrorHandler | None = None, cap: int = MAX_MESSAGE_BYTES
) -> Iterator[ParsedMessage]:
    """Read an mbox or mbox.gz file, yielding each message as soon as it is whole.

    Args:
        path: the mbox or mbox.gz file.
        on_error: told about each message that cannot be read, after which reading goes on
            with the next one; without it, such a message ends the reading with its error.
        cap: the most bytes a message may have; a larger one is such a message.

    Raises:
        InputError: when the file cannot be opened or is not an mbox, or when compressed data
            is damaged or cut short — after the messages that were whole have been yielded.
    """
    path = Path(path)
    source = source_name(path)
    position = 0
    junk: list[gzip.BadGzipFile] = []
    try:
        with open_mail_file(path) as stream:
            gzipped = isinstance(stream, gzip.GzipFile)
            chunks = _gzip_chunks(stream, junk) if gzipped else _file_chunks(stream)
            for offset, raw in split_mbox_at(_runs(chunks), source, cap):
                position += 1
                try:
                    if isinstance(raw, Oversized):
                        raise too_large(source, position, raw.size, cap, offset)
                    message = parse_message_bytes(raw, source=source, position=position)
                    del raw  # read: not held while the message is stored, or sent on
                except InputError as exc:
                    located = InputError(source, position, exc.where, exc.problem, offset)
                    if on_error is None:
                        raise located from exc
                    on_error(located)
                    continue
                yield message
            if junk:
                problem = f"bytes after the last whole gzip member are not gzip data ({junk[0]})"
                raise InputError(source, position + 1, "end of file", problem) from junk[0]
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        problem = f"compressed data is damaged or cut short ({exc})"
        raise InputError(source, position + 1, "gzip stream", problem) from exc
    except OSError as exc:
        raise InputError(source, None, "file", f"cannot be read ({exc.strerror or exc})") from exc
