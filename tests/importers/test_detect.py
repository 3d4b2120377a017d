"""Format detection by content, and read_inputs streaming any mix of inputs."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from threadlore.importers.detect import detect_format, read_inputs
from threadlore.importers.records import InputError

REPO = Path(__file__).resolve().parents[2]
MAIL = REPO / "tests" / "data" / "mail"
SEED = REPO / "samples" / "lkml-2007-fault-vs-truncate.txt"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("0008-mboxrd-escapes.mbox", "mbox"),
        ("0001-no-message-id.eml", "eml"),
        ("0009-maildir", "maildir"),
        ("0009-maildir/cur", "directory"),
    ],
)
def test_detect_format_of_fixtures(name: str, expected: str) -> None:
    assert detect_format(MAIL / name) == expected


def test_gzip_is_recognised_by_its_magic_not_its_name(tmp_path: Path) -> None:
    packed = tmp_path / "archive.bin"
    packed.write_bytes(gzip.compress((MAIL / "0008-mboxrd-escapes.mbox").read_bytes()))
    assert detect_format(packed) == "mbox.gz"


def test_eml_named_mbox_is_still_an_eml(tmp_path: Path) -> None:
    misnamed = tmp_path / "single.mbox"
    shutil.copy(MAIL / "0002-encoded-and-8bit-headers.eml", misnamed)
    assert detect_format(misnamed) == "eml"


def test_unknown_file_is_an_input_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\nnothing else\n")
    with pytest.raises(InputError, match=r"not an mbox, Maildir, \.eml"):
        detect_format(junk)


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        list(read_inputs([tmp_path / "nowhere.mbox"]))


def test_read_inputs_mixes_formats_and_walks_plain_folders(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(MAIL / "0008-mboxrd-escapes.mbox", folder / "a.mbox")
    shutil.copy(MAIL / "0001-no-message-id.eml", folder / "b.eml")
    (folder / "c.txt").write_text("shopping list\n")
    (folder / ".hidden").write_text("x\n")
    skipped: list[str] = []
    messages = list(
        read_inputs(
            [MAIL / "0003-misdeclared-charset.eml", folder],
            on_skip=lambda path, why: skipped.append(path.name),
        )
    )
    assert [m.subject for m in messages] == [
        "charset says us-ascii",
        "first",
        "Re: first",
        "[patch 2/6] mm: fix fault vs invalidate race for linear mappings",
    ]
    assert sorted(skipped) == [".hidden", "c.txt"]


def test_archive_text_is_detected_through_the_archive_importer() -> None:
    pytest.importorskip(
        "threadlore.importers.archive_text", reason="the archive-text importer is not there"
    )
    assert detect_format(SEED) == "archive-text"
