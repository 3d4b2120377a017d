"""Maildir and notmuch-style trees: which files are messages, which are skipped and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadlore.importers.eml import read_eml
from threadlore.importers.maildir import is_maildir, read_maildir
from threadlore.importers.records import InputError

MAILDIR = Path(__file__).resolve().parents[1] / "data" / "mail" / "0009-maildir"


def test_reads_cur_new_nested_and_top_level_files_in_sorted_order() -> None:
    skipped: list[tuple[str, str]] = []
    messages = list(read_maildir(MAILDIR, lambda path, why: skipped.append((path.name, why))))
    assert [m.subject for m in messages] == ["maildir 4", "maildir 1", "maildir 2", "maildir 3"]
    assert all(m.position == 1 and Path(m.source).is_file() for m in messages)
    reasons = dict(skipped)
    assert set(reasons) == {".notmuch", "tmp", "dovecot-uidlist", "empty", "notes.txt"}
    assert "delivered" in reasons["tmp"]
    assert reasons["notes.txt"] == "does not start with mail headers"
    assert reasons["empty"] == "empty file"


def test_a_folder_with_cur_or_new_is_a_maildir() -> None:
    assert is_maildir(MAILDIR)
    assert not is_maildir(MAILDIR / "cur")


def test_not_a_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a folder"):
        list(read_maildir(tmp_path / "absent"))


def test_single_file_with_a_leading_from_line_is_read_as_one_message(tmp_path: Path) -> None:
    saved = tmp_path / "one.eml"
    saved.write_bytes(b"From a@b Mon Feb 26 10:00:00 2007\nSubject: s\nMessage-ID: <e@x>\n\nb\n")
    message = read_eml(saved)
    assert (message.message_id, message.subject, message.body) == ("e@x", "s", "b\n")
