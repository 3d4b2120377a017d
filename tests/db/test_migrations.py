"""The schema comes from Alembic alone, and the models and migrations agree (`alembic check`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, select, text

from threadlore.db.engine import HEAD_REVISION, alembic_config, make_engine, open_store
from threadlore.db.models.decision_map import ExtractCandidate
from threadlore.db.sqlite_sql import FTS_TABLE
from threadlore.kb.decisions import DecisionService


def test_open_store_builds_every_table_and_the_search_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'store.sqlite'}"
    sessions = open_store(url)
    tables = set(inspect(sessions.kw["bind"]).get_table_names())
    assert {"messages", "people", "aliases", "threads", "patches", "inferences"} <= tables
    assert FTS_TABLE in tables
    assert "alembic_version" in tables


def test_the_head_revision_open_store_expects_is_alembics_head(tmp_path: Path) -> None:
    config = alembic_config(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]


@pytest.mark.parametrize("exists", [True, False], ids=["at head", "new (the snapshot)"])
def test_opening_a_store_does_not_import_alembic(tmp_path: Path, exists: bool) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    if exists:
        open_store(url)
    code = (
        "import sys\n"
        "from threadlore.db.engine import open_store\n"
        f"open_store({url!r})\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_models_match_migrations(store_url: str) -> None:
    open_store(store_url)
    command.check(alembic_config(store_url))  # raises if autogenerate would change anything


def test_downgrade_to_base_and_upgrade_again(store_url: str) -> None:
    config = alembic_config(store_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert set(inspect(make_engine(store_url)).get_table_names()) == {"alembic_version"}
    command.upgrade(config, "head")
    assert "messages" in inspect(make_engine(store_url)).get_table_names()


def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = make_engine(store_url)
    open_store(store_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def _rows_of_a_0002_map(connection: Connection) -> None:
    """One map as 0002 kept it: a topic, a question, two proposals (one decided), an argument."""
    thread = connection.execute(text("INSERT INTO threads DEFAULT VALUES RETURNING id")).scalar()
    for pk, key, minute in ((1, "root@x", 0), (2, "reply@x", 5)):
        connection.execute(
            text(
                "INSERT INTO messages (id, message_id, placeholder, synthetic, subject, "
                "author_name, date_utc, body, truncated, thread_id, series_inferred) VALUES "
                "(:pk, :key, false, false, 's', 'Ann', :date, 'we could do it. no way', false, "
                ":thread, false)"
            ),
            {"pk": pk, "key": key, "thread": thread, "date": f"2020-01-01 10:0{minute}:00"},
        )
    statements = [
        "INSERT INTO discussion_maps (id, thread_id, path, digest, title, first_by, first_date) "
        "VALUES (1, :thread, 'm.yaml', 'd', 'A thread', 'Ann', '2020-01-01 10:00')",
        "INSERT INTO discussion_people (map_id, position, name, aliases) VALUES (1, 0, 'Ann', 'a')",
        "INSERT INTO discussion_topics (id, map_id, position, slug, title, keywords) "
        "VALUES (1, 1, 0, 't', 'Topic', 'k1\nk2')",
        "INSERT INTO discussion_questions (id, map_id, topic_id, position, slug, title, keywords) "
        "VALUES (1, 1, 1, 0, 'q', 'Question?', '')",
        "INSERT INTO discussion_proposals (id, map_id, question_id, position, slug, title) "
        "VALUES (1, 1, 1, 0, 'p', 'Do it'), (2, 1, 1, 1, 'p2', 'Do the other')",
        "INSERT INTO discussion_policy_links (map_id, proposal_id, position, policy) "
        "VALUES (1, 1, 0, 'STATUS_QUO')",
        "INSERT INTO discussion_arguments (id, map_id, position, slug) VALUES (1, 1, 0, 'a')",
        "INSERT INTO discussion_argument_targets (map_id, argument_id, position, relation, "
        "proposal_id) VALUES (1, 1, 0, 'attacks', 1)",
        "INSERT INTO discussion_quotes (map_id, proposal_id, position, by_name, writer_name, "
        "date_text, text, message_id) VALUES (1, 1, 0, 'Ann', 'Ann', 'x', 'we could do it', 1)",
        "INSERT INTO discussion_quotes (map_id, argument_id, position, by_name, writer_name, "
        "date_text, text, message_id) VALUES (1, 1, 0, 'Ann', 'Ann', 'x', 'no way', 2)",
        "INSERT INTO discussion_decisions (id, map_id, proposal_id, status, summary, "
        "superseded_by_id) VALUES (1, 1, 1, 'superseded', 'Replaced', 2)",
        "INSERT INTO discussion_evidence (map_id, decision_id, position, argument_id) "
        "VALUES (1, 1, 0, 1)",
        "INSERT INTO discussion_later_events (map_id, decision_id, position, release) "
        "VALUES (1, 1, 0, '2.6.23')",
        'INSERT INTO discussion_candidates (thread_id, message_id, kind, "offset", cue, '
        "sentence, score, state) VALUES (:thread, 2, 'objection', 0, 'no way', 'no way', 3, "
        "'accepted')",
    ]
    for statement in statements:
        connection.execute(text(statement), {"thread": thread})


def test_0005_carries_a_0002_map_and_its_candidates_over(store_url: str) -> None:
    config = alembic_config(store_url)
    command.upgrade(config, "0004_subject_trigrams")
    engine = make_engine(store_url)
    with engine.begin() as connection:
        _rows_of_a_0002_map(connection)
    engine.dispose()
    command.upgrade(config, "head")
    with open_store(store_url)() as session:
        [stored] = DecisionService(session).maps()
        candidates = session.scalars(select(ExtractCandidate)).all()
    discussion = stored.discussion
    assert [t.keywords for t in discussion.topics] == [("k1", "k2")]
    assert [p.id for p in discussion.question("q").proposals] == ["p", "p2"]
    assert discussion.proposal("p").policy == "STATUS_QUO"
    assert discussion.argument("a").attacks == ("p",)
    assert discussion.argument("a").quote.message_id == "reply@x"
    status = discussion.status_of("p")
    assert status is not None and status.superseded_by == "p2"
    assert status.evidence == ("a",) and status.later[0].release == "2.6.23"
    assert [(c.kind, c.state, c.score) for c in candidates] == [("objection", "accepted", 0.3)]
