"""Fuzz targets shared by tests/hostile/test_fuzz.py and benches/fuzz_campaign.py.

Each target is a strategy (hypothesis) and a property: `check_*` functions take one generated
case and fail with an AssertionError (or whatever escaped) when threadlore misbehaves on it.
Inputs are built from the pieces real breakage is made of (headers with 8-bit bytes and broken
encoded words, `From ` lines, MIME boundaries, transfer encodings, CRs and NULs, cut gzip
streams, mutilated web-archive pages), so that the fuzzer reaches the parsers' corners quickly.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes
from email.header import decode_header, make_header
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import SMTP, compat32
from pathlib import Path

from hostile_support import remove_tree
from hypothesis import assume
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models.messages import Message
from threadlore.db.queries import search_messages
from threadlore.db.query_language import QuerySyntaxError
from threadlore.importers.detect import read_inputs, read_records
from threadlore.importers.records import InputError, ParsedMessage

REPOSITORY = Path(__file__).resolve().parents[2]
SEED = REPOSITORY / "samples" / "lkml-2007-fault-vs-truncate.txt"
SEED_LINES = SEED.read_text().splitlines()
HEADER_NAMES = [
    "From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "References",
    "Content-Type", "Content-Transfer-Encoding", "MIME-Version", "List-Id",
]  # fmt: skip
TRICKY_VALUES = [
    "=?utf-8?b?broken", "=?x-unknown?q?a=FF?=", "=?utf-8?q?a]b;c?= <x@y>", "<a@b> <c",
    "Wed, 99 Foo 2007", "Fri, 31 Dec 9999 23:00:00 -1200", 'multipart/mixed; boundary="b"',
    "multipart/alternative", "text/plain; charset=x-unknown", "text/plain; charset=utf-7",
    "base64", "quoted-printable", "<self@x>", "[PATCH 99999999999999999999/3] x",
    "\x1b]0;title\x07", "\u202eevil",
]  # fmt: skip
BODY_LINES = [
    b"", b"From the body", b">From escaped", b"--b", b"--b--", b"Content-Type: text/plain",
    b"aGVsbG8gd29ybGQ=", b"=E2=80", b"=ZZ", b"diff --git a/x.c b/x.c", b"--- a/x.c",
    b"+++ b/x.c", b"@@ -1,2 +1,3 @@ f", b"+added", b"-removed", b" context", b"\x00", b"\r",
    b"\xff\xfe", b"caf\xe9", b"\xe2\x80\x94", b"Signed-off-by: A <a@b>", b"...", b"-",
]  # fmt: skip
FROM_LINE = b"From fuzz@example.org Mon Feb 26 10:00:00 2007"
# what an error's position may be, after "<file>: "
_WHERE = re.compile(
    r"^(message \d+, )?(byte \d+, )?"
    r"(line \d+|start of file|whole file|first line|path|file|folder|gzip stream|end of file|"
    r"message|To:|Cc:|Date:)"
)

header_values = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
    st.sampled_from(TRICKY_VALUES),
)


@st.composite
def raw_messages(draw: st.DrawFn) -> bytes:
    """One message's bytes: tricky headers, then body lines from the breakage menu."""
    headers = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), header_values), max_size=8))
    head = "".join(f"{name}: {value}\n" for name, value in headers).encode("utf-8", "replace")
    lines = draw(st.lists(st.one_of(st.sampled_from(BODY_LINES), st.binary(max_size=40))))
    ending = draw(st.sampled_from([b"\n", b"\r\n"]))
    return head.replace(b"\n", ending) + ending + ending.join(lines) + ending


@st.composite
def mbox_files(draw: st.DrawFn) -> bytes:
    """Several messages behind `From ` lines (sometimes missing, sometimes doubled)."""
    parts = draw(st.lists(raw_messages(), min_size=1, max_size=5))
    kinds = st.sampled_from([FROM_LINE, b"From x", b"", FROM_LINE + b"\r"])
    separators = draw(st.lists(kinds, min_size=len(parts), max_size=len(parts)))
    return b"".join(sep + b"\n" + part + b"\n" for sep, part in zip(separators, parts, strict=True))


@st.composite
def archive_pages(draw: st.DrawFn) -> str:
    """A slice of the seed's web-archive page with lines dropped, repeated, cut or inserted."""
    start = draw(st.integers(0, len(SEED_LINES) - 1))
    lines = [*SEED_LINES[:1], "", *SEED_LINES[start : start + draw(st.integers(1, 120))]]
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["drop", "repeat", "cut", "insert"]))
        if action == "insert" or not lines:
            lines.insert(at, draw(st.sampled_from(["-", "", "...", "To: x <a@...>", "Date: x"])))
            continue
        at = min(at, len(lines) - 1)
        if action == "drop":
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        else:
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


ARCHIVE_HEADERS = ["To:", "Cc:", "Date:", "From:", "Subject:", "Previous thread:", "Next thread:"]
ARCHIVE_DATES = [
    "Wednesday, February 21, 2007 - 12:49 am", "Monday, January 1, 0000 - 0:00 am",
    "Tuesday, March 1, 0001 - 1:00 pm", "Friday, December 31, 9999 - 11:59 pm",
    "Thursday, February 30, 2007 - 13:61 pm", "February 21, 2007", "yesterday", "",
    "Wednesday, February 21, 99999999999999999999 - 12:49 am", "\u202e2007",
]  # fmt: skip


@st.composite
def archive_texts(draw: st.DrawFn) -> bytes:
    """An archive-text page as its importer meets it broken: a seed page with odd header
    values and dates written into its header blocks, a huge block (a long message, or a line
    of hundreds of KB), and the file cut at any byte (inside a message or a header block)."""
    lines = draw(archive_pages()).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        name = draw(st.sampled_from(ARCHIVE_HEADERS))
        value = draw(st.one_of(header_values, st.sampled_from(ARCHIVE_DATES)))
        lines.insert(at, f"{name} {value}")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(lines)))
        size = draw(st.integers(1, 400_000))
        block = (
            ["x" * size]
            if draw(st.booleans())
            else [f"line {n} of a huge message" for n in range(size // 20)]
        )
        lines[at:at] = block
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    return data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


@dataclass(frozen=True)
class FileCase:
    """Bytes to write under a name; `cut` (for gzip) keeps only that fraction of them."""

    name: str
    data: bytes


file_cases = st.one_of(
    raw_messages().map(lambda data: FileCase("message.eml", data)),
    mbox_files().map(lambda data: FileCase("archive.mbox", data)),
    st.tuples(mbox_files(), st.floats(0.0, 1.0)).map(
        lambda pair: FileCase("archive.mbox.gz", _cut(gzip.compress(pair[0]), pair[1]))
    ),
    archive_pages().map(lambda text: FileCase("thread.txt", text.encode())),
    archive_texts().map(lambda data: FileCase("thread.txt", data)),
    st.binary(max_size=300).map(lambda data: FileCase("junk.bin", data)),
)
archive_text_cases = archive_texts().map(lambda data: FileCase("thread.txt", data))
maildir_cases = st.lists(
    st.tuples(st.sampled_from(["cur", "new", "tmp", "sub/cur", ".notmuch", ""]), raw_messages()),
    max_size=6,
)


def _cut(data: bytes, fraction: float) -> bytes:
    return data[: max(1, int(len(data) * fraction))] if fraction < 1 else data


@contextmanager
def scratch_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="threadlore-fuzz-"))
    try:
        yield folder
    finally:
        remove_tree(folder)


def _read_all(path: Path) -> tuple[list[ParsedMessage], list[InputError]]:
    """Read an input the way `threadlore import` does; no exception may escape."""
    errors: list[InputError] = []
    messages = list(read_inputs([path], on_error=errors.append, on_skip=lambda _p, _w: None))
    return messages, errors


def _check_error(error: InputError, inside: Path) -> None:
    """An error is one line naming a file under `inside` and a position in it."""
    text = str(error)
    assert "\n" not in text and "\r" not in text, text
    assert error.source.startswith(str(inside)), text
    assert _WHERE.match(text.removeprefix(f"{error.source}: ")), text


def _check_message(message: ParsedMessage) -> None:
    assert message.message_id and message.position >= 1
    assert "\x00" not in message.body and "\x00" not in message.subject
    assert all(
        0 <= hunk.source_start < 10**9 for p in message.patches for f in p.files for hunk in f.hunks
    )


def check_file(case: FileCase) -> None:
    """Any file: messages with ids and no NULs, or one-line errors naming file and position."""
    with scratch_folder() as folder:
        path = folder / case.name
        path.write_bytes(case.data)
        messages, errors = _read_all(path)
        for error in errors:
            _check_error(error, folder)
        for message in messages:
            _check_message(message)


def check_maildir(files: list[tuple[str, bytes]]) -> None:
    """A Maildir of random messages: each file in cur/ or new/ is read or reported, never lost."""
    with scratch_folder() as folder:
        root = folder / "maildir"
        (root / "cur").mkdir(parents=True)
        for number, (sub, data) in enumerate(files):
            (root / sub).mkdir(parents=True, exist_ok=True)
            (root / sub / f"{number}.fuzz:2,S").write_bytes(b"From: f@x\n" + data)
        messages, errors = _read_all(root)
        for error in errors:
            _check_error(error, root)
        wanted = sum(1 for sub, _ in files if sub not in ("tmp", ".notmuch"))
        assert len(messages) + len(errors) == wanted


# --- round trip: a valid message is parsed as written, and stored as parsed ---------------

_TEXT = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
_BODY = st.characters(
    blacklist_categories=("Cs", "Zl", "Zp"), blacklist_characters="\r\x00\x0b\x0c\x1c\x1d\x1e\x85"
)


@dataclass(frozen=True)
class WrittenMessage:
    """The fields of a valid message as its author wrote them."""

    subject: str
    name: str
    email: str
    body: str

    def message_id(self) -> str:
        digest = hashlib.sha256(repr(self).encode("utf-8", "surrogatepass")).hexdigest()
        return f"{digest[:16]}@fuzz.example.org"

    def to_bytes(self) -> bytes:
        message = EmailMessage(policy=SMTP)
        message["From"] = HeaderAddress(display_name=self.name, addr_spec=self.email)
        message["Subject"] = self.subject
        message["Message-ID"] = f"<{self.message_id()}>"
        message["Date"] = "Mon, 26 Feb 2007 10:00:00 +0100"
        message.set_content(self.body)
        return message.as_bytes().replace(b"\r\n", b"\n")


_NAME = st.characters(whitelist_categories=("L", "N")) | st.sampled_from(" .-'")
written_messages = st.builds(
    WrittenMessage,
    subject=st.text(_TEXT, max_size=80).map(lambda s: " ".join(s.split())),
    name=st.text(_NAME, max_size=30).map(lambda s: " ".join(s.split())),
    email=st.from_regex(r"\A[a-z0-9]{1,8}([._+-][a-z0-9]{1,8}){0,2}@[a-z0-9-]{1,12}\.(org|de)\Z"),
    body=st.text(_BODY, max_size=400).map(lambda s: s if s.endswith("\n") else s + "\n"),
)


def mboxrd_escape(raw: bytes) -> bytes:
    return re.sub(rb"(?m)^(>*From )", rb">\1", raw)


def _names_its_author_once(raw: bytes) -> bool:
    """Whether the From header the stdlib wrote reads the same by RFC 2047, which drops the
    space between two encoded words (threadlore, mutt, the stdlib's `decode_header`), and by
    the stdlib's own parser, which keeps it: its writer may fold a name's space in there."""
    value = message_from_bytes(raw, policy=compat32)["From"]
    return str(make_header(decode_header(value))) == str(
        message_from_bytes(raw, policy=SMTP)["From"]
    )


def check_round_trip(written: WrittenMessage, sessions: sessionmaker[Session]) -> None:
    """A valid message, written into an mbox, is read with the fields its author wrote, and the
    store keeps exactly what was read."""
    raw = written.to_bytes()
    assume(_names_its_author_once(raw))
    with scratch_folder() as folder:
        path = folder / "valid.mbox"
        path.write_bytes(FROM_LINE + b"\n" + mboxrd_escape(raw) + b"\n")
        messages, errors = _read_all(path)
    assert errors == []
    (parsed,) = messages
    assert parsed.message_id == written.message_id() and not parsed.synthetic_id
    assert parsed.subject == written.subject
    assert parsed.author is not None
    assert (parsed.author.name, parsed.author.email) == (written.name, written.email)
    assert parsed.body == written.body
    report = import_messages(sessions, [parsed])
    assert report.errors == []
    with sessions() as session:
        row = session.execute(
            select(Message.subject, Message.author_name, Message.author_email, Message.body)
            .where(Message.message_id == parsed.message_id)
        ).one()  # fmt: skip
    assert tuple(row) == (parsed.subject, written.name, written.email, parsed.body)


# --- names, depths and sizes: any file name, any nesting, any size is read or named ----

file_names = st.binary(min_size=1, max_size=40).filter(
    lambda name: b"/" not in name and b"\x00" not in name and name not in (b".", b"..")
)


def check_file_name(name: bytes, sessions: sessionmaker[Session]) -> None:
    """A message in a file of any name is read from its folder, named by text any store holds,
    and stored; only a hidden file (a name starting with ".") is passed over."""
    with scratch_folder() as folder:
        path = Path(os.fsdecode(bytes(folder) + b"/" + name))
        written = WrittenMessage("named", "N", "n@example.org", f"{name!r}\n")
        path.write_bytes(written.to_bytes())
        messages, errors = _read_all(folder)
    assert errors == []
    if name.startswith(b"."):
        assert messages == []
        return
    (message,) = messages
    message.source.encode("utf-8")  # no lone surrogate left
    report = import_messages(sessions, messages)
    assert report.errors == [] and report.skipped == []


@dataclass(frozen=True)
class DepthCase:
    """A message `mime` multiparts deep, in a file `folders` folders deep (a Maildir or not)."""

    mime: int
    folders: int
    maildir: bool


depth_cases = st.builds(
    DepthCase, mime=st.integers(0, 1_200), folders=st.integers(0, 1_200), maildir=st.booleans()
)


def check_depth(case: DepthCase) -> None:
    """However deep the parts and folders, the message is read with its innermost text."""
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{n}"\n\n--b{n}\n' for n in range(case.mime)
    )
    closing = "".join(f"--b{n}--\n" for n in reversed(range(case.mime)))
    raw = (
        "From: a@example.org\nMessage-ID: <deep@x>\nSubject: deep\nMIME-Version: 1.0\n"
        f"{opening}Content-Type: text/plain\n\nthe innermost text\n{closing}"
    ).encode()
    with scratch_folder() as folder:
        here = os.getcwd()
        os.chdir(folder)
        try:
            for _ in range(case.folders):
                os.mkdir("d")
                os.chdir("d")
            if case.maildir:
                os.mkdir("cur")
            Path("cur/1:2,S" if case.maildir else "m.eml").write_bytes(raw)
        finally:
            os.chdir(here)
        messages, errors = _read_all(folder)
    assert errors == []
    (message,) = messages
    assert "the innermost text" in message.body


@dataclass(frozen=True)
class SizeCase:
    """Messages of these body sizes in one mbox (gzipped or not), read with a small cap."""

    sizes: tuple[int, ...]
    one_line: bool
    gzipped: bool


SIZE_CAP = 4_096
size_cases = st.builds(
    SizeCase,
    sizes=st.lists(st.integers(0, 3 * SIZE_CAP), min_size=1, max_size=5).map(tuple),
    one_line=st.booleans(),
    gzipped=st.booleans(),
)


def check_size(case: SizeCase) -> None:
    """Each message within the cap is read whole; each past it is one error, the rest read."""
    parts = []
    for n, size in enumerate(case.sizes):
        body = b"x" * size if case.one_line else (b"y" * 63 + b"\n") * (size // 64)
        parts.append(FROM_LINE + f"\nFrom: a@x\nMessage-ID: <s{n}@x>\n\n".encode() + body + b"\n")
    data = b"\n".join(parts)
    with scratch_folder() as folder:
        path = folder / ("sizes.mbox.gz" if case.gzipped else "sizes.mbox")
        path.write_bytes(gzip.compress(data) if case.gzipped else data)
        errors: list[InputError] = []
        messages = list(read_records([path], on_error=errors.append, cap=SIZE_CAP))
    for error in errors:
        _check_error(error, folder)
        assert "-byte cap" in str(error), str(error)
    read = {m.message_id for m in messages if isinstance(m, ParsedMessage)}
    assert len(read) + len(errors) == len(case.sizes)
    for n, part in enumerate(parts):
        if len(part) < SIZE_CAP - 200:
            assert f"s{n}@x" in read


# --- the search query parser: a result or a one-line QuerySyntaxError, never a SQL error ---

query_pieces = st.sampled_from(
    ["f:", "s:", "b:", "d:", "dfn:", "dfhh:", "has:", "t:", "c:", "x:", "OR", "AND", "NOT", "-",
     "(", ")", '"', "'", ";", "--", "'; DROP TABLE messages; --", "*", "^", "NEAR", "%", "_",
     "\\", "2007-02-21", "..", "page", "nick", "\u202e", "NEAR(a b)", "{", ":"]
)  # fmt: skip
_QUERY_TEXT = st.text(st.characters(), max_size=8)
queries = st.lists(st.one_of(query_pieces, _QUERY_TEXT), min_size=1, max_size=8).map(
    lambda pieces: " ".join(pieces)
)


def check_query(query: str, sessions: sessionmaker[Session]) -> None:
    """Any query runs or is refused with a one-line QuerySyntaxError; the store is unharmed."""
    with sessions() as session:
        try:
            search_messages(session, query, limit=5)
        except QuerySyntaxError as exc:
            assert str(exc) and "\n" not in str(exc)
        assert session.scalar(select(Message.id).limit(1)) is not None


def fresh_store(template: Path, folder: Path) -> sessionmaker[Session]:
    """A store copied from a migrated template (migrating per case would take a second)."""
    path = folder / "store.sqlite"
    shutil.copyfile(template, path)
    return open_store(f"sqlite:///{path}")


def migrated_template(folder: Path) -> Path:
    path = folder / "template.sqlite"
    open_store(f"sqlite:///{path}").kw["bind"].dispose()
    return path
