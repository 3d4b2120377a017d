"""Mail files through the importers into the store: loops broken, ghost roots as placeholders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.queries import list_threads, thread_tree
from threadlore.importers.detect import read_inputs

DATA = Path(__file__).resolve().parent / "data"
Store = sessionmaker[Session]


def tree_of(store: Store) -> list[tuple[int, str, bool]]:
    with store() as session:
        (thread,) = list_threads(session)
        return [(r.depth, r.message.id, r.placeholder) for r in thread_tree(session, thread.id)]


def test_a_reply_loop_is_broken_into_one_tree(store: Store) -> None:
    report = import_messages(store, read_inputs([DATA / "loop"]))
    assert (report.added, report.errors) == (2, [])
    # loop-a, read first, hangs under a placeholder for loop-b; when loop-b arrives, its own
    # In-Reply-To (loop-a) would close a cycle, so it is refused and loop-b stays the root.
    assert tree_of(store) == [(0, "loop-b@example.org", False), (1, "loop-a@example.org", False)]


def test_replies_to_an_unseen_root_share_a_placeholder(
    store: Store, row_counts: Callable[[Store], dict[str, int]]
) -> None:
    import_messages(store, read_inputs([DATA / "ghost-root"]))
    assert tree_of(store) == [
        (0, "ghost@example.org", True),
        (1, "reply-1@example.org", False),
        (1, "reply-2@example.org", False),
    ]
    counts = row_counts(store)
    report = import_messages(store, read_inputs([DATA / "ghost-root"]))
    assert (report.added, report.unchanged) == (0, 2)
    assert row_counts(store) == counts
