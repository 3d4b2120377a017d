"""A header block read in one pass is the message the stdlib feed parser makes of it."""

from __future__ import annotations

from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.importers.test_raw_body import mail_files, messages_in
from threadlore.importers.email_message import MAIL_POLICY, without_bare_crs_in_headers
from threadlore.importers.header_block import read_header_block
from threadlore.importers.raw_body import parse_bytes, split_message


def state(message: EmailMessage) -> tuple[object, ...]:
    """What a reader of the message can see: headers as stored, envelope line, payload, type."""
    payload = message.get_payload()
    return (
        list(message.raw_items()),
        message.get_unixfrom(),
        [state(part) for part in payload] if isinstance(payload, list) else payload,
        message.get_content_type(),
        message.get_content_charset(),
    )


def assert_read_alike(raw: bytes) -> None:
    block, _ = split_message(without_bare_crs_in_headers(raw))
    assert state(read_header_block(block, MAIL_POLICY)) == state(parse_bytes(block, MAIL_POLICY))


def test_every_header_block_of_the_corpora_reads_as_the_parser_reads_it() -> None:
    compared = 0
    for path in mail_files():
        for raw in messages_in(path):
            assert_read_alike(raw)
            compared += 1
    assert compared > 20


_LINES = st.sampled_from(
    [b"From: A <a@example.org>", b"Subject: s", b"Subject: a\rb", b" folded", b"\tfolded",
     b"From x Mon Feb 26 10:00:00 2007", b"From ", b"X-Odd:", b"X-Odd:\t ", b": no name",
     b"no colon here", b"", b" ", b"Message-ID: <m@x>", b"Content-Type: multipart/mixed",
     b"Content-Type: text/plain; charset=utf-8", b"Content-Type: message/rfc822",
     b"Subject: caf\xc3\xa9 \xff", b"X-\x7f: y", b"Subject:x:y", b"\x0b\x0c: z", b"body line",
     b"X-Sp:   ", b"X-Tab:\tv\t ", b"\t \t", b"X-Cut: a\x0bb\x85c\x1cd"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(_LINES, max_size=8), st.sampled_from([b"\n", b"\r\n", b"\r"]), st.binary(max_size=8)
)
def test_a_header_block_reads_as_the_parser_reads_it(
    lines: list[bytes], ending: bytes, tail: bytes
) -> None:
    assert_read_alike(b"".join(line + ending for line in lines) + tail)
