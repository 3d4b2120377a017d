"""One email → one ParsedMessage: ids, addresses, dates, charsets, bodies, patches, trailers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from threadlore.importers.email_message import convert_message, parse_message_bytes
from threadlore.importers.eml import read_eml
from threadlore.importers.records import Address, InferredField, InputError, SeriesPosition, Trailer

MAIL = Path(__file__).resolve().parents[1] / "data" / "mail"


def test_missing_message_id_gets_a_stable_content_hash() -> None:
    first = read_eml(MAIL / "0001-no-message-id.eml")
    again = read_eml(MAIL / "0001-no-message-id.eml")
    assert first.synthetic_id
    assert len(first.message_id) == 12
    assert int(first.message_id, 16) >= 0
    assert first.message_id == again.message_id
    changed = (MAIL / "0001-no-message-id.eml").read_bytes().replace(b"lost", b"dropped")
    other = parse_message_bytes(changed, source="x", position=1)
    assert other.message_id != first.message_id


def test_ids_threadlore_wrote_for_archive_text_read_back_as_the_stored_ids() -> None:
    raw = (
        b"From: a@example.org\nMessage-ID: <594eb4b8982e@archive.invalid>\n"
        b"In-Reply-To: <05e55bdc0e42@ARCHIVE.invalid>\n"
        b"References: <root@example.org> <05e55bdc0e42@archive.invalid>\n\nbody\n"
    )
    message = parse_message_bytes(raw, source="x", position=1)
    assert (message.message_id, message.synthetic_id) == ("594eb4b8982e", True)
    assert message.in_reply_to == "05e55bdc0e42"
    assert message.references == ("root@example.org", "05e55bdc0e42")


def test_series_and_trailers_come_from_subject_and_body() -> None:
    message = read_eml(MAIL / "0001-no-message-id.eml")
    assert message.series == SeriesPosition(1, 2, 6)
    assert message.trailers == (Trailer("Signed-off-by", "Nick Piggin <npiggin@suse.de>"),)
    assert message.author == Address("Nick Piggin", "npiggin@suse.de")
    assert message.date == datetime(2007, 2, 21, 0, 49, 44, tzinfo=timezone(timedelta(hours=1)))


def test_encoded_words_raw_utf8_and_broken_addresses_are_read() -> None:
    message = read_eml(MAIL / "0002-encoded-and-8bit-headers.eml")
    assert message.author == Address("Rafał Miłecki", "zajec5@gmail.com")
    assert message.subject == "André and Rafał folded"
    assert message.to == (Address("Doe, John", "j@example.org"), Address("", "b@example.org"))
    assert message.cc[0] == Address("Rafał Miłecki", "zajec5@gmail.com")
    assert len(message.cc) >= 2  # the broken "Bob <<bob@example" is kept as far as it reads
    assert message.in_reply_to == "parent@example.org"
    assert message.references == ("root@example.org", "parent@example.org")
    assert message.list_ids == ("linux-kernel.vger.kernel.org", "linux-kernel@vger.kernel.org")
    assert message.date is not None
    assert message.date.utcoffset() == timedelta(hours=-8)  # the offset as written


def test_charset_declared_us_ascii_over_utf8_and_nul_bytes() -> None:
    message = read_eml(MAIL / "0003-misdeclared-charset.eml")
    assert message.body == "Café in UTF-8, then a NUL: gone.\n"


def test_unknown_charset_falls_back_without_raising() -> None:
    message = read_eml(MAIL / "0004-latin1-unknown-charset.eml")
    assert message.body == "Grüße in Latin-1.\n"


def test_multipart_prefers_plain_text_and_reads_attached_patches() -> None:
    message = read_eml(MAIL / "0005-multipart-patch-attachment.eml")
    assert "Compile tested only." in message.body
    assert "<p>" not in message.body
    (patch,) = message.patches
    assert patch.files[0].path == "mm/msync.c"
    assert (patch.added, patch.removed) == (1, 0)
    assert message.series == SeriesPosition(2, 1, 2)
    assert message.trailers == (
        Trailer("Signed-off-by", "Peter Zijlstra <a.p.zijlstra@chello.nl>"),
    )


def test_unreadable_date_is_none_with_an_inference_saying_why() -> None:
    message = read_eml(MAIL / "0006-unreadable-date.eml")
    assert message.date is None
    inference = message.inference(InferredField.DATE)
    assert inference is not None
    assert "Wednesday, February 21, 2007" in inference.evidence[0]
    assert message.series is None  # a reply, not the patch


def test_html_only_message_becomes_text_and_zoneless_date_is_read_as_utc() -> None:
    message = read_eml(MAIL / "0007-html-only.eml")
    assert message.body.split() == ["First", "line", "second", "&", "last"]
    assert message.date == datetime(2007, 3, 3, 10, 0, tzinfo=UTC)
    inference = message.inference(InferredField.DATE)
    assert inference is not None and inference.confidence < 1


def test_missing_date_is_an_inference_too() -> None:
    message = parse_message_bytes(b"Subject: x\n\nbody\n", source="s", position=3)
    assert message.date is None
    assert message.inference(InferredField.DATE) is not None
    assert message.author is None
    assert (message.source, message.position) == ("s", 3)


@pytest.mark.parametrize(
    ("raw_id", "expected"),
    [
        (b"<abc@example.org>", "abc@example.org"),
        (b"  <abc@example.org> trailing words", "abc@example.org"),
        (b"uk>", "uk"),
        (b"no-brackets@example.org", "no-brackets@example.org"),
    ],
)
def test_message_id_forms(raw_id: bytes, expected: str) -> None:
    message = parse_message_bytes(b"Message-ID: " + raw_id + b"\n\nx\n", source="s", position=1)
    assert (message.message_id, message.synthetic_id) == (expected, False)


def test_empty_message_id_is_synthetic() -> None:
    message = parse_message_bytes(b"Message-ID: >\n\nx\n", source="s", position=1)
    assert message.synthetic_id


def test_obfuscated_archive_addresses_are_read_back() -> None:
    raw = b"From: john at example.com (John Doe)\nMessage-ID: <o@x>\n\nx\n"
    message = parse_message_bytes(raw, source="s", position=1)
    assert message.author == Address("John Doe", "john@example.com")


def test_unparsable_from_falls_back_to_the_raw_text() -> None:
    raw = b"From: =?utf-8?b?broken base64 (no end\nMessage-ID: <f@x>\n\nx\n"
    message = parse_message_bytes(raw, source="s", position=1)
    assert message.author is not None
    assert "broken" in str(message.author)


class _ExplodingMessage(EmailMessage):
    def raw_items(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("header table is corrupt")


def test_a_message_that_cannot_be_read_is_a_one_line_input_error() -> None:
    with pytest.raises(InputError) as caught:
        convert_message(_ExplodingMessage(), source="box.mbox", position=7)
    assert (
        str(caught.value) == "box.mbox: message 7, message: cannot be read: header table is corrupt"
    )


def _mail(headers: str, body: str = "Words.\n") -> bytes:
    base = "Message-ID: <m@x>\nDate: Mon, 26 Feb 2007 10:00:00 +0000\nSubject: s\n"
    return (base + headers + "\n" + body).encode()


def test_raw_utf8_beside_encoded_words_is_read_as_text() -> None:
    message = parse_message_bytes(
        "From: =?utf-8?q?Bj=C3=B6rn?= Ångström <b@x>\nMessage-ID: <u@x>\n"
        "Subject: 日本語 Привет =?utf-8?q?caf=C3=A9?= done\n\nb\n".encode(),
        source="m",
        position=1,
    )
    assert message.subject == "日本語 Привет café done"
    assert message.author == Address("Björn Ångström", "b@x")


@pytest.mark.parametrize(
    ("date", "year"),
    [("Mon, 1 Jan 0001 10:00:00 +0000", 1), ("Mon, 1 Jan 01 10:00:00 +0000", 2001)],
)
def test_four_digit_years_are_the_years_written(date: str, year: int) -> None:
    message = parse_message_bytes(
        f"Message-ID: <y@x>\nDate: {date}\n\nb\n".encode(), source="m", position=1
    )
    assert message.date is not None and message.date.year == year


def test_year_0000_is_no_date_with_a_reason() -> None:
    message = parse_message_bytes(
        b"Message-ID: <y@x>\nDate: Sat, 1 Jan 0000 10:00:00 +0000\n\nb\n", source="m", position=1
    )
    inference = message.inference(InferredField.DATE)
    assert message.date is None and inference is not None
    assert "year 0000 does not exist" in inference.evidence[0]


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        (  # Mailman's DMARC rewrite, the sender in Reply-To
            "From: Joel Fernandes via Ksummit-discuss <ksummit-discuss@lists.linuxfoundation.org>\n"
            "Reply-To: Joel Fernandes <joelaf@google.com>\n"
            "List-Post: <mailto:ksummit-discuss@lists.linuxfoundation.org>\n",
            Address("Joel Fernandes", "joelaf@google.com"),
        ),
        (  # Google Groups: Reply-To is the group, the sender in X-Original-From
            "From: =?UTF-8?Q?=27Elias_St=C3=A5hlberg=27_via_blinux=2Dlist=40redhat=2Ecom?= "
            "<blinux-list@redhat.com>\nReply-To: blinux-list@redhat.com\n"
            "X-Original-From: =?UTF-8?Q?Elias_St=C3=A5hlberg?= <elias@example.fi>\n"
            "List-ID: <blinux-list.redhat.com>\n",
            Address("Elias Ståhlberg", "elias@example.fi"),
        ),
    ],
)
def test_a_sender_the_list_rewrote_is_read_from_the_header_it_kept(
    headers: str, sender: Address
) -> None:
    message = parse_message_bytes(_mail(headers), source="m", position=1)
    inference = message.inference(InferredField.AUTHOR)
    assert message.author == sender
    assert inference is not None and inference.confidence == 0.95
    assert "the list rewrote the sender's From" in inference.evidence[0]


def test_an_anonymous_lists_sender_is_only_guessed_from_the_signature() -> None:
    anonymous = (
        "From: Linux for blind general discussion <blinux-list@redhat.com>\n"
        "Reply-To: blinux-list@redhat.com\nList-Post: <mailto:blinux-list@redhat.com>\n"
    )
    footer = "\n_______________________________________________\nBlinux-list mailing list\n"
    signed = parse_message_bytes(
        _mail(anonymous, "I agree.\n\nCheers,\nSchoepp\n" + footer), source="m", position=1
    )
    unsigned = parse_message_bytes(_mail(anonymous, "I agree.\n" + footer), source="m", position=2)
    guess = signed.inference(InferredField.AUTHOR)
    assert signed.author == Address("Schoepp", "") and guess is not None
    assert guess.confidence == 0.5 and "the list hides its senders" in guess.evidence[1]
    none = unsigned.inference(InferredField.AUTHOR)
    assert unsigned.author is None and none is not None and none.confidence == 0.0


def test_a_bogus_parent_id_is_scoped_to_its_sender_and_day() -> None:
    message = parse_message_bytes(
        _mail("From: Suresh <sjayaraman@suse.de>\nIn-Reply-To: <yes>\nReferences: <yes>\n"),
        source="m",
        position=1,
    )
    assert message.in_reply_to == "yes (as named by sjayaraman on 2007-02-26)"
    assert message.references == ()
    replied = parse_message_bytes(
        _mail("From: a@x\nIn-Reply-To: <p@x>\nReferences: <yes> <p@x>\n"), source="m", position=2
    )
    assert (replied.in_reply_to, replied.references) == ("p@x", ("p@x",))
