"""A public-inbox imported through the CLI, on each engine: incremental, idempotent, deletions.

The inbox is built with git plumbing (tests/inbox_git.py): messages added, re-imported, added to,
one deleted; the store must follow, whole (search, tree, revisions, the decision map).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from inbox_git import Epoch, mail
from sqlalchemy import func, select

from threadlore.cli.main import threadlore
from threadlore.db.engine import open_store
from threadlore.db.models import Message, Patch, PatchRevision, Recipient, Thread

DIFF = """
---
 mm/memory.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/mm/memory.c b/mm/memory.c
--- a/mm/memory.c
+++ b/mm/memory.c
@@ -1,3 +1,3 @@ int f(void)
 a
-{old}
+{new}
 c
"""
V1 = mail("v1@x", "[PATCH] mm: fix", "Fix it." + DIFF.format(old="b", new="B"))
V2 = mail("v2@x", "[PATCH v2] mm: fix", "Fix it." + DIFF.format(old="b", new="BB"), hour=11)
V3 = mail("v3@x", "[PATCH v3] mm: fix", "Fix it." + DIFF.format(old="b", new="BBB"), hour=14)
REVIEW = mail("review@x", "Re: [PATCH v2] mm: fix", "Looks odd: zebra", parent="v2@x", hour=12)
ANSWER = mail("answer@x", "Re: [PATCH v2] mm: fix", "It is fine", parent="review@x", hour=13)


def run(db: str, *args: str) -> Result:
    result = CliRunner().invoke(threadlore, [*args, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return result


def found(db: str, words: str) -> list[dict[str, object]]:
    """The search's hits (a search that finds nothing exits 1)."""
    result = CliRunner().invoke(threadlore, ["search", words, "--db", db, "--json"])
    assert result.exit_code in (0, 1), result.output
    hits: list[dict[str, object]] = json.loads(result.stdout)
    return hits


def imported(db: str, inbox: Path) -> dict[str, object]:
    report: dict[str, object] = json.loads(run(db, "import", str(inbox)).stdout)
    return report


@pytest.fixture
def db(new_store_url: Callable[..., str]) -> str:
    return new_store_url()


def test_an_inbox_is_imported_then_only_its_new_commits(db: str, tmp_path: Path) -> None:
    epoch = Epoch(tmp_path / "lm" / "git" / "0.git")
    for raw in (V1, V2, REVIEW):
        epoch.add(raw)
    first = imported(db, tmp_path / "lm")
    assert (first["seen"], first["added"], first["threads_touched"]) == (3, 3, 2)
    again = imported(db, tmp_path / "lm")
    assert (again["seen"], again["added"], again["unchanged"]) == (0, 0, 0)  # nothing re-read
    epoch.add(ANSWER)
    later = imported(db, tmp_path / "lm")
    assert (later["seen"], later["added"]) == (1, 1)
    hits = found(db, "fine")
    assert [m["id"] for m in hits] == ["answer@x"] and hits[0]["parent"] == "review@x"
    assert hits[0]["position"] == 4  # the commit's number in its epoch, counted on


@pytest.fixture
def stored(db: str, tmp_path: Path) -> tuple[str, Epoch]:
    """An inbox of three revisions, a review and its answer, imported."""
    epoch = Epoch(tmp_path / "lm" / "git" / "0.git")
    for raw in (V1, V2, REVIEW, ANSWER, V3):
        epoch.add(raw)
    assert imported(db, tmp_path / "lm")["added"] == 5
    return db, epoch


def test_a_deleted_leaf_leaves_the_store_and_its_search(stored: tuple[str, Epoch]) -> None:
    db, epoch = stored
    epoch.delete(ANSWER)
    report = imported(db, epoch.git_dir.parent.parent)
    assert report["deleted"] == 1
    assert found(db, "fine") == []
    with open_store(db)() as session:
        assert session.scalar(select(Message.id).where(Message.message_id == "answer@x")) is None
        tree = json.loads(run(db, "tree", "v2@x").stdout)
        assert [row["message"]["id"] for row in tree] == ["v2@x", "review@x"]
    assert imported(db, epoch.git_dir.parent.parent)["deleted"] == 0  # read once


def test_a_deleted_message_with_replies_stays_as_a_placeholder(stored: tuple[str, Epoch]) -> None:
    db, epoch = stored
    epoch.delete(REVIEW)
    imported(db, epoch.git_dir.parent.parent)
    assert found(db, "zebra") == []
    tree = json.loads(run(db, "tree", "v2@x").stdout)
    assert [(r["message"]["id"], r["placeholder"]) for r in tree] == [
        ("v2@x", False),
        ("review@x", True),
        ("answer@x", False),
    ]
    with open_store(db)() as session:
        pk = session.scalar(select(Message.id).where(Message.message_id == "review@x"))
        assert session.scalar(select(func.count()).where(Recipient.message_id == pk)) == 0


def test_a_deleted_patch_is_unlinked_and_its_revisions_relinked(stored: tuple[str, Epoch]) -> None:
    db, epoch = stored
    show = json.loads(run(db, "show", "v3@x").stdout)
    assert show["patches"][0]["revises"] == ["v2@x"]
    epoch.delete(V2)  # v2 has replies: a placeholder, its patch gone
    imported(db, epoch.git_dir.parent.parent)
    assert json.loads(run(db, "show", "v3@x").stdout)["patches"][0]["revises"] == ["v1@x"]
    with open_store(db)() as session:
        assert session.scalar(select(func.count()).select_from(Patch)) == 2
        assert session.scalar(select(func.count()).select_from(PatchRevision)) == 1


def test_a_map_quoting_a_deleted_message_still_reads(stored: tuple[str, Epoch]) -> None:
    db, epoch = stored
    quote = ["--message", "answer@x", "--quote", "It is fine"]
    run(db, "map", "add", "proposal", *quote, "--question", "Is it fine?", "--topic", "review")
    epoch.delete(ANSWER)
    imported(db, epoch.git_dir.parent.parent)
    tree = json.loads(run(db, "tree", "v2@x").stdout)
    assert ("answer@x", True) in [(r["message"]["id"], r["placeholder"]) for r in tree]
    exported = CliRunner().invoke(threadlore, ["map", "export", "v2@x", "--db", db])
    assert exported.exit_code == 0 and "It is fine" in exported.stdout


def test_deleting_a_whole_thread_removes_it(stored: tuple[str, Epoch]) -> None:
    db, epoch = stored
    with open_store(db)() as session:
        threads = session.scalar(select(func.count()).select_from(Thread))
    epoch.delete(V1)
    imported(db, epoch.git_dir.parent.parent)
    with open_store(db)() as session:
        assert session.scalar(select(func.count()).select_from(Thread)) == threads - 1


def test_since_and_list_select_and_leave_the_position(db: str, tmp_path: Path) -> None:
    epoch = Epoch(tmp_path / "lm" / "git" / "0.git")
    epoch.add(V1)  # 10:00
    epoch.add(V2)  # 11:00
    bad = CliRunner().invoke(threadlore, ["import", str(tmp_path / "lm"), "--since", "May 7"])
    assert bad.exit_code == 2 and "is not a date" in bad.output
    since = run(db, "import", str(tmp_path / "lm"), "--since", "2024-05-07T10:30:00+00:00")
    assert json.loads(since.stdout)["added"] == 1
    other = run(db, "import", str(tmp_path / "lm"), "--list", "linux-fsdevel")
    assert json.loads(other.stdout)["added"] == 0
    everything = imported(db, tmp_path / "lm")  # no position was kept: all is read again
    assert (everything["seen"], everything["added"]) == (2, 1)
