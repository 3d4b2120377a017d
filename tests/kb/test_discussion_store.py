"""Maps load into the store for their thread once, reload when edited, and read back whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.discussion_queries import stored_maps
from threadlore.db.discussion_store import load_maps_for_thread, load_shipped_maps
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models.discussion import DiscussionMapRecord, DiscussionQuote
from threadlore.importers.archive_text import read_archive_text
from threadlore.kb.map_loader import MAPS_DIR, MapError, load_map

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "lkml-2007-fault-vs-truncate.txt"
SEED_MAP = MAPS_DIR / "lkml-2007-fault-vs-truncate.yaml"


@pytest.fixture(scope="module")
def sessions(new_store_url: Callable[..., str]) -> sessionmaker[Session]:
    """One store per engine (tests/conftest.py) with the seed imported."""
    factory = open_store(new_store_url(migrated=True))
    import_messages(factory, read_archive_text(SEED))
    return factory


def _seed_thread(session: Session) -> int:
    loads = load_shipped_maps(session)
    assert loads, "the seed map found no thread"
    return loads[0].thread_id


def test_loading_is_idempotent_and_round_trips(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        thread_id = _seed_thread(session)
        session.commit()
        again = load_maps_for_thread(session, thread_id)
        assert [load.action for load in again] == ["unchanged"]
        assert session.scalar(select(func.count()).select_from(DiscussionMapRecord)) == 1
        stored = stored_maps(session, thread_id)[0].discussion
    original = load_map(SEED_MAP)
    assert [q.id for q in stored.questions] == [q.id for q in original.questions]
    assert stored.argument("databases-not-root").attacks == (
        "restrict-nonlinear-to-root",
        "root-only-if-writeback",
    )
    assert stored.status_of("emulate-via-mremap") == original.status_of("emulate-via-mremap")
    assert all(q.message_id for _entry, q in stored.quotes())


def test_an_edited_map_replaces_the_stored_rows(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    edited = tmp_path / "seed.yaml"
    edited.write_text(SEED_MAP.read_text().replace("Only root may create", "Root alone may create"))
    with sessions() as session:
        thread_id = _seed_thread(session)
        first = load_maps_for_thread(session, thread_id, [edited])
        quotes = session.scalar(select(func.count()).select_from(DiscussionQuote))
        edited.write_text(edited.read_text().replace("Root alone", "Only root"))
        second = load_maps_for_thread(session, thread_id, [edited])
        assert [first[0].action, second[0].action] == ["loaded", "replaced"]
        assert session.scalar(select(func.count()).select_from(DiscussionQuote)) == quotes
        session.rollback()


def test_a_map_quoting_words_not_in_the_thread_fails_naming_the_entry(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(SEED_MAP.read_text().replace("Please not root.", "Please never root."))
    with sessions() as session:
        thread_id = _seed_thread(session)
        with pytest.raises(MapError, match=r"broken.yaml: please-not-root: quote not found"):
            load_maps_for_thread(session, thread_id, [broken])
        session.rollback()
