"""Reading public-inbox archives built with git plumbing: v2 epochs, v1, positions, deletions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from inbox_git import Epoch, V1Inbox, mail

from threadlore.importers.detect import PUBLIC_INBOX, detect_format, read_inputs, read_records
from threadlore.importers.public_inbox import inbox_epochs, read_public_inbox
from threadlore.importers.records import (
    ImportRecord,
    InputError,
    MessageDeleted,
    ParsedMessage,
    ReadPosition,
)
from threadlore.importers.selection import Selection

ROOT = mail("root@x", "[PATCH] mm: one", "the patch")
REPLY = mail("reply@x", "Re: [PATCH] mm: one", "a reply", parent="root@x")
LATE = mail("late@x", "Re: [PATCH] mm: one", "a late reply", parent="reply@x")


def ids(records: list[ImportRecord]) -> list[str]:
    return [r.message_id for r in records if isinstance(r, ParsedMessage)]


def positions(records: list[ImportRecord]) -> dict[str, ReadPosition]:
    return {r.source: r for r in records if isinstance(r, ReadPosition)}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A v2 inbox of two epochs: the first holds two messages, the second one."""
    first = Epoch(tmp_path / "lm" / "git" / "0.git")
    first.add(ROOT)
    first.add(REPLY)
    Epoch(tmp_path / "lm" / "git" / "1.git").add(LATE)
    return tmp_path / "lm"


def test_a_v2_inbox_is_detected_by_its_epochs(inbox: Path) -> None:
    assert detect_format(inbox) == PUBLIC_INBOX
    assert detect_format(inbox / "git" / "0.git") == PUBLIC_INBOX  # one epoch alone, as cloned
    assert [e.git_dir.name for e in inbox_epochs(inbox)] == ["0.git", "1.git"]


def test_every_epoch_is_read_in_order_with_sources_and_positions(inbox: Path) -> None:
    records = list(read_public_inbox(inbox))
    assert ids(records) == ["root@x", "reply@x", "late@x"]
    messages = [r for r in records if isinstance(r, ParsedMessage)]
    assert [(Path(m.source).name, m.position) for m in messages] == [
        ("0.git", 1),
        ("0.git", 2),
        ("1.git", 1),
    ]
    assert messages[1].in_reply_to == "root@x" and messages[1].body.strip() == "a reply"
    assert [p.commits for p in positions(records).values()] == [2, 1]


def test_reading_from_a_position_gives_only_the_newer_commits(inbox: Path) -> None:
    known = positions(list(read_public_inbox(inbox)))
    assert list(read_public_inbox(inbox, known)) == []  # nothing new: nothing read
    epoch = Epoch(inbox / "git" / "0.git")
    epoch.add(mail("new@x", "Re: [PATCH] mm: one", "news", parent="root@x"))
    records = list(read_public_inbox(inbox, known))
    assert ids(records) == ["new@x"]
    message = next(r for r in records if isinstance(r, ParsedMessage))
    assert message.position == 3  # counted on from the remembered position
    assert positions(records)[str(epoch.git_dir)].commit == epoch.tip


def test_a_rewritten_history_is_read_again_from_its_start(inbox: Path) -> None:
    known = positions(list(read_public_inbox(inbox)))
    gone = {k: ReadPosition(v.source, "0" * 40, v.commits) for k, v in known.items()}
    assert ids(list(read_public_inbox(inbox, gone))) == ["root@x", "reply@x", "late@x"]


def test_a_d_commit_deletes_the_message_it_holds(tmp_path: Path) -> None:
    epoch = Epoch(tmp_path / "git" / "0.git")
    epoch.add(ROOT)
    epoch.add(REPLY)
    epoch.delete(REPLY)
    records = list(read_public_inbox(tmp_path))
    deleted = [r for r in records if isinstance(r, MessageDeleted)]
    assert deleted == [MessageDeleted(str(epoch.git_dir.resolve()), 3, "reply@x")]
    assert records.index(deleted[0]) > ids(records).index("reply@x")


def test_a_v1_inbox_adds_and_deletes_by_file(tmp_path: Path) -> None:
    v1 = V1Inbox(tmp_path / "v1.git")
    v1.add(ROOT)
    v1.add(REPLY)
    v1.delete(ROOT)
    assert detect_format(v1.git_dir) == PUBLIC_INBOX
    records = list(read_records([v1.git_dir]))
    assert ids(records) == ["root@x", "reply@x"]
    assert [r.message_id for r in records if isinstance(r, MessageDeleted)] == ["root@x"]


def test_since_and_list_select_and_then_no_position_is_given(inbox: Path, tmp_path: Path) -> None:
    other = Epoch(tmp_path / "other" / "git" / "0.git")
    other.add(mail("old@x", "old", "old").replace(b"2024", b"2019"))
    other.add(mail("new@x", "new", "new").replace(b"linux-mm.kvack.org", b"linux-fsdevel.x"))
    since = Selection(since=datetime(2020, 1, 1, tzinfo=UTC))
    records = list(read_public_inbox(tmp_path / "other", selection=since))
    assert ids(records) == ["new@x"] and positions(records) == {}
    listed = list(read_public_inbox(tmp_path / "other", selection=Selection(lists=("linux-mm",))))
    assert ids(listed) == ["old@x"]


def test_read_inputs_gives_the_messages_alone(inbox: Path) -> None:
    assert [m.message_id for m in read_inputs([inbox])] == ["root@x", "reply@x", "late@x"]


def test_a_folder_without_epochs_is_not_an_inbox(tmp_path: Path) -> None:
    (tmp_path / "git").mkdir()
    with pytest.raises(InputError, match="not a public-inbox"):
        list(read_public_inbox(tmp_path))


def test_without_git_an_inbox_is_one_clear_error(
    inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(InputError, match="git is not installed"):
        list(read_records([inbox]))
