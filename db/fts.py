"""SQLite FTS5 indexes over messages, as SQLAlchemy expressions (the UI's and the reference's).

`messages_fts` indexes subjects and bodies by word, for search, keyed by `messages.date_rank`
(date order). `messages_subject_trigram` indexes subjects by trigram (rowid = messages.id), so
that a substring of a subject (the thread list's filter) is found without reading every subject.
Both are external-content FTS5 tables kept in step by triggers, so every writer keeps them
right (an import fills them a batch at a time instead: see migration 0008 and
`db/sqlite_sql.py`, which also holds the SQL the hot paths run). Other dialects have no index
here; `db/search.py` falls back to LIKE for them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, literal_column, select, text

from threadlore.db.sqlite_sql import FTS_TABLE, PAUSE_TABLE, SUBJECT_TRIGRAMS, fts_phrase

__all__ = ["FTS_TABLE", "SUBJECT_TRIGRAMS", "fts_phrase"]

# SQLite-only parts of `messages` that the models do not describe (migration 0008)
DATE_RANK = "date_rank"
DATE_RANK_INDEX = "ix_messages_date_rank"


def is_fts_table(name: str) -> bool:
    """True for the FTS5 tables, their shadow tables and the import's pause flag, which the
    models do not describe."""
    return name == PAUSE_TABLE or any(
        name == table or name.startswith(f"{table}_") for table in (FTS_TABLE, SUBJECT_TRIGRAMS)
    )


def is_sqlite_only(name: str, kind: str) -> bool:
    """True for the date order's column and index, which the models do not describe."""
    return (kind == "column" and name == DATE_RANK) or (kind == "index" and name == DATE_RANK_INDEX)


def matching_rowids(match: str) -> ColumnElement[bool]:
    """`messages` rows whose text matches (the index is keyed by `date_rank`), with `match`
    bound as a parameter."""
    rowids: Select[tuple[Any]] = (
        select(literal_column("rowid"))
        .select_from(text(FTS_TABLE))
        .where(literal_column(FTS_TABLE).op("MATCH")(match))
    )
    return literal_column(f"messages.{DATE_RANK}").in_(rowids) if match else false()
