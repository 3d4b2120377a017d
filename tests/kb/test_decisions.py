"""The decisions service on both engines: maps load from files idempotently, round-trip through
export, record and decide entries in a message's own words, and undo exactly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from seed_store import SEED, SEED_MAP
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models.decision_map import MapChange, MapEntry
from threadlore.importers.archive_text import read_archive_text
from threadlore.kb.candidates import CandidateService
from threadlore.kb.decisions import DecisionError, DecisionService
from threadlore.kb.discussion import Status
from threadlore.kb.map_loader import MapError, load_map, locate_quotes, parse_map, thread_message_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sessions(new_store_url: Callable[..., str]) -> sessionmaker[Session]:
    """A new store per test and engine (tests/conftest.py) holding the seed thread, no map."""
    factory = open_store(new_store_url(migrated=True))
    import_messages(factory, read_archive_text(SEED))
    return factory


def _entries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(MapEntry)) or 0


def test_a_map_file_loads_once_and_again_changes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        first = DecisionService(session, "tester").import_file(SEED_MAP)
        session.commit()
        again = DecisionService(session, "tester").import_file(SEED_MAP)
        session.commit()
        assert (first.added, first.updated) == (_entries(session), 0)
        assert (again.added, again.updated, again.unchanged) == (0, 0, first.added)
        stored = DecisionService(session).thread_map(first.thread_id)
    assert stored is not None
    original = load_map(SEED_MAP)
    assert [q.id for q in stored.discussion.questions] == [q.id for q in original.questions]
    assert stored.discussion.argument("databases-not-root").attacks == (
        "restrict-nonlinear-to-root",
        "root-only-if-writeback",
    )
    assert stored.discussion.status_of("emulate-via-mremap") == original.status_of(
        "emulate-via-mremap"
    )


def test_export_wipe_and_import_gives_the_same_map(
    sessions: sessionmaker[Session], new_store_url: Callable[..., str], tmp_path: Path
) -> None:
    with sessions() as session:
        loaded = DecisionService(session, "tester").import_file(SEED_MAP)
        session.commit()
        exported = DecisionService(session).export_yaml(loaded.thread_id)
    path = tmp_path / "seed-export.yaml"
    path.write_text(exported)
    wiped = open_store(new_store_url(migrated=True))
    import_messages(wiped, read_archive_text(SEED))
    with wiped() as session:
        DecisionService(session, "someone else").import_file(path)
        session.commit()
        assert DecisionService(session).export_yaml(loaded.thread_id) == exported

    def words(questions: object) -> list[tuple[str, str, list[str]]]:
        return [
            (p.id, p.title, [s.text for s in p.sources])
            for q in questions  # type: ignore[attr-defined]
            for p in q.proposals
        ]

    assert words(parse_map(exported, "x.yaml").questions) == words(load_map(SEED_MAP).questions)


def test_a_changed_file_updates_its_entries_and_replace_removes_the_rest(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    edited = tmp_path / "seed.yaml"
    edited.write_text(SEED_MAP.read_text().replace("Only root may create", "Root alone may create"))
    with sessions() as session:
        service = DecisionService(session, "tester")
        thread_id = service.import_file(SEED_MAP).thread_id
        service.add_proposal(
            thread_id,
            "402a071ac31e",
            "I think we need to restrict nonlinear mappings to root",
            question="restrict-nonlinear",
        )
        update = service.import_file(edited)
        assert (update.added, update.updated) == (0, 1)
        kept = _entries(session)
        replaced = service.import_file(edited, replace=True)
        assert replaced.removed == 1 and _entries(session) == kept - 1


def test_a_file_quoting_words_not_in_the_thread_fails_naming_the_entry(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(SEED_MAP.read_text().replace("Please not root.", "Please never root."))
    with sessions() as session, pytest.raises(MapError, match=r"broken.yaml: please-not-root: "):
        DecisionService(session, "tester").import_file(broken)


def test_recording_checks_the_quote_is_the_messages_own_words(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        service = DecisionService(session, "tester")
        thread_id = service.import_file(SEED_MAP).thread_id
        with pytest.raises(DecisionError, match="the quote is not in <402a071ac31e>"):
            service.add_proposal(thread_id, "402a071ac31e", "words nobody wrote", question="q")
        slug = service.add_proposal(
            thread_id,
            "402a071ac31e",
            "I think we need to restrict\n   nonlinear mappings to root",
            question="What should root be allowed?",
            topic="A new topic",
        )
        stored = service.thread_map(thread_id)
        assert stored is not None
        proposal = stored.discussion.proposal(slug)
        question = stored.discussion.question(proposal.question_id)
        assert question.title == "What should root be allowed?"
        assert stored.discussion.topics[-1].title == "A new topic"
        assert proposal.sources[0].by == "Nick Piggin"
        assert proposal.recorded is not None and proposal.recorded.by == "tester"


def test_undo_takes_back_one_whole_action(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        service = DecisionService(session, "tester")
        thread_id = service.import_file(SEED_MAP).thread_id
        before = _entries(session)
        slug = service.add_proposal(
            thread_id,
            "402a071ac31e",
            "I think we need to restrict nonlinear mappings to root",
            question="A question nobody asked yet",
            topic="A topic nobody named yet",
        )
        assert _entries(session) == before + 3  # the proposal, its question and its topic
        service.set_status(
            slug,
            Status.REJECTED,
            evidence_quote=("b85dc68ab40d", "But if we restrict it to root only"),
        )
        assert _entries(session) == before + 4
        undone = service.undo(thread_id)
        assert undone.action == "set rejected" and _entries(session) == before + 3
        assert service.thread_map(thread_id).discussion.status_of(slug) is None  # type: ignore[union-attr]
        service.undo(thread_id)
        assert _entries(session) == before
        assert session.scalar(select(func.count()).where(MapChange.undone)) == 5


def test_removing_an_entry_takes_out_the_references_to_it(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        service = DecisionService(session, "tester")
        thread_id = service.import_file(SEED_MAP).thread_id
        with pytest.raises(DecisionError, match="'databases-not-root' is needed by"):
            service.remove("databases-not-root")  # a reply attacks it, and nothing else
        gone = service.remove("databases-not-root", cascade=True)  # evidence of decisions too
        assert gone == ["databases-not-root", "databases-use-tmpfs", "databases-feed-direct-io"]
        stored = service.thread_map(thread_id)
        assert stored is not None
        status = stored.discussion.status_of("restrict-nonlinear-to-root")
        assert status is not None and "databases-not-root" not in status.evidence
        service.undo(thread_id)
        restored = service.thread_map(thread_id)
        assert restored is not None
        status = restored.discussion.status_of("restrict-nonlinear-to-root")
        assert status is not None and "databases-not-root" in status.evidence


def test_accepted_candidates_become_entries_whose_quotes_load_back(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions() as session:
        decisions = DecisionService(session, "curator")
        candidates = CandidateService(session, decisions)
        assert candidates.refresh(1) > 20
        found = candidates.of_thread(1)
        proposals = [c.id for c in found if c.kind == "proposal"][:3]
        made = candidates.accept(1, proposals, question="What does the thread propose?")
        others = [c.id for c in found if c.kind in ("objection", "support")][:4]
        made += candidates.accept(1, others, target=made[0])
        assert all(c.state == "accepted" for c in candidates.of_thread(1, "accepted"))
        exported = decisions.export_yaml(1)
        session.rollback()
    path = tmp_path / "accepted.yaml"
    path.write_text(exported)
    discussion = locate_quotes(
        load_map(path), [thread_message_of(m) for m in read_archive_text(SEED)]
    )
    assert len(list(discussion.proposals())) == 3 and len(discussion.arguments) == 4
