"""PostgreSQL specifics: URLs reach psycopg 3, search finds what SQLite finds, writers race."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.engine import open_store, store_url
from threadlore.db.ingest import import_messages
from threadlore.db.models.messages import Message
from threadlore.db.postgres_sql import POSTGRESQL
from threadlore.db.queries import search_messages
from threadlore.db.query_language import parse_query
from threadlore.db.search_sql import Compiled
from threadlore.db.snippets import search_matches, text_terms
from threadlore.importers.archive_text import read_archive_text
from threadlore.importers.records import ParsedMessage

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"
Store = sessionmaker[Session]
PostgresDatabases = Any  # tests/conftest.py

SEED_QUERIES = (
    "page_mkclean",
    "truncate",
    "truncated",
    "locking",
    "s:truncate",
    "b:truncate",
    's:"fault vs truncate" OR b:nopage_mkwrite',
    "mm/memory.c",
    "do_no_page()",
    "f:miklos page_mkclean",
    "NOT truncate",
    "invalidate -truncate",
    "(fault OR nopage) AND lock_page",
    '"the page lock"',
    "d:2007-03 invalidate",
    "writes",
    "2.6.20",
    "Nick's",
    "_",
)


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@/threadlore?host=/run/pg", "postgresql+psycopg"),
        ("postgres://u:pw@db.example:5433/tl", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db/tl", "postgresql+psycopg"),
        ("sqlite:///store.sqlite", "sqlite"),
    ],
)
def test_store_urls_reach_psycopg_3(given: str, driver: str) -> None:
    url = store_url(given)
    assert url.drivername == driver
    assert url.database == make_url(given).database


def _message_ids(store: Store, query: str) -> list[str]:
    with store() as session:
        return [m.id for m in search_messages(session, query, limit=1000)]


@pytest.fixture(scope="module")
def seed_on_both(
    postgres_databases: PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, Store]:
    """The seed imported into a SQLite store and into a PostgreSQL store."""
    sqlite = open_store(f"sqlite:///{tmp_path_factory.mktemp('parity') / 'store.sqlite'}")
    postgres = open_store(postgres_databases.new(migrated=True))
    for store in (sqlite, postgres):
        assert import_messages(store, read_archive_text(SEED)).added == 99
    return sqlite, postgres


@pytest.mark.parametrize("query", SEED_QUERIES)
def test_search_finds_the_same_messages_on_both_engines(
    seed_on_both: tuple[Store, Store], query: str
) -> None:
    sqlite, postgres = seed_on_both
    assert _message_ids(postgres, query) == _message_ids(sqlite, query)


@pytest.mark.parametrize("query", SEED_QUERIES)
def test_search_marks_the_same_words_on_both_engines(
    seed_on_both: tuple[Store, Store], query: str
) -> None:
    """FTS5's highlight() and ts_headline() asked word by word, phrases put together alike."""
    sqlite, postgres = seed_on_both
    hits = _message_ids(sqlite, query)[:50]
    found = []
    for store in (sqlite, postgres):
        with store() as session:
            found.append(search_matches(session, query, hits))
    assert found[1] == found[0]
    marked = any(m.subject or m.body for m in found[0].values())
    assert marked == bool(hits and text_terms(query))


def test_the_seed_queries_are_not_all_empty(seed_on_both: tuple[Store, Store]) -> None:
    found = [q for q in SEED_QUERIES if _message_ids(seed_on_both[1], q)]
    assert len(found) >= len(SEED_QUERIES) - 3


def test_text_search_uses_the_gin_indexes(postgres_databases: PostgresDatabases) -> None:
    store = open_store(postgres_databases.new(migrated=True))
    with store() as session:
        session.execute(text("SET enable_seqscan = off"))
        compiled = Compiled(POSTGRESQL)  # the condition `threadlore search` runs
        condition = compiled.condition(parse_query("b:truncate"))
        query = text(f"EXPLAIN SELECT m.id FROM messages AS m WHERE {condition}")
        plan = session.execute(query, compiled.params).scalars().all()
    assert any("ix_messages_body_words" in line for line in plan), plan


def _thread_of_replies(make: Callable[..., ParsedMessage], count: int) -> list[ParsedMessage]:
    root = make("root@example.org", subject="a long thread")
    replies = [
        make(
            f"reply-{n}@example.org",
            in_reply_to="root@example.org",
            references=["root@example.org"],
        )
        for n in range(count)
    ]
    return [root, *replies]


def test_concurrent_imports_of_overlapping_inputs_store_each_message_once(
    postgres_databases: PostgresDatabases, make_message: Callable[..., ParsedMessage]
) -> None:
    messages = _thread_of_replies(make_message, 300)
    store = open_store(postgres_databases.new(migrated=True))
    halves = [messages[:200], messages[100:], messages[::-1]]
    with ThreadPoolExecutor(len(halves)) as pool:
        reports = list(pool.map(lambda part: import_messages(store, part, batch_size=20), halves))
    with store() as session:
        stored = session.execute(select(Message.message_id, Message.placeholder)).all()
    assert sorted(m for m, placeholder in stored if not placeholder) == sorted(
        m.message_id for m in messages
    )
    assert len(stored) == len(messages)
    assert [r.errors for r in reports] == [[], [], []]
    # A message both stored at once (a placeholder both filled) may count as added twice.
    assert sum(r.added + r.unchanged for r in reports) == sum(len(part) for part in halves)


def test_stores_opened_at_once_on_a_new_database_migrate_once(
    postgres_databases: PostgresDatabases,
) -> None:
    url = postgres_databases.new()
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(open_store, [url] * 4))
    with stores[0]() as session:
        assert session.execute(select(func.count()).select_from(Message)).scalar_one() == 0
