"""A message's bytes parsed by the stdlib `email` package, without its copies of a large body.

`BytesParser.parsebytes` decodes the whole message into one string, copies it into a StringIO
(four bytes a character), cuts the body into line strings and joins them again: a 60 MB message
costs over 400 MB. Here the stdlib parser still reads every header block and every multipart
message, but fed a chunk at a time as `Parser.parse` feeds it; the body of a single-part message
(no parts to find in it) is not parsed at all but decoded from the message's bytes as
`Message.get_payload(decode=True)` would decode it (the tests compare the two on the corpora).
A large message of parts is parsed with its large leaf bodies cut out (`parse_cutting_bodies`):
the parser would hold each as a million line strings and then one string; those bodies too are
decoded from the message's bytes, and only for the parts the caller reads.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from email._encoded_words import (  # type: ignore[import-not-found]  # no stub: private
    decode_b,  # what get_payload(decode=True) reads base64 with
)
from email.errors import MissingHeaderBodySeparatorDefect
from email.feedparser import BytesFeedParser
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from itertools import pairwise

_FEED = 8192  # the characters `email.parser.Parser.parse` feeds its FeedParser at a time
# the feed parser's `headerRE` and its line ends (\r\n, \r, \n), on bytes: a line that is not a
# header line (nor a continuation, nor a misplaced `From `) ends the header block
_HEADER_LINE = re.compile(rb"From |[!-9;-~]*:|[\t ]")
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)?")
_LINE_ENDS = re.compile(rb"[\r\n]+")
# content types whose body the parser takes apart (parts, an attached message, status blocks)
_PARTED = frozenset({"multipart", "message"})
# a line starting with `--`, with the line end before it: every line that can end a part does
_DASH_LINE = re.compile(rb"(?:\r\n|\r|\n)--")
CUT_FROM = 1 << 20  # bytes: a leaf body at least this long is cut out before parsing
# what stands in for a cut body: the message itself never holds it (else nothing is cut)
_CUT_MARK = b"\x00threadlore:cut:"
_CUT = re.compile(r"\x00threadlore:cut:(\d+)\x00(\r\n|\r|\n)?")
_STATUS = "message/delivery-status"  # a blank line ends its blocks, and any leaf inside one


def _header_end(raw: bytes, position: int, end: int) -> tuple[int, bool, tuple[int, int] | None]:
    """Where the body starts after the header block at `position` (read up to `end`) as the
    parser reads it, whether a blank line ended the block, and the span of a misplaced `From `
    line that ends it (see split_message)."""
    last = lines = 0
    start, blank = end, False
    while position < end:
        line_end = _LINE.match(raw, position, end).end()  # type: ignore[union-attr]  # always
        if not _HEADER_LINE.match(raw, position, end):
            blank = raw[position] in b"\r\n"
            start = line_end if blank else position
            break
        last, position, lines = position, line_end, lines + 1
    from_line = (last, position) if lines > 1 and raw.startswith(b"From ", last) else None
    return start, blank, from_line


def split_message(raw: bytes) -> tuple[memoryview, memoryview]:
    """A message's header block and its body, cut where the stdlib parser cuts them.

    The header block is the header lines and the blank line that ends them, or runs up to the
    first line that is neither (the parser keeps that line as body, with a defect). A last
    header line that is a misplaced `From ` line is given to the body, as the parser gives it
    (the blank line after it is lost; the body is then a copy).
    """
    view = memoryview(raw)
    start, _, from_line = _header_end(raw, 0, len(raw))
    if from_line is not None:
        return view[:start], memoryview(b"".join((view[slice(*from_line)], view[start:])))
    return view[:start], view[start:]


def parse_bytes(raw: bytes | memoryview, policy: EmailPolicy[EmailMessage]) -> EmailMessage:
    """`BytesParser(_class=EmailMessage, policy=policy).parsebytes(raw)`, fed a chunk at a time
    so that no copy of the whole message is made."""
    parser = BytesFeedParser(EmailMessage, policy=policy)
    for start in range(0, len(raw), _FEED):
        parser.feed(bytes(raw[start : start + _FEED]))
    message = parser.close()
    assert isinstance(message, EmailMessage)
    return message


def is_single_part(headers: Message) -> bool:
    """Whether the parser would take a message with these headers as one body, not parts."""
    return headers.get_content_maintype() not in _PARTED


def decoded_payload(part: Message, payload: memoryview) -> bytes | memoryview:
    """`part.get_payload(decode=True)` for a part whose body, as parsed from bytes, is `payload`.

    The parser keeps a body as the string its bytes decode to as ASCII with surrogate escapes,
    and `get_payload` encodes that string back to those very bytes before undoing the
    Content-Transfer-Encoding: quoted-printable, base64 (its line ends dropped), uuencode;
    any other encoding leaves the bytes as they are.
    """
    encoding = str(part.get("content-transfer-encoding", "")).lower()
    if encoding == "quoted-printable":
        return quopri.decodestring(payload)
    if encoding == "base64":
        value_and_defects: tuple[bytes, list[object]] = decode_b(_LINE_ENDS.sub(b"", payload))
        return value_and_defects[0]
    if encoding in ("x-uuencode", "uuencode", "uue", "x-uue"):  # rare: the stdlib's own way
        part.set_payload(bytes(payload).decode("ascii", "surrogateescape"))
        decoded = part.get_payload(decode=True)
        assert isinstance(decoded, bytes)  # a part that is not multipart decodes to bytes
        return decoded
    return payload


def _large_bodies(raw: bytes, least: int) -> Iterator[tuple[int, int]]:
    """Spans that look like a whole leaf body of at least `least` bytes: after a line starting
    with `--` (a boundary), a header block ended by a blank line, then the lines up to the line
    end before the next line starting with `--` (no line in between can end the part)."""
    dashes = [match.start() for match in _DASH_LINE.finditer(raw)]
    for line_end, next_line_end in pairwise(dashes):
        after = _LINE.match(raw, raw.index(b"--", line_end)).end()  # type: ignore[union-attr]
        start, blank, from_line = _header_end(raw, after, next_line_end)
        if blank and from_line is None and next_line_end - start >= least:
            yield start, next_line_end


def parse_cutting_bodies(
    raw: bytes, policy: EmailPolicy[EmailMessage], least: int = CUT_FROM
) -> tuple[EmailMessage, dict[int, memoryview]] | None:
    """The message parsed with each leaf body of at least `least` bytes cut out, and the bytes
    of each cut body by `id()` of its part (the message keeps the parts alive); None when no
    body was cut.

    A cut body is replaced by a mark, and kept cut only if the parser reads the mark as the
    whole body of a leaf part, after a header block ended by a blank line: the parser then
    read the cut lines as that body too, because no line in them starts with `--` (every
    boundary does) and the part is not in a delivery status (whose blocks end at a blank
    line). A span that is not a whole body is put back.
    """
    if len(raw) < least or _CUT_MARK in raw:
        return None
    spans = list(_large_bodies(raw, least))
    view = memoryview(raw)
    while spans:
        pieces: list[bytes | memoryview] = []
        previous = 0
        for number, (start, stop) in enumerate(spans):
            pieces += [view[previous:start], b"%s%d\x00" % (_CUT_MARK, number)]
            previous = stop
        pieces.append(view[previous:])
        message = parse_bytes(b"".join(pieces), policy)
        found = dict(_marked_leaves(message))
        if len(found) == len(spans):
            return message, {
                id(part): view[spans[number][0] : spans[number][1] + len(line_end)]
                for number, (part, line_end) in found.items()
            }
        spans = [span for number, span in enumerate(spans) if number in found]
    return None


def _marked_leaves(message: Message) -> Iterator[tuple[int, tuple[Message, str]]]:
    """Each leaf part whose whole body is a cut mark, read as body lines (its header block
    ended at a blank line, not at the mark): its number, the part, and the line end after the
    mark (the parser keeps the last one in a part that does not end at a boundary); none
    inside a delivery status."""
    stack = [(message, False)]
    while stack:
        part, in_status = stack.pop()
        in_status = in_status or part.get_content_type() == _STATUS
        if part.is_multipart():
            inner = part.get_payload()
            assert isinstance(inner, list)  # what is_multipart() means
            stack += [(p, in_status) for p in reversed(inner) if isinstance(p, Message)]
            continue
        if in_status:
            continue
        try:
            payload = part.get_payload()
        except (ValueError, LookupError, TypeError):  # non-ASCII, read by a broken charset
            continue  # (a mark is ASCII)
        mark = _CUT.fullmatch(payload) if isinstance(payload, str) else None
        if mark and not any(isinstance(d, MissingHeaderBodySeparatorDefect) for d in part.defects):
            yield int(mark.group(1)), (part, mark.group(2) or "")
