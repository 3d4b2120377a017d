"""The web archive's text format: blocks, headers, bodies, cut messages, chrome and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from threadlore.importers.archive_text import (
    looks_like_archive_text,
    parse_addresses,
    parse_archive_text,
    read_archive_text,
)
from threadlore.importers.records import Address, InputError

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"

PAGE = """\
Re: [PATCH 0/2] frobnicate the widgets
Previous thread: none
Next thread: something else by Someone on Monday, March 5, 2007 - 1:00 am. (3 messages)
To: Widget List <linux-widgets@...>
Cc: Ann Author <ann@...>
Date: Monday, March 5, 2007 - 9:00 am

Here are two patches.
- a dash that is not a terminator

Ann
-

To: Ann Author <ann@...>
Cc: <linux-widgets@...>, Bob Builder <bob@...>
Date: Monday, March 5, 2007 - 10:15 pm

Looks fine, but
-
is a diff line, not the end.

Bob
-

To: Bob Builder <bob@...>
Cc: <linux-widgets@...>
Date: Tuesday, March 6, 2007 - 7:05 am

A long answer that the archive cut ...

Previous thread: none
"""


def test_blocks_headers_and_bodies() -> None:
    thread = parse_archive_text(PAGE, "page.txt")
    assert thread.subject == "Re: [PATCH 0/2] frobnicate the widgets"
    assert [b.position for b in thread.blocks] == [1, 2, 3]
    first, second, third = thread.blocks
    assert first.to == (Address("Widget List", "linux-widgets@..."),)
    assert first.cc == (Address("Ann Author", "ann@..."),)
    assert first.date_text == "Monday, March 5, 2007 - 9:00 am"
    assert first.body == "Here are two patches.\n- a dash that is not a terminator\n\nAnn\n"
    assert second.cc[0] == Address("", "linux-widgets@...")
    assert "-\nis a diff line" in second.body and second.body.endswith("Bob\n")
    assert third.truncated and not first.truncated and not second.truncated
    assert "Previous thread" not in third.body


def test_small_page_reads_end_to_end(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    messages = list(read_archive_text(page))
    assert [m.subject for m in messages] == [
        "[PATCH 0/2] frobnicate the widgets",
        "Re: [PATCH 0/2] frobnicate the widgets",
        "Re: [PATCH 0/2] frobnicate the widgets",
    ]
    assert [m.author.name if m.author else None for m in messages] == [
        "Ann Author",
        "Bob Builder",
        "Ann Author",
    ]
    assert messages[2].in_reply_to == messages[1].message_id
    assert messages[2].truncated and messages[0].list_ids == ("linux-widgets@...",)
    assert messages[1].date is not None and messages[1].date.isoformat() == (
        "2007-03-05T22:15:00-04:00"
    )


def test_identical_blocks_get_distinct_ids(tmp_path: Path) -> None:
    head, block = PAGE.split("To: Ann Author", 1)
    reply = "To: Ann Author" + block.split("To: Bob Builder", 1)[0]
    page = tmp_path / "page.txt"
    page.write_text(head + reply + reply)
    ids = [m.message_id for m in read_archive_text(page)]
    assert len(set(ids)) == 3


def test_address_lists() -> None:
    read, problems = parse_addresses(
        '"Morton, Andrew" <akpm@...>, <hugh@...>, bare@..., Ann <ann@...>'
    )
    assert read == (
        Address("Morton, Andrew", "akpm@..."),
        Address("", "hugh@..."),
        Address("", "bare@..."),
        Address("Ann", "ann@..."),
    )
    assert problems == []


def test_rfc_5322_comments_and_groups_are_address_lists() -> None:
    read, problems = parse_addresses(
        "Jean Delvare (PC drivers, core) <khali@...>, Ben Dooks (embedded platforms) "
        "<ben-linux@...>, unlisted-recipients:; (no To-header on input), akpm@... (Andrew)"
    )
    assert read == (
        Address("Jean Delvare (PC drivers, core)", "khali@..."),
        Address("Ben Dooks (embedded platforms)", "ben-linux@..."),
        Address("", "akpm@..."),
    )
    assert problems == []


def test_looks_like_archive_text() -> None:
    assert looks_like_archive_text(SEED.read_text()[:2000])
    assert looks_like_archive_text(PAGE)
    mbox = "From nick Wed Feb 21 00:49:00 2007\nTo: a@b\nDate: Wed, 21 Feb 2007 00:49:00 +0100\n"
    assert not looks_like_archive_text(mbox)
    eml = "Return-Path: <a@b>\nTo: a@b\nDate: Wed, 21 Feb 2007 00:49:00 +0100\n\nhi\n"
    assert not looks_like_archive_text(eml)
    assert not looks_like_archive_text("")


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ("", "no thread subject"),
        ("Subject\n\nJust text, no headers.\n", "no message headers"),
    ],
)
def test_a_page_without_messages_is_a_one_line_error(
    tmp_path: Path, page: str, problem: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(page)
    with pytest.raises(InputError) as raised:
        list(read_archive_text(path))
    message = str(raised.value)
    assert problem in message and str(path) in message and "\n" not in message


GOOD = "To: <a@...>\nDate: Monday, March 5, 2007 - 9:00 am\n\nfirst\n-\n\n"


@pytest.mark.parametrize(
    ("page", "where", "problem"),
    [
        (f"Subject\n\nstray text\n\n{GOOD}{GOOD}", "line 3", "text before the first message"),
        (
            f"Subject\n\n{GOOD}To: <a@...>\nDate: Tuesday, March 5, 2007 - 9:10 am\n\nx\n-\n",
            "Date:",
            "is a Monday",
        ),
        (
            f"Subject\n\n{GOOD}To: <a@...>\nDate: Monday, January 1, 0000 - 9:10 am\n\nx\n-\n",
            "Date:",
            "names no real day",
        ),
        (
            f"Subject\n\n{GOOD}To: <b@...>\nDate: Monday, March 5, 2007 - 9:10 am\n\nit stops",
            "line 12",
            "the file ends inside this message",
        ),
        (
            f"Subject\n\n{GOOD}To: a@... without brackets\nDate: Monday, March 5, 2007 - 9:10 am"
            "\n\nx\n-\n",
            "To:",
            "cannot read address 'a@... without brackets'",
        ),
        (
            f"Subject\n\n{GOOD}To: <b@...>\nDate: Monday, March 5, 2007 - 9:10 am\nx\n-\n",
            "line 11",
            "no blank line after the headers",
        ),
    ],
)  # fmt: skip
def test_an_odd_block_is_stored_with_a_warning(
    tmp_path: Path, page: str, where: str, problem: str
) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(page.encode())
    messages = list(read_archive_text(path))
    assert len(messages) == 2
    warned = [w for m in messages for w in m.warnings]
    assert len(warned) == 1 and where in warned[0].where and problem in warned[0].problem
    assert warned[0].source == str(path) and warned[0].offset is not None
    assert str(path) in str(warned[0]) and "\n" not in str(warned[0])


def test_a_cut_seed_keeps_every_whole_message(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    block_54 = [m.start() for m in re.finditer(rb"\n\nTo: ", data)][52] + 2  # block 1 has no blank
    cut_in_headers = data[: data.index(b"\n", block_54) + 1]  # after the To: of block 54
    path = tmp_path / "cut.txt"
    path.write_bytes(cut_in_headers)
    skipped: list[InputError] = []
    messages = list(read_archive_text(path, on_error=skipped.append))
    assert len(messages) == 53
    assert [e.problem for e in skipped] == [
        "the file ends inside this message's headers: nothing to store"
    ]
    assert skipped[0].offset == block_54 and skipped[0].position == 54
    with pytest.raises(InputError):  # without a handler, the block that cannot be stored raises
        list(read_archive_text(path))


def test_a_title_wrapped_onto_two_lines_is_one_subject(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.txt"
    path.write_text(
        f"Re: [PATCH 0/2] a long title that the archive\nwrapped onto a second line\n\n{GOOD}"
    )
    (message,) = read_archive_text(path)
    assert message.subject == "[PATCH 0/2] a long title that the archive wrapped onto a second line"
    assert message.warnings == ()


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.txt"):
        list(read_archive_text(tmp_path / "missing.txt"))


def test_seed_blocks() -> None:
    thread = parse_archive_text(SEED.read_text(), "seed")
    assert len(thread.blocks) == 99
    assert thread.blocks[20].cc == ()  # Ingo's message with everyone in To:
    assert thread.blocks[97].body.endswith(
        "* Umm, take care of errors if the page isn't up-to-date.\n"
    )
    assert thread.blocks[98].body.endswith("void remove_from_page_cache(struct page *page)\n")
