"""SQLite FTS5 indexes over messages: the only SQLite-only SQL.

`messages_fts` indexes subjects and bodies by word, for search. `messages_subject_trigram`
indexes subjects by trigram, so that a substring of a subject (the thread list's filter) is
found without reading every subject. Both are external-content FTS5 tables (rowid = messages.id)
kept in step by triggers, so every writer (ingest, a later migration, a manual fix) keeps them
right. Other dialects have no index here; `db/search.py` falls back to LIKE for them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, false, literal_column, select, text

from threadlore.db.models.messages import Message

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


SUBJECT_TRIGRAMS = "messages_subject_trigram"

CREATE_SUBJECT_TRIGRAM_STATEMENTS = (
    f"CREATE VIRTUAL TABLE {SUBJECT_TRIGRAMS} USING fts5(subject, content='messages', "
    "content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {SUBJECT_TRIGRAMS}_insert AFTER INSERT ON messages BEGIN "
    f"INSERT INTO {SUBJECT_TRIGRAMS}(rowid, subject) VALUES (new.id, new.subject); END",
    f"CREATE TRIGGER {SUBJECT_TRIGRAMS}_delete AFTER DELETE ON messages BEGIN "
    f"INSERT INTO {SUBJECT_TRIGRAMS}({SUBJECT_TRIGRAMS}, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); END",
    f"CREATE TRIGGER {SUBJECT_TRIGRAMS}_update AFTER UPDATE OF subject ON messages BEGIN "
    f"INSERT INTO {SUBJECT_TRIGRAMS}({SUBJECT_TRIGRAMS}, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); "
    f"INSERT INTO {SUBJECT_TRIGRAMS}(rowid, subject) VALUES (new.id, new.subject); END",
)

DROP_SUBJECT_TRIGRAM_STATEMENTS = (
    f"DROP TRIGGER IF EXISTS {SUBJECT_TRIGRAMS}_update",
    f"DROP TRIGGER IF EXISTS {SUBJECT_TRIGRAMS}_delete",
    f"DROP TRIGGER IF EXISTS {SUBJECT_TRIGRAMS}_insert",
    f"DROP TABLE IF EXISTS {SUBJECT_TRIGRAMS}",
)


def is_fts_table(name: str) -> bool:
    """True for the FTS5 tables and their shadow tables, which the models do not describe."""
    return any(
        name == table or name.startswith(f"{table}_") for table in (FTS_TABLE, SUBJECT_TRIGRAMS)
    )


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


def create_subject_trigrams(connection: Connection) -> None:
    """Create the subjects' trigram index and its triggers (SQLite only), then fill it."""
    if connection.dialect.name != "sqlite":
        return
    for statement in CREATE_SUBJECT_TRIGRAM_STATEMENTS:
        connection.execute(text(statement))
    connection.execute(
        text(f"INSERT INTO {SUBJECT_TRIGRAMS}({SUBJECT_TRIGRAMS}) VALUES ('rebuild')")
    )


def drop_subject_trigrams(connection: Connection) -> None:
    """Drop the subjects' trigram index and its triggers (SQLite only)."""
    if connection.dialect.name != "sqlite":
        return
    for statement in DROP_SUBJECT_TRIGRAM_STATEMENTS:
        connection.execute(text(statement))


def subject_contains(fragment: str) -> ColumnElement[bool]:
    """`messages.id IN (rows whose subject contains fragment)`, case-insensitively (ASCII), as
    LIKE reads it, through the trigram index. LIKE has no escape here (an ESCAPE clause turns the
    index off), so a fragment with `%` or `_` must not come this way."""
    if "%" in fragment or "_" in fragment:
        raise ValueError(f"LIKE wildcards in a subject fragment: {fragment!r}")
    rowids: Select[tuple[Any]] = (
        select(literal_column("rowid"))
        .select_from(text(SUBJECT_TRIGRAMS))
        .where(literal_column("subject").like(f"%{fragment}%"))
    )
    return Message.id.in_(rowids)


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
