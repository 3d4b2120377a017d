"""End to end on the seed thread: the web archive's text imports into one thread of 99 messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.queries import list_people, list_threads, search_messages, thread_tree
from threadlore.importers.archive_text import read_archive_text

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"


def test_seed_imports_as_one_thread_of_99_messages(store: sessionmaker[Session]) -> None:
    report = import_messages(store, read_archive_text(SEED), batch_size=40)
    assert (report.seen, report.added, report.errors) == (99, 99, [])
    with store() as session:
        (thread,) = list_threads(session)
        assert thread.messages == 99
        assert thread.subject == "[patch 0/6] fault vs truncate/invalidate race fix"
        tree = thread_tree(session, thread.id)
        assert sum(not row.placeholder for row in tree) == 99
        people = list_people(session)
        writers = [p for p in people if not p.is_list and p.messages > 0]
        assert len(writers) == 11
        assert {"Linux Memory Management", "Linux Kernel"} <= {p.name for p in people if p.is_list}
        assert not any(p.is_list for p in writers)
        assert search_messages(session, "f:miklos page_mkclean")


def test_reimporting_the_seed_changes_nothing(
    store: sessionmaker[Session], row_counts: Callable[[sessionmaker[Session]], dict[str, int]]
) -> None:
    import_messages(store, read_archive_text(SEED))
    counts = row_counts(store)
    with store() as session:
        before = (list_threads(session), list_people(session))
    report = import_messages(store, read_archive_text(SEED))
    assert (report.added, report.unchanged, report.threads_touched) == (0, 99, 0)
    with store() as session:
        assert (list_threads(session), list_people(session)) == before
    assert row_counts(store) == counts
