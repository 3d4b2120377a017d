"""The read commands' SQL (db/store_reads.py) against the SQLAlchemy reference (orm_reads.py).

On one store per engine — the seed (an archive page: inferred authors, placeholders), real lists
(patch series and their revisions), a generated archive read in shuffled order (threads merged),
and a correction — every thread list, tree, message and the people give identical views, and
names (thread numbers, message ids and their prefixes) resolve alike, errors included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import orm_reads
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_hot_sql import _inputs

from threadlore.db import queries, search_sql, store_reads
from threadlore.db.driver import StoreReader
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models import Correction, Message, Patch
from threadlore.db.thread_tree import TreeOrder
from threadlore.importers.detect import read_inputs
from threadlore.kb.corrections import CorrectedField, CorrectionService

Store = sessionmaker[Session]
FILTERS = [
    None,
    "patch",
    "[PATCH v2",
    "LOCK THE PAGE",
    "1/2",
    "fa",
    "re:",
    "miklos",
    "nick",
    "a_b%",
    "100%",
    "nothing",
]
PAGES = [(None, 0), (5, 0), (3, 4), (None, 2)]


@pytest.fixture(scope="module")
def store(new_store_url: Callable[..., str], tmp_path_factory: pytest.TempPathFactory) -> Store:
    sessions = open_store(new_store_url(migrated=True))
    import_messages(sessions, read_inputs(_inputs(tmp_path_factory.mktemp("inputs"))))
    with sessions() as session:
        inferred = session.scalars(
            select(Message.message_id).where(Message.synthetic.is_(True)).order_by(Message.id)
        ).all()
        corrections = CorrectionService(session, "reader")
        corrections.correct(inferred[5], CorrectedField.AUTHOR, "Andrew Morton <akpm@osdl.org>")
        corrections.correct(inferred[9], CorrectedField.AUTHOR, "Hugh Dickins <hugh@veritas.com>")
        corrections.undo(inferred[9])
        session.commit()
    return sessions


def _same(session: Session, name: str, *args: object, **kwargs: object) -> object:
    """The SQL's answer, checked equal to the reference's (an error must be the same too)."""
    try:
        expected: object = getattr(orm_reads, name)(session, *args, **kwargs)
    except LookupError as exc:
        with pytest.raises(type(exc), match="^" + str(exc).replace("(", r"\(").replace(")", r"\)")):
            getattr(queries, name)(session, *args, **kwargs)
        return None
    assert getattr(queries, name)(session, *args, **kwargs) == expected, (name, args, kwargs)
    return expected


def test_thread_lists_are_the_references(store: Store) -> None:
    with store() as session:
        listed = _same(session, "list_threads")
        assert isinstance(listed, list) and len(listed) > 20
        for filter_text in FILTERS:
            _same(session, "count_threads", filter_text=filter_text)
            for limit, offset in PAGES:
                _same(session, "list_threads", filter_text=filter_text, limit=limit, offset=offset)


def test_trees_are_the_references(store: Store) -> None:
    with store() as session:
        threads = [t.id for t in queries.list_threads(session)]
        for thread in threads:
            for order in TreeOrder:
                _same(session, "thread_tree", thread, order)
        _same(session, "thread_tree", max(threads) + 1)


def test_messages_are_the_references(store: Store) -> None:
    with store() as session:
        ids = session.scalars(select(Message.message_id).order_by(Message.id)).all()
        patched = set(session.scalars(select(Message.message_id).join(Patch)))
        corrected = set(session.scalars(select(Message.message_id).join(Correction)))
        views = [
            _same(session, "get_message", message_id)
            for i, message_id in enumerate(ids)
            if i % 3 == 0 or message_id in patched | corrected
        ]
        assert any(v.patches and (v.patches[0].revises or v.patches[0].revised_by) for v in views)  # type: ignore[union-attr]
        assert any(v.corrections for v in views)  # type: ignore[union-attr]
        assert any(v.inferences for v in views)  # type: ignore[union-attr]
        # another message's correction leaves an inferred author's confidence shown
        assert any(v.summary.author_confidence for v in views)  # type: ignore[union-attr]


def test_names_resolve_as_the_reference_resolves_them(store: Store) -> None:
    with store() as session:
        ids = session.scalars(select(Message.message_id).order_by(Message.id)).all()
        refs = ["1", "2", "999999", "9" * 30, "", " <x> ", "%", "_", "2007", "<" + ids[0] + ">"]
        refs += [i[:n] for i in ids[::40] for n in (3, 8, len(i))]
        for ref in refs:
            _same(session, "resolve_thread", ref)
            _same(session, "message_pk", ref)


def test_people_are_the_references(store: Store) -> None:
    with store() as session:
        people = _same(session, "list_people")
        assert isinstance(people, list) and any(p.is_list for p in people)


def _plans(reader: StoreReader, read: Callable[[StoreReader], object]) -> list[str]:
    """The plan of every statement `read` runs, a line a step (SQLite's EXPLAIN QUERY PLAN;
    PostgreSQL's EXPLAIN with the scans of a table's rows priced out, as on a large store, so
    that an index that holds all a statement reads shows as an Index Only Scan)."""
    ran: list[tuple[str, dict[str, Any]]] = []
    rows = reader.rows

    def recorded(statement: str, params: dict[str, Any]) -> list[Sequence[Any]]:
        ran.append((statement, params))
        return rows(statement, params)

    reader.rows = recorded  # type: ignore[method-assign]
    read(reader)
    if reader.sql.name == "sqlite":
        explain, step = "EXPLAIN QUERY PLAN ", 3
    else:
        for scan in ("seqscan", "bitmapscan"):
            reader.raw.execute(f"SET LOCAL enable_{scan} = off")
        explain, step = "EXPLAIN ", 0
    return [str(line[step]) for s, p in ran for line in reader.raw.execute(explain + s, p)]


def test_people_are_listed_without_reading_every_message(store: Store) -> None:
    """The counts are the person's row's (migration 0012); the first and last dates are read in
    the author index, never from the table's rows; recipients are not read at all (on 100,000
    messages reading the rows took 470 ms, counting the index entries 75)."""
    with store() as session:
        plan = _plans(StoreReader.of_session(session), store_reads.list_people)
    sqlite = session.get_bind().dialect.name == "sqlite"
    reads = (
        r"^(SCAN|SEARCH) (messages|recipients)\b"
        if sqlite
        else r"Scan .*\bon (messages|recipients)\b"
    )
    tables = [line for line in plan if re.search(reads, line.strip(" ->"))]
    covered = "USING COVERING INDEX" if sqlite else "Index Only Scan"
    assert tables and all(covered in line for line in tables), plan
    assert all("ix_messages_author_dates" in line for line in tables), plan


def test_a_search_by_sender_finds_its_messages_in_the_author_index(store: Store) -> None:
    """`f:NAME` reads a sender's messages through the index that also holds `placeholder` and
    the date (migration 0011): with the author alone indexed, each was read from the table to be
    checked and sorted (30 ms for a sender of 7,198 of 100,000 messages, 12.7 ms now)."""
    with store() as session:
        reader = StoreReader.of_session(session)
        found = search_sql.page_ids(reader, "f:miklos", limit=50)
        plan = _plans(reader, lambda r: search_sql.page_ids(r, "f:miklos", limit=50))
    assert found, "the seed has messages from Miklos"
    sqlite = session.get_bind().dialect.name == "sqlite"
    reads = r"^(SCAN|SEARCH) m\b" if sqlite else r"Scan .*\bon messages\b"
    tables = [line for line in plan if re.search(reads, line.strip(" ->"))]
    assert tables and all("ix_messages_author_dates" in line for line in tables), plan


def test_the_subject_index_filters_as_a_scan_of_every_subject_does(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store() as session:
        indexed = {f: queries.list_threads(session, filter_text=f) for f in FILTERS}
        monkeypatch.setattr(
            orm_reads, "subject_contains", lambda text: orm_reads._contains(Message.subject, text)
        )
        for filter_text, listed in indexed.items():
            assert listed == orm_reads.list_threads(session, filter_text=filter_text)
