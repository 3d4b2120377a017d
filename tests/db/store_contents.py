"""What a store holds, to compare two stores: every row of every table, and on SQLite what the
full-text indexes find; and the inputs and fixtures' types the comparing tests share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.base import Base
from threadlore.importers.records import ParsedMessage

Store = sessionmaker[Session]
NewStoreUrl = Callable[..., str]
MakeMessage = Callable[..., ParsedMessage]
REPOSITORY = Path(__file__).resolve().parents[2]
LISTS = REPOSITORY.parent / "shared" / "corpora" / "lists" / "threads"
SEED = REPOSITORY / "samples" / "lkml-2007-fault-vs-truncate.txt"


def store_rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table in primary-key order, but the time it was imported."""
    found = {}
    with store() as session:
        for name, table in Base.metadata.tables.items():
            columns = [c for c in table.c if c.name != "imported_at"]  # the clock's time
            rows = session.execute(select(*columns).order_by(*table.primary_key.columns))
            found[name] = [tuple(row) for row in rows]
    return found


def index_contents(store: Store) -> dict[str, list[int]]:
    """On SQLite, what the FTS5 indexes hold (checked whole first, and against the rows they
    index: a row indexed twice is found); elsewhere nothing."""
    with store() as session:
        if session.get_bind().dialect.name != "sqlite":
            return {}
        for table in ("messages_fts", "messages_subject_trigram"):
            check = f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"
            session.execute(text(check))
        found = {}
        for word in ("page", "lock", "the", "patch", "kernel", "mm", "subject"):
            rows = session.execute(
                text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :w ORDER BY rowid"),
                {"w": word},
            )
            found[word] = [row[0] for row in rows]
        rows = session.execute(
            text("SELECT rowid FROM messages_subject_trigram WHERE subject LIKE '%atch%'")
        )
        found["trigram"] = sorted(row[0] for row in rows)
        return found
