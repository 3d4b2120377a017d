"""The breakage corpus (tests/data/broken): each broken input is imported with the fields it
still offers, or refused with one line naming the file and the position; nothing is lost."""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hostile_support import BROKEN, RunCli
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.models.messages import Message
from threadlore.importers.detect import read_inputs
from threadlore.importers.mail_headers import MAX_REFERENCES
from threadlore.importers.records import InferredField, InputError, ParsedMessage


@dataclass
class Outcome:
    """What reading one input gave: messages, one-line errors, skipped files and why."""

    messages: list[ParsedMessage]
    errors: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def read(name: str | Path) -> Outcome:
    path = name if isinstance(name, Path) else BROKEN / name
    outcome = Outcome([])
    outcome.messages = list(
        read_inputs(
            [path],
            on_error=lambda exc: outcome.errors.append(str(exc)),
            on_skip=lambda skipped, why: outcome.skipped.__setitem__(skipped.name, why),
        )
    )
    for error in outcome.errors:
        assert "\n" not in error and error.startswith(str(path))
    return outcome


def only(name: str) -> ParsedMessage:
    outcome = read(name)
    assert outcome.errors == []
    (message,) = outcome.messages
    return message


def test_every_case_is_described_in_the_readme() -> None:
    readme = (BROKEN / "README.md").read_text()
    cases = sorted(p.name for p in BROKEN.iterdir() if p.name != "README.md")
    assert len(cases) >= 25
    assert all(f"`{case}" in readme for case in cases)


def test_8bit_headers_mixing_utf8_and_latin1() -> None:
    message = only("01-8bit-mixed-headers.eml")
    assert message.subject == "café — naïve"
    assert message.author is not None and message.author.name == "Jörg Rödel"
    assert message.body == "raw 8-bit body: été and été\n"


def test_misdeclared_and_unknown_charsets() -> None:
    message = only("02-misdeclared-charsets.eml")
    assert message.subject == "Séance"
    assert message.body == "utf-8 under us-ascii: ✓\nunknown charset: é"


def test_encoded_words_gone_wrong_keep_what_can_be_read() -> None:
    message = only("03-bad-encoded-words.eml")
    assert message.author is not None
    assert (message.author.name, message.author.email) == ("Björn", "bjorn@example.org")
    assert message.subject == "half—done and =?utf-8?b?dW50ZXJtaW5hdGVk"
    assert [(a.name, a.email) for a in message.to] == [
        ("=?utf-8?b?!!notbase64?=", "x@example.org"),
        ("Ann, Smith", "ann@example.org"),
    ]


@pytest.mark.parametrize(
    ("name", "body"),
    [
        (
            "04-wrong-boundary.eml",
            "--actual\nContent-Type: text/plain\n\nthe text is still here\n--actual--\n",
        ),
        ("05-multipart-without-boundary.eml", "plain words with no parts\n"),
        ("06-bad-base64.eml", "hello world\n"),
        ("07-bad-quoted-printable.eml", "bad =ZZ escape, softbreak, cut â€\n"),
    ],
)
def test_broken_mime_keeps_the_text(name: str, body: str) -> None:
    assert only(name).body == body


def test_a_missing_message_id_is_a_stable_content_hash() -> None:
    first, second = only("08-no-message-id.eml"), only("08-no-message-id.eml")
    assert first.synthetic_id and len(first.message_id) == 12
    assert first.message_id == second.message_id


def test_duplicate_message_ids_keep_the_first_message(store: sessionmaker[Session]) -> None:
    outcome = read("09-duplicate-message-id.mbox")
    assert [m.subject for m in outcome.messages] == ["first version", "different message, same id"]
    report = import_messages(store, outcome.messages)
    assert (report.added, report.unchanged, report.errors) == (1, 1, [])
    with store() as session:
        (body,) = session.scalars(select(Message.body).where(~Message.placeholder)).all()
    assert body == "first body\n"


def _ancestors(parents: dict[str, str | None], key: str) -> list[str]:
    chain: list[str] = []
    parent = parents[key]
    while parent is not None:
        assert parent not in chain and parent != key, f"{key} is its own ancestor"
        chain.append(parent)
        parent = parents[parent]
    return chain


def _parents(store: sessionmaker[Session]) -> dict[str, str | None]:
    with store() as session:
        rows = session.execute(select(Message.id, Message.message_id, Message.parent_id)).all()
    by_pk = {pk: key for pk, key, _ in rows}
    return {key: by_pk.get(parent) if parent else None for _, key, parent in rows}


@pytest.mark.parametrize("name", ["10-references-loop.mbox", "11-own-parent.eml"])
def test_reference_loops_and_self_parents_never_make_a_cycle(
    store: sessionmaker[Session], name: str
) -> None:
    messages = read(name).messages
    report = import_messages(store, messages)
    assert (report.added, report.errors) == (len(messages), [])
    parents = _parents(store)
    for key in parents:
        _ancestors(parents, key)
    if name.startswith("11"):
        assert parents == {"broken-11@example.org": None}


def test_dates_in_the_future_unreadable_or_out_of_range(store: sessionmaker[Session]) -> None:
    future = only("12-future-date.eml")
    assert future.date == datetime(2999, 1, 1, 10, tzinfo=UTC)
    for name, why in [
        ("13-unparsable-date.eml", "could not be read"),
        ("14-date-out-of-range.eml", "outside the years a date can have"),
    ]:
        message = only(name)
        inference = message.inference(InferredField.DATE)
        assert message.date is None and inference is not None and why in inference.evidence[0]
    report = import_messages(
        store, [future, only("13-unparsable-date.eml"), only("14-date-out-of-range.eml")]
    )
    assert (report.added, report.errors) == (3, [])


def test_mboxo_from_line_in_a_body_stays_in_the_body() -> None:
    first, second = read("15-mboxo-from-in-body.mbox").messages
    assert first.body == "A paragraph.\n\nFrom what I saw, this line was never escaped.\n"
    assert (second.message_id, second.body) == ("broken-15b@example.org", "second\n")


def test_mboxrd_escapes_lose_one_angle_bracket() -> None:
    body = only("16-mboxrd-escapes.mbox").body
    assert body == "From escaped once\n>From escaped twice\n>not an escape\n"


def test_crlf_and_mixed_line_ends() -> None:
    first, second = read("17-crlf-and-mixed-line-ends.mbox").messages
    assert (first.subject, first.body) == ("crlf", "crlf line\nlf line\nbare cr\nend\n")
    assert (second.subject, second.body) == ("lf", "second\n")


def test_nul_bytes_are_dropped() -> None:
    message = only("18-nul-bytes.eml")
    assert (message.subject, message.body) == ("nul in subject", "bodywithnuls\n")
    assert message.author is not None and message.author.email == "a@example.org"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("19-empty.mbox", "19-empty.mbox: whole file: empty file"),
        (
            "25-text-before-first-from.mbox",
            "25-text-before-first-from.mbox: start of file: "
            "not an mbox, Maildir, .eml or web-archive text file",
        ),
    ],
)
def test_refused_inputs_give_one_line_naming_file_and_position(name: str, error: str) -> None:
    outcome = read(name)
    assert outcome.messages == []
    assert outcome.errors == [f"{BROKEN}/{error}"]
    with pytest.raises(InputError, match="^" + str(BROKEN)):
        list(read_inputs([BROKEN / name]))


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("20-archive-missing-headers.txt", "message 2, byte 153, line 12: no To: or Cc: header"),
        (
            "21-archive-cut-in-half.txt",
            "message 2, byte 153, line 15: the file ends inside this message (no '-' or '...'): "
            "kept as cut",
        ),
    ],
)
def test_an_odd_archive_block_is_kept_with_a_warning_naming_file_message_and_position(
    name: str, warning: str
) -> None:
    outcome = read(name)
    assert outcome.errors == []
    first, second = outcome.messages
    assert first.warnings == () and [str(w) for w in second.warnings] == [
        f"{BROKEN}/{name}: {warning}"
    ]


def test_a_folder_with_junk_gives_its_messages_and_says_why_the_rest_was_not_read() -> None:
    outcome = read("22-junk-dir")
    assert outcome.messages[0].message_id == "broken-22@example.org"
    assert len(outcome.messages) == 3  # and the cut archive's two messages, the last one cut
    assert outcome.skipped == {
        ".hidden": "hidden file or folder",
        "b-binary.bin": "not an mbox, Maildir, .eml or web-archive text file",
        "c-empty": "empty file",
        "d-notes.txt": "not an mbox, Maildir, .eml or web-archive text file",
    }
    assert outcome.errors == []
    assert [str(w).split(": ", 1)[1] for w in outcome.messages[2].warnings] == [
        "message 2, byte 153, line 15: the file ends inside this message (no '-' or '...'): "
        "kept as cut"
    ]


def test_numbers_too_large_for_the_store_are_not_read_as_numbers(
    store: sessionmaker[Session],
) -> None:
    message = only("23-huge-numbers.eml")
    assert message.series is not None and (message.series.index, message.series.total) == (1, 1)
    assert all(not f.hunks for p in message.patches for f in p.files)
    report = import_messages(store, [message])
    assert (report.added, report.errors) == (1, [])


def test_escape_sequences_are_kept_as_data() -> None:
    message = only("24-escape-sequences.eml")
    assert message.author is not None and message.author.email == "mallory@example.org"
    assert "\u202e" in message.subject and "\x1b]8;;" in message.body
    assert max(len(line) for line in message.body.splitlines()) >= 20_000


def test_repeated_headers_take_the_first() -> None:
    message = only("26-repeated-headers.eml")
    assert (message.message_id, message.subject) == ("broken-26a@example.org", "first subject")
    assert message.author is not None and message.author.email == "first@example.org"


def test_a_garbage_line_ends_the_headers_and_keeps_the_rest_as_body() -> None:
    message = only("27-header-garbage.mbox")
    assert message.synthetic_id
    assert message.body.startswith("this line is not a header\nSubject: after garbage\n")


def test_a_lone_cr_in_a_header_does_not_end_the_headers() -> None:
    message = only("28-bare-cr-in-header.eml")
    assert (message.message_id, message.subject) == (
        "broken-28@example.org",
        "one stray CR in the subject",
    )
    assert message.date == datetime(2007, 2, 26, 10, tzinfo=UTC)


def test_many_references_are_trimmed_to_the_root_and_the_latest(tmp_path: Path) -> None:
    ids = [f"<ref-{n}@example.org>" for n in range(5000)]
    path = tmp_path / "references.eml"
    path.write_text(
        f"From: a@example.org\nMessage-ID: <many@x>\nReferences: {' '.join(ids)}\n\nb\n"
    )
    (message,) = read(path).messages
    assert len(message.references) == MAX_REFERENCES
    assert message.references[0] == "ref-0@example.org"
    assert message.references[-1] == "ref-4999@example.org"


def test_a_cut_mbox_gz_keeps_the_whole_messages_and_says_where_it_stopped(
    tmp_path: Path, cli: RunCli
) -> None:
    whole = b"".join(
        f"From a Mon Feb 26 10:00:00 2007\nFrom: a@example.org\nMessage-ID: <gz-{n}@x>\n\n"
        f"body {n}\n\n".encode()
        for n in range(2000)
    )
    packed = gzip.compress(whole)
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    result = cli("import", str(cut))
    assert result.exit_code == 4  # stored what it could
    added = int(result.stdout.split(": ")[1].split(" added")[0])
    assert 0 < added < 2000
    assert result.stderr == (
        f"threadlore: {cut}: message {added + 1}, gzip stream: compressed data is damaged or cut "
        "short (Compressed file ended before the end-of-stream marker was reached)\n"
    )


@pytest.mark.parametrize("ending", [b"\n", b""], ids=["last line whole", "no final newline"])
def test_junk_after_whole_gzip_members_keeps_every_message(
    tmp_path: Path, engine_cli: RunCli, ending: bytes
) -> None:
    """Two members (as `cat a.gz b.gz` makes), then bytes that are not gzip data; the last
    message's last line may lack its newline."""
    members = [
        gzip.compress(
            f"From a Mon Feb 26 10:00:00 2007\nFrom: a@example.org\nMessage-ID: <junk-{n}@x>\n\n"
            f"body {n}".encode()
            + (ending if n else b"\n\n")
        )
        for n in range(2)
    ]
    path = tmp_path / "junk.mbox.gz"
    path.write_bytes(b"".join(members) + b"junk after the data")
    result = engine_cli("import", str(path))
    assert result.exit_code == 4, result.output
    assert result.stdout.startswith("read 2 messages: 2 added")
    assert result.stderr == (
        f"threadlore: {path}: message 3, end of file: bytes after the last whole gzip member are "
        "not gzip data (Not a gzipped file (b'ju'))\n"
    )
    assert "body 1" in engine_cli("show", "junk-1@x").stdout


def test_an_import_goes_on_past_broken_inputs(cli: RunCli) -> None:
    names = ["19-empty.mbox", "21-archive-cut-in-half.txt", "01-8bit-mixed-headers.eml",
             "22-junk-dir", "missing.mbox", "26-repeated-headers.eml"]  # fmt: skip
    result = cli("import", *(str(BROKEN / n) for n in names))
    assert result.exit_code == 1  # two inputs could not be read at all
    assert result.stdout == (
        "read 7 messages: 5 added, 2 already stored, 4 threads touched, 2 warnings, "
        "2 inputs not read\n"
    )
    lines = result.stderr.splitlines()
    assert len(lines) == 4 and all(f"{BROKEN}/" in line for line in lines)
    assert sum(line.startswith("threadlore: warning: ") for line in lines) == 2


@pytest.mark.slow
def test_a_50_mb_message_is_stored_whole(tmp_path: Path, store: sessionmaker[Session]) -> None:
    line = "0123456789 the quick brown fox jumps over the lazy dog, again and again.\n"
    count = 50 * 2**20 // len(line)
    path = tmp_path / "huge.eml"
    with path.open("w") as out:
        out.write("From: big@example.org\nSubject: huge\nMessage-ID: <huge@x>\n\n")
        for _ in range(count):
            out.write(line)
    assert path.stat().st_size > 50 * 2**20
    (message,) = read(path).messages
    assert len(message.body) == count * len(line)
    report = import_messages(store, [message])
    assert (report.added, report.errors) == (1, [])
    with store() as session:
        stored = session.scalar(select(Message.body).where(Message.message_id == "huge@x"))
    assert stored == message.body


def test_pipes_and_links_back_up_are_skipped_not_waited_on_or_followed(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    (folder / "maildir" / "cur").mkdir(parents=True)
    (folder / "one.eml").write_bytes((BROKEN / "08-no-message-id.eml").read_bytes())
    (folder / "maildir" / "cur" / "two").write_bytes(
        (BROKEN / "26-repeated-headers.eml").read_bytes()
    )
    os.mkfifo(folder / "pipe")
    os.mkfifo(folder / "maildir" / "cur" / "maildir-pipe")
    (folder / "up").symlink_to("..")
    outcome = read(folder)
    assert len(outcome.messages) == 2
    assert outcome.skipped == {
        "maildir-pipe": "not a regular file",
        "pipe": "not a regular file or folder",
        "up": "symbolic link to a folder, not followed",
    }
    refused = read(folder / "pipe")
    assert refused.errors == [f"{folder / 'pipe'}: path: not a regular file or folder"]


def test_mime_nested_a_thousand_deep_keeps_its_headers_and_text(
    tmp_path: Path, engine_cli: RunCli
) -> None:
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{n}"\n\n--b{n}\n' for n in range(1_000)
    )
    closing = "".join(f"--b{n}--\n" for n in reversed(range(1_000)))
    path = tmp_path / "deep.eml"
    path.write_text(
        "From: a@example.org\nMessage-ID: <deep@x>\nSubject: deep\nMIME-Version: 1.0\n"
        f"{opening}Content-Type: text/plain\n\nthe innermost text\n{closing}"
    )
    result = engine_cli("import", str(path))
    assert result.exit_code == 4, result.output
    assert result.stderr == (
        f"threadlore: warning: {path}: message 1, body: MIME parts nested too deep to take "
        "apart: the body is kept as written\n"
    )
    shown = engine_cli("show", "deep@x")
    assert "Subject: deep" in shown.stdout and "the innermost text" in shown.stdout


@pytest.mark.parametrize(
    "content_type",
    ["text/plain; charset=idna", "text/plain; charset=punycode",
     "text/plain; charset*=bogus''x", "text/plain; charset*=utf-8'en'%FF%FE"],
)  # fmt: skip
def test_a_charset_whose_codec_raises_keeps_the_message(
    tmp_path: Path, engine_cli: RunCli, content_type: str
) -> None:
    path = tmp_path / "codec.eml"
    path.write_bytes(
        b"From: a@example.org\nMessage-ID: <codec@x>\nSubject: codec\n"
        + f"Content-Type: {content_type}\n\n".encode()
        + b"caf\xc3\xa9 \xff\xfe text\n"
    )
    result = engine_cli("import", str(path))
    assert result.exit_code in (0, 4) and "added" in result.stdout, result.output
    assert "text" in engine_cli("show", "codec@x").stdout
