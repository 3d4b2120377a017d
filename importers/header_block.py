"""A message's header block read as the stdlib feed parser reads it, without its machinery.

`BytesFeedParser` reads a header block through a line buffer, a generator and a regular
expression per line, then parses the content type twice more to decide how to read a body that
is not there: a third of the time it takes to read a whole message. For the header block of a
single-part message (nearly every message), `read_header_block` makes the same `EmailMessage`
(the same headers, envelope line and payload) in one pass over the lines, or one regular
expression over a plain block; for any other it is the feed parser's own (the tests compare the
two on the corpora and on generated blocks).
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
# one header of a plain block (\n line ends, no envelope line): its name, and its value as
# `header_source_parse` makes it (blanks after the colon and the last line end dropped)
_FIELD = re.compile(r"([!-9;-~]+):[ \t]*(.*(?:\n[ \t].*)*)(?:\n|\Z)")
_SOURCE_PARSE = EmailPolicy.header_source_parse


def read_header_block(block: bytes | memoryview, policy: EmailPolicy[EmailMessage]) -> EmailMessage:
    """`parse_bytes(block, policy)` for a header block (`raw_body.split_message`'s first part)."""
    message = EmailMessage(policy=policy)
    text = bytes(block).decode("ascii", "surrogateescape")
    fields = _plain_fields(text) if type(policy).header_source_parse is _SOURCE_PARSE else None
    if fields is not None:
        for name, value in fields:
            message.set_raw(name, value)
        message.set_payload("")
        return message if is_single_part(message) else parse_bytes(block, policy)
    lines = _LINE.findall(text)
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


def _plain_fields(text: str) -> list[tuple[str, str]] | None:
    """The (name, value) pairs of a plain header block (what most messages have: `\n` line
    ends, a header on every line but continuations, and the blank line that ends it, or the
    end); None for any other block."""
    end = text.find("\n\n") + 1 or len(text)
    if "\r" in text or text[end + 1 :]:  # other line ends, or body lines: the parser's way
        return None
    fields = []
    position = 0
    while position < end:
        field = _FIELD.match(text, position, end)
        if field is None:
            return None
        fields.append((field[1], field[2]))
        position = field.end()
    return fields
