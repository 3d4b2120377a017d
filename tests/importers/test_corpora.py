"""Every real archive in the shared corpora imports without an error, with the expected count.

The expected count is what `grep -c '^From '` says for an mbox, one for a single-message file,
and the number of files for a Maildir tree: computed here from the files, not written down.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from threadlore.importers.detect import detect_format, read_inputs
from threadlore.importers.records import InferredField, InputError

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
NOTMUCH = CORPORA / "notmuch" / "test" / "corpora"
# files in the corpora that are not mail: git's t5100 keeps expected mailinfo output beside its
# mboxes, and this one is two body lines with no header and no separator
NOT_MAIL = {"git/t/t5100/0002mboxrd"}
# `From ` lines that no header line follows are body text, not separators: git's mboxrd tests
# (git's mailsplit, whose is_from_line wants a time and year, reads them so too) and patchwork's
# fuzz files, each one mail whose mangled header or body has such a line
BODY_FROM_LINES = {
    "git/t/t5100/0001mboxrd": 1,
    "git/t/t5100/sample.mboxrd": 1,
    "patchwork/patchwork/tests/data/fuzz/codec-null.mbox": 1,
    "patchwork/patchwork/tests/data/fuzz/name-len.mbox": 1,
}

if not CORPORA.is_dir():
    pytest.skip(f"no shared corpora at {CORPORA}", allow_module_level=True)


def separator_lines(path: Path) -> int:
    """What `grep -c '^From '` prints for the file."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b"From "))


def archive_files() -> list[Path]:
    """Every mail file outside the notmuch Maildir trees."""
    return sorted(
        path
        for path in CORPORA.rglob("*")
        if path.is_file() and path.suffix != ".md" and NOTMUCH not in path.parents
    )


def _id(path: Path) -> str:
    return str(path.relative_to(CORPORA))


@pytest.mark.parametrize("path", archive_files(), ids=_id)
def test_archive_file_imports_with_the_grep_count(path: Path) -> None:
    if _id(path) in NOT_MAIL:
        with pytest.raises(InputError, match="not an mbox"):
            detect_format(path)
        return
    kind = detect_format(path)
    messages = list(read_inputs([path]))
    expected = separator_lines(path) - BODY_FROM_LINES.get(_id(path), 0) if kind == "mbox" else 1
    assert kind in ("mbox", "eml")
    assert len(messages) == expected
    assert [m.position for m in messages] == list(range(1, expected + 1))
    assert all(m.message_id for m in messages)


@pytest.mark.parametrize(
    "folder", sorted(p for p in NOTMUCH.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_notmuch_tree_imports_one_message_per_file(folder: Path) -> None:
    skipped: list[Path] = []
    messages = list(read_inputs([folder], on_skip=lambda path, why: skipped.append(path)))
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert skipped == []
    assert len(messages) == len(files)
    assert {Path(m.source) for m in messages} == set(files)


def test_notmuch_lkml_corpus_has_the_documented_duplicates_and_lists() -> None:
    messages = list(read_inputs([NOTMUCH / "lkml"]))
    assert len(messages) == 210
    assert len({m.message_id for m in messages}) == 176  # as SOURCES.md says
    lists = Counter(list_id for m in messages for list_id in m.list_ids)
    assert lists.most_common(1)[0][0].startswith("linux-kernel")
    assert sum(1 for m in messages if m.patches) > 0
    assert all(m.date is not None for m in messages)


FUZZ = CORPORA / "patchwork" / "patchwork" / "tests" / "data" / "fuzz"


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("base64err.mbox", {"date": None, "patches": 1}),
        ("codec-null.mbox", {"synthetic": [False], "patches": 2}),
        ("date-oserror.mbox", {"date": None, "id": "2"}),
        ("date-too-long.mbox", {"date": None, "id": "uk"}),
        ("date.mbox", {"date": None}),
        ("dateheader.mbox", {"date": None, "id": "k"}),
        ("msgid-len2.mbox", {"synthetic": [True]}),
        ("refshdr.mbox", {"synthetic": [True], "in_reply_to": True}),
        ("unknown-encoding.mbox", {"date": None, "author": "Rafał Miłecki"}),
        ("year-out-of-range.mbox", {"date": None, "synthetic": [True]}),
        ("x-face.mbox", {"author": "Laurent Pinchart"}),
    ],
)
def test_fuzzed_messages_give_what_can_be_read(name: str, outcome: dict[str, object]) -> None:
    """patchwork's fuzz cases: each gives a message, with the broken field left out or inferred."""
    messages = list(read_inputs([FUZZ / name]))
    first = messages[0]
    if "date" in outcome:
        assert first.date is None
        inference = first.inference(InferredField.DATE)
        assert inference is not None and inference.evidence
    if "id" in outcome:
        assert (first.message_id, first.synthetic_id) == (outcome["id"], False)
    if "synthetic" in outcome:
        assert [m.synthetic_id for m in messages] == outcome["synthetic"]
    if "patches" in outcome:
        assert len(first.patches) == outcome["patches"]
    if "author" in outcome:
        assert first.author is not None and first.author.name == outcome["author"]
    if "in_reply_to" in outcome:
        assert first.in_reply_to
    for message in messages:
        assert "\x00" not in message.body
        addresses = (*message.to, *message.cc, *([message.author] if message.author else []))
        texts = (message.subject, *(part for a in addresses for part in (a.name, a.email)))
        assert all(ch >= " " or ch == "\t" for text in texts for ch in text)
