"""A single-part body decoded from the message's bytes reads as the stdlib parser reads it, and
memory stays near twice a large message while it is read (issue 18)."""

from __future__ import annotations

import gzip
import tracemalloc
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadlore.importers.detect import detect_format
from threadlore.importers.email_message import (
    MAIL_POLICY,
    convert_message,
    parse_message_bytes,
    without_bare_crs_in_headers,
)
from threadlore.importers.eml import read_eml
from threadlore.importers.mbox import read_mbox, split_mbox
from threadlore.importers.records import InputError, ParsedMessage

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
DATA = Path(__file__).resolve().parents[1] / "data"
MB = 2**20


def parsed_by_the_stdlib(raw: bytes) -> ParsedMessage | str:
    """The message as `BytesParser.parsebytes` reads it whole (the path before issue 18's
    memory fix), or its error; a message too deep for it is left out (None is never equal)."""
    try:
        message = BytesParser(_class=EmailMessage, policy=MAIL_POLICY).parsebytes(
            without_bare_crs_in_headers(raw)
        )
        return convert_message(message, source="m", position=1)
    except (InputError, RecursionError) as exc:
        return f"error: {type(exc).__name__}"


def parsed(raw: bytes) -> ParsedMessage | str:
    try:
        return parse_message_bytes(raw, source="m", position=1)
    except InputError as exc:
        return f"error: {type(exc).__name__}"


def messages_in(path: Path) -> list[bytes]:
    """Each message's bytes in a mail file of the corpora (none for other files)."""
    try:
        kind = detect_format(path)
    except InputError:
        return []
    if kind in ("mbox", "mbox.gz"):
        with gzip.open(path) if kind == "mbox.gz" else path.open("rb") as lines:
            return list(split_mbox(lines, str(path)))
    if kind == "eml":
        raw = path.read_bytes()
        return [raw.split(b"\n", 1)[1] if raw.startswith(b"From ") else raw]
    return []


def mail_files() -> list[Path]:
    roots = [root for root in (CORPORA, DATA) if root.is_dir()]
    return sorted(p for root in roots for p in root.rglob("*") if p.is_file())


def test_every_message_of_the_corpora_reads_as_the_stdlib_reads_it() -> None:
    compared = 0
    for path in mail_files():
        for raw in messages_in(path):
            assert parsed(raw) == parsed_by_the_stdlib(raw), (path, raw[:200])
            compared += 1
    assert compared > (1000 if CORPORA.is_dir() else 20)


HEADER_LINES = [
    b"From: A <a@example.org>", b"Subject: s\r", b"Subject: a\rb", b" folded", b"\tfolded",
    b"From x Mon Feb 26 10:00:00 2007", b"X-Odd:", b": no name", b"no colon here", b"",
    b"Message-ID: <m@x>", b"MIME-Version: 1.0", b"Content-Disposition: attachment",
]  # fmt: skip
CONTENT_TYPES = [
    "text/plain", "text/html", "text/x-patch", "application/octet-stream", "multipart/mixed",
    'multipart/mixed; boundary="b"', "message/rfc822", "message/delivery-status", "TEXT/PLAIN",
    "text/plain; charset=utf-8", "text/plain; charset=us-ascii", "text/plain; charset=latin-1",
    "text/plain; charset=x-unknown", "text/plain; charset=utf-16", "text/plain; charset=idna",
    "text/plain; charset*=bogus''x", "text/html; charset=koi8-r", "",
]  # fmt: skip
ENCODINGS = [
    "", "7bit", "8bit", "binary", "base64", "BASE64", " base64 ", "quoted-printable",
    "x-uuencode", "uue", "bogus",
]  # fmt: skip
BODY_PIECES = [
    b"aGVsbG8gd29ybGQ=", b"aGVsbG8", b"a=3Db=\n", b"=E2=80=94", b"=ZZ", b"begin 644 x\n",
    b"#86)C\n", b"end\n", b"--b\n", b"--b--\n", b"Content-Type: text/plain\n\n", b"<p>x</p>",
    b"&amp;", b"\r\n", b"\r", b"\n", b"\x00", b"caf\xe9", b"\xe2\x80\x94", b"\xff\xfe",
    b"Signed-off-by: A <a@b>\n", b"diff --git a/x b/x\n", b"From the body\n",
]  # fmt: skip


@st.composite
def mime_messages(draw: st.DrawFn) -> bytes:
    """A message with odd header lines, a content type and transfer encoding from the menus,
    and a body of pieces that those encodings and parts are made of."""
    lines = draw(st.lists(st.sampled_from(HEADER_LINES), max_size=4))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    encoding = draw(st.sampled_from(ENCODINGS))
    if content_type:
        lines.append(f"Content-Type: {content_type}".encode())
    if encoding:
        lines.append(f"Content-Transfer-Encoding: {encoding}".encode())
    order = draw(st.permutations(lines))
    ending = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    separator = draw(st.sampled_from([ending, b"", b"body without a blank line" + ending]))
    body = b"".join(draw(st.lists(st.one_of(st.sampled_from(BODY_PIECES), st.binary()))))
    return b"".join(line + ending for line in order) + separator + body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mime_messages())
def test_a_message_reads_as_the_stdlib_reads_it(raw: bytes) -> None:
    assert parsed(raw) == parsed_by_the_stdlib(raw)


def _large_message(size: int) -> bytes:
    header = b"From: a@example.org\nSubject: large\nMessage-ID: <large@x>\nContent-Type: "
    line = b"the page lock is taken before the mapping is truncated, said the fault " * 4 + b"\n"
    return header + b"text/plain; charset=utf-8\n\n" + line * (size // len(line))


def _traced_peak(read: object) -> int:
    assert callable(read)
    tracemalloc.start()
    try:
        message = read()
        assert len(message.body) > 19 * MB
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["eml", "mbox", "mbox.gz"])
def test_reading_a_large_message_holds_it_about_twice(tmp_path: Path, kind: str) -> None:
    """Python's allocations while a 20 MB message is read (file read, split, parsed, decoded)
    stay under 2.5 times the message: its bytes and its text. The whole-message stdlib parse
    peaked at over 5 times (a StringIO of four bytes a character, a million line strings)."""
    raw = _large_message(20 * MB)
    path = tmp_path / f"large.{kind}"
    if kind == "eml":
        path.write_bytes(raw)
        peak = _traced_peak(lambda: read_eml(path))
    else:
        mbox = b"From a@example.org Mon Feb 26 10:00:00 2007\n" + raw
        path.write_bytes(gzip.compress(mbox, 1) if kind == "mbox.gz" else mbox)
        peak = _traced_peak(lambda: next(read_mbox(path)))
    assert peak < 2.5 * len(raw), f"{peak / len(raw):.2f} × the message"
