"""An archive-text source inferred again from the store, with corrected values pinned: the
entry point corrections use (issue 11, §4)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.archive_sources import reinfer_source
from threadlore.db.ingest import import_messages
from threadlore.db.models import Source
from threadlore.importers.archive_text import read_archive_text
from threadlore.importers.records import InferredField

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"


def test_a_stored_source_infers_as_its_file_did(store: sessionmaker[Session]) -> None:
    imported = list(read_archive_text(SEED))
    import_messages(store, imported)
    with store() as session:
        again = reinfer_source(session, session.scalars(select(Source.id)).one())
    fields = [(m.message_id, m.author, m.in_reply_to, m.date, m.series) for m in imported]
    assert [(m.message_id, m.author, m.in_reply_to, m.date, m.series) for m in again] == fields


def test_a_pinned_parent_changes_where_the_next_messages_can_answer(
    store: sessionmaker[Session],
) -> None:
    imported = list(read_archive_text(SEED))
    import_messages(store, imported)
    ids = [m.message_id for m in imported]
    # #5 answers #3; corrected to answer #2, so #6 (listed after it) can no longer answer #3
    pins = {ids[4]: {InferredField.PARENT: ids[1]}}
    with store() as session:
        again = reinfer_source(session, session.scalars(select(Source.id)).one(), pins)
    corrected = again[4].inference(InferredField.PARENT)
    assert again[4].in_reply_to == ids[1] and corrected is not None
    assert (corrected.confidence, corrected.evidence) == (1.0, ("corrected by the user",))
    assert again[5].in_reply_to == ids[4]  # #6 still answers #5, now under #2
    assert again[5].references == (ids[0], ids[1], ids[4])
    unchanged = [i for i in range(99) if i not in (4, 5)]
    assert all(again[i].author == imported[i].author for i in unchanged)
