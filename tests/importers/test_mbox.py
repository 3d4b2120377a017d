"""mbox and mbox.gz: separators, mboxrd unescaping, cut gzip data, and memory that does not grow."""

from __future__ import annotations

import gzip
import io
import re
import tracemalloc
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadlore.importers.mbox import Oversized, _runs, read_mbox, split_mbox, split_mbox_at
from threadlore.importers.records import InputError

MAIL = Path(__file__).resolve().parents[1] / "data" / "mail"
MBOXRD = MAIL / "0008-mboxrd-escapes.mbox"
BODY_LINES = 30


def write_mbox(path: Path, count: int, *, compress: bool = False) -> Path:
    """An mbox of `count` distinct messages of a few hundred bytes each, optionally gzipped."""
    opener = gzip.open if compress else open
    with opener(path, "wb") as out:
        for number in range(count):
            out.write(
                (
                    f"From sender{number}@example.org Mon Feb 26 10:00:00 2007\n"
                    f"From: Sender {number} <sender{number}@example.org>\n"
                    f"Subject: [PATCH {number % 6 + 1}/6] message {number}\n"
                    f"Message-ID: <generated-{number}@example.org>\n"
                    f"Date: Mon, 26 Feb 2007 10:00:00 +0000\n\n"
                    + f"Line {number} of a body that is long enough to matter.\n" * BODY_LINES
                    + "\n"
                ).encode()
            )
    return path


def test_mboxrd_escapes_are_removed_once_and_messages_split_at_separators() -> None:
    first, second = read_mbox(MBOXRD)
    assert first.body == (
        "From the start of a line.\n>From a quoted one.\n From with a space is not a separator.\n"
    )
    assert (first.position, second.position) == (1, 2)
    assert second.in_reply_to == "mboxrd-1@example.org"
    assert second.body == "second body\n"
    assert first.source == str(MBOXRD)


def test_gzipped_mbox_reads_the_same_messages(tmp_path: Path) -> None:
    packed = tmp_path / "t.mbox.gz"
    packed.write_bytes(gzip.compress(MBOXRD.read_bytes()))
    assert [m.body for m in read_mbox(packed)] == [m.body for m in read_mbox(MBOXRD)]


def test_a_last_line_of_spaces_is_content_not_the_separator_blank(tmp_path: Path) -> None:
    box = tmp_path / "spaces.mbox"
    box.write_bytes(b"From a\nSubject: s\n\n+added\n \n\nFrom b\nSubject: t\n\nx\n")
    first, _ = read_mbox(box)
    assert first.body == "+added\n \n"


def test_crlf_mbox_separators_and_bodies() -> None:
    raw = MBOXRD.read_bytes().replace(b"\n", b"\r\n")
    messages = list(split_mbox(raw.splitlines(keepends=True), "crlf.mbox"))
    assert len(messages) == 2
    assert messages[1].endswith(b"second body\r\n")


def test_cut_gzip_gives_the_whole_messages_then_a_one_line_error(tmp_path: Path) -> None:
    whole = write_mbox(tmp_path / "whole.mbox.gz", 200, compress=True).read_bytes()
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    seen = []
    with pytest.raises(InputError) as caught:
        for message in read_mbox(cut):
            seen.append(message)
    assert 0 < len(seen) < 200
    assert [m.message_id for m in seen] == [f"generated-{n}@example.org" for n in range(len(seen))]
    assert all(m.body.count("\n") == BODY_LINES for m in seen)  # no partial message among them
    error = str(caught.value)
    assert error.startswith(f"{cut}: message {len(seen) + 1}, gzip stream: ")
    assert "\n" not in error


def test_text_before_the_first_separator_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mbox"
    bad.write_bytes(b"Subject: not an mbox\n\nFrom someone\n")
    with pytest.raises(InputError, match="before the first 'From ' line"):
        list(read_mbox(bad))


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        list(read_mbox(tmp_path / "absent.mbox"))


def _peak_bytes_reading(path: Path) -> tuple[int, int]:
    """Messages read and the peak of traced memory while streaming them (each one dropped)."""
    count = 0
    tracemalloc.start()
    try:
        for _ in read_mbox(path):
            count += 1
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("compress", [False, True], ids=["mbox", "mbox.gz"])
def test_memory_does_not_grow_with_the_archive(tmp_path: Path, compress: bool) -> None:
    size = 250
    suffix = ".mbox.gz" if compress else ".mbox"
    small = write_mbox(tmp_path / f"small{suffix}", size)
    large = write_mbox(tmp_path / f"large{suffix}", 4 * size)
    added_bytes = large.stat().st_size - small.stat().st_size
    if compress:
        small = write_mbox(tmp_path / f"small{suffix}", size, compress=True)
        large = write_mbox(tmp_path / f"large{suffix}", 4 * size, compress=True)
    _peak_bytes_reading(write_mbox(tmp_path / "warm.mbox", 20))  # fill caches and free lists
    small_count, small_peak = _peak_bytes_reading(small)
    large_count, large_peak = _peak_bytes_reading(large)
    assert (small_count, large_count) == (size, 4 * size)
    # 750 more messages; a reader that kept them (or their bytes) would grow by more than
    # `added_bytes`. Allowed: an eighth of that, for Python's bounded free lists.
    assert large_peak - small_peak < added_bytes / 8


# the lines that decide how an mbox is cut, and a line longer than the reader's chunks
_MBOX_LINES = st.sampled_from(
    [b"From a@b Mon Jan  1 00:00:00 2007\n", b"From here on\n", b"Subject: s\n", b"X-A:\n",
     b">From quoted\n", b">>From twice\n", b">not an escape\n", b"\n", b"\r\n", b" \n",
     b"body text\n", b"From ", b"no newline", b"\r", b"x" * 70_000 + b"\n", b"y" * 140_000]
)  # fmt: skip


def _cut(pieces: Iterable[bytes]) -> list[tuple[int, bytes | str]]:
    """The messages and their offsets; a message past the cap as just that (its size is "at
    least" what was counted before reading stopped, which depends on where pieces end)."""
    return [
        (offset, "past the cap" if isinstance(data, Oversized) else data)
        for offset, data in split_mbox_at(pieces, "t.mbox", cap=100_000)
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(_MBOX_LINES, max_size=30).map(b"".join), st.integers(1, 9000))
def test_runs_cut_an_mbox_as_its_lines_do(data: bytes, chunk: int) -> None:
    """Reading in runs of lines (a Python step per run, not per line) cuts the same messages at
    the same offsets, from chunks of any size, as reading line by line (a long line in pieces)."""
    chunks = [data[start : start + chunk] for start in range(0, len(data), chunk)]
    stream = io.BytesIO(data)
    lines = list(iter(lambda: stream.readline(1 << 16), b""))
    try:
        expected = _cut(lines)
    except InputError as exc:
        with pytest.raises(InputError, match=re.escape(exc.problem)):
            _cut(_runs(chunks))
        return
    assert _cut(_runs(chunks)) == expected
