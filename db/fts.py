"""SQLite FTS5 full-text index over message subjects and bodies: the only SQLite-only SQL.

The index is an external-content FTS5 table (`messages_fts`, rowid = messages.id) kept in step by
triggers, so every writer (ingest, a later migration, a manual fix) keeps it right. Other
dialects have no index here; `db/search.py` falls back to LIKE for them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, false, literal_column, select, text

from db.models.messages import Message

FTS_TABLE = "messages_fts"

CREATE_STATEMENTS = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(subject, body, content='messages', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, subject, body) VALUES (new.id, new.subject, new.body); END",
    f"CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, subject, body) "
    "VALUES ('delete', old.id, old.subject, old.body); END",
    f"CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, body ON messages BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, subject, body) "
    "VALUES ('delete', old.id, old.subject, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, subject, body) VALUES (new.id, new.subject, new.body); END",
)

DROP_STATEMENTS = (
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def is_fts_table(name: str) -> bool:
    """True for the FTS5 table and its shadow tables, which the models do not describe."""
    return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")


def create_index(connection: Connection) -> None:
    """Create the index and its triggers (SQLite only; a no-op elsewhere), then fill it."""
    if connection.dialect.name != "sqlite":
        return
    for statement in CREATE_STATEMENTS:
        connection.execute(text(statement))
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))


def drop_index(connection: Connection) -> None:
    """Drop the index and its triggers (SQLite only)."""
    if connection.dialect.name != "sqlite":
        return
    for statement in DROP_STATEMENTS:
        connection.execute(text(statement))


def fts_phrase(words: str) -> str:
    """A string FTS5 reads as one phrase, whatever quotes or operators `words` contains."""
    return '"' + words.replace('"', '""') + '"'


def matching_rowids(match: str) -> ColumnElement[bool]:
    """`messages.id IN (rows whose text matches)`, with `match` bound as a parameter."""
    rowids: Select[tuple[Any]] = (
        select(literal_column("rowid"))
        .select_from(text(FTS_TABLE))
        .where(literal_column(FTS_TABLE).op("MATCH")(match))
    )
    return Message.id.in_(rowids) if match else false()
