"""Corrections win over inference, and on an archive page they are evidence for the neighbours."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from seed_store import SEED
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from benches.archive_pages import read_mbox_file, render_page, threads
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models.messages import Message
from threadlore.importers.archive_text import read_archive_text
from threadlore.importers.records import Address
from threadlore.kb.corrections import CorrectionService
from threadlore.kb.discussion import CorrectedField

NVDA = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "lists" / "threads"
NVDA = NVDA / "blinux-nvda2speech-2024.mbox"


@pytest.fixture
def seeded(new_store_url: Callable[..., str]) -> tuple[sessionmaker[Session], list[str]]:
    sessions = open_store(new_store_url(migrated=True))
    imported = list(read_archive_text(SEED))
    import_messages(sessions, imported)
    return sessions, [m.message_id for m in imported]


def _authors(session: Session) -> dict[str, str | None]:
    return dict(session.execute(select(Message.message_id, Message.author_email)).all())  # type: ignore[arg-type]


def test_a_corrected_author_names_the_neighbour_who_signs_alike_and_undo_forgets_it(
    new_store_url: Callable[..., str], tmp_path: Path
) -> None:
    """A real page (blinux, rewritten as archive text): #12 and #14 are signed by an address no
    header spells, so neither has an author until a person names #12's."""
    if not NVDA.is_file():
        pytest.skip(f"no lists corpus at {NVDA}")
    (thread,) = threads(read_mbox_file(NVDA))
    page = tmp_path / "nvda.txt"
    page.write_text(render_page("nvda", thread, Address("", "blinux-list@redhat.com")).text)
    sessions = open_store(new_store_url(migrated=True))
    imported = list(read_archive_text(page))
    import_messages(sessions, imported)
    ids = [m.message_id for m in imported]
    with sessions() as session:
        assert _authors(session)[ids[13]] is None
        corrections = CorrectionService(session, "reader")
        view = corrections.correct(
            ids[11], CorrectedField.AUTHOR, "Jude DaShiell <jdashiel@panix.com>"
        )
        assert view.reinferred >= 1 and "inferred again" in view.describe()
        assert _authors(session)[ids[13]] == "jdashiel@panix.com"
        corrections.undo(ids[11])
        assert _authors(session)[ids[13]] is None


def test_a_correction_survives_reimport(
    seeded: tuple[sessionmaker[Session], list[str]],
) -> None:
    sessions, ids = seeded
    with sessions() as session:
        CorrectionService(session, "reader").correct(
            ids[93], CorrectedField.AUTHOR, "Andrew Morton <akpm@linux-foundation.org>"
        )
        session.commit()
    report = import_messages(sessions, read_archive_text(SEED))
    assert report.added == 0
    with sessions() as session:
        email = session.scalar(select(Message.author_email).where(Message.message_id == ids[93]))
    assert email == "akpm@linux-foundation.org"
