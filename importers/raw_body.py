"""A message's bytes parsed by the stdlib `email` package, without its copies of a large body.

`BytesParser.parsebytes` decodes the whole message into one string, copies it into a StringIO
(four bytes a character), cuts the body into line strings and joins them again: a 60 MB message
costs over 400 MB. Here the stdlib parser still reads every header block and every multipart
message, but fed a chunk at a time as `Parser.parse` feeds it; the body of a single-part message
(no parts to find in it) is not parsed at all but decoded from the message's bytes as
`Message.get_payload(decode=True)` would decode it (the tests compare the two on the corpora).
"""

from __future__ import annotations

import quopri
import re
from email._encoded_words import (  # type: ignore[import-not-found]  # no stub: private
    decode_b,  # what get_payload(decode=True) reads base64 with
)
from email.feedparser import BytesFeedParser
from email.message import EmailMessage, Message
from email.policy import EmailPolicy

_FEED = 8192  # the characters `email.parser.Parser.parse` feeds its FeedParser at a time
# the feed parser's `headerRE` and its line ends (\r\n, \r, \n), on bytes: a line that is not a
# header line (nor a continuation, nor a misplaced `From `) ends the header block
_HEADER_LINE = re.compile(rb"From |[!-9;-~]*:|[\t ]")
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)?")
_LINE_ENDS = re.compile(rb"[\r\n]+")
# content types whose body the parser takes apart (parts, an attached message, status blocks)
_PARTED = frozenset({"multipart", "message"})


def split_message(raw: bytes) -> tuple[memoryview, memoryview]:
    """A message's header block and its body, cut where the stdlib parser cuts them.

    The header block is the header lines and the blank line that ends them, or runs up to the
    first line that is neither (the parser keeps that line as body, with a defect). A last
    header line that is a misplaced `From ` line is given to the body, as the parser gives it
    (the blank line after it is lost; the body is then a copy).
    """
    view = memoryview(raw)
    position = last = lines = 0
    start = len(raw)
    while position < len(raw):
        end = _LINE.match(raw, position).end()  # type: ignore[union-attr]  # always matches
        if not _HEADER_LINE.match(raw, position):
            start = end if raw[position] in b"\r\n" else position
            break
        last, position, lines = position, end, lines + 1
    if lines > 1 and raw.startswith(b"From ", last):
        return view[:start], memoryview(b"".join((view[last:position], view[start:])))
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
