"""A message's header block read as the stdlib feed parser reads it, without its machinery.

`BytesFeedParser` reads a header block through a line buffer, a generator and a regular
expression per line, then parses the content type twice more to decide how to read a body that
is not there: a third of the time it takes to read a whole message. For the header block of a
single-part message (nearly every message), `read_header_block` makes the same `EmailMessage`
(the same headers, envelope line and payload) in one pass over the lines; for any other it is the
feed parser's own (the tests compare the two on the corpora and on generated blocks).
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import EmailPolicy

from threadlore.importers.raw_body import is_single_part, parse_bytes

# the feed parser's line ends (\r\n, \r, \n) and its `headerRE`
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_HEADER_LINE = re.compile(r"From |[\041-\071\073-\176]*:|[\t ]")
_LINE_END = re.compile(r"(?:\r\n|\r|\n)\Z")


def read_header_block(block: bytes | memoryview, policy: EmailPolicy[EmailMessage]) -> EmailMessage:
    """`parse_bytes(block, policy)` for a header block (`raw_body.split_message`'s first part)."""
    message = EmailMessage(policy=policy)
    lines = _LINE.findall(bytes(block).decode("ascii", "surrogateescape"))
    count = next((i for i, line in enumerate(lines) if not _HEADER_LINE.match(line)), len(lines))
    rest = lines[count:]
    if rest and rest[0] in ("\r\n", "\r", "\n"):  # the blank line that ends the headers
        del rest[0]
    header: list[str] = []  # the lines of the header being read
    for number, line in enumerate(lines[:count]):
        if line[0] in " \t":  # a continuation (ignored before the first header)
            if header:
                header.append(line)
            continue
        if header:
            message.set_raw(*policy.header_source_parse(header))
            header = []
        if line.startswith("From "):
            if number == 0:  # the envelope line
                message.set_unixfrom(_LINE_END.sub("", line))
            elif number == count - 1:  # the body's first line: the rest is body
                rest.insert(0, line)
                break
            continue  # a misplaced envelope line: ignored
        if not line.startswith(":"):  # a line without a header name is ignored
            header = [line]
    if header:
        message.set_raw(*policy.header_source_parse(header))
    if not is_single_part(message):  # the parser reads parts in a body, even an empty one
        return parse_bytes(block, policy)
    message.set_payload("".join(rest))
    return message
