"""The parts of the store's schema that migrations make by hand and the models do not describe,
for Alembic's comparison of the models with a store (`alembic check`) to pass over.

SQLite: the FTS5 tables (`db/sqlite_sql.py`) with their shadow tables and the import's pause
flag, and the date order's virtual column and its index (migration 0008). PostgreSQL: the stored
tsvector columns, the long bodies' windows and their GIN indexes (`db/postgres_sql.py`,
migrations 0001 and 0009).
"""

from __future__ import annotations

from threadlore.db.postgres_sql import BODY_PARTS, WORD_COLUMNS
from threadlore.db.sqlite_sql import FTS_TABLE, PAUSE_TABLE, SUBJECT_TRIGRAMS

_TABLES = frozenset({PAUSE_TABLE, BODY_PARTS})
_TABLE_FAMILIES = (FTS_TABLE, SUBJECT_TRIGRAMS)  # an FTS5 table and its `<name>_…` shadows
_COLUMNS = frozenset({"date_rank", *WORD_COLUMNS.values()})
_INDEXES = frozenset(
    {
        "ix_messages_date_rank",
        "ix_messages_subject_words",
        "ix_messages_body_words",
        "ix_message_body_parts_words",
    }
)


def is_unmodelled(name: str, kind: str) -> bool:
    """True for a table, column or index (`kind` as Alembic names it) made by hand."""
    if kind == "table":
        return name in _TABLES or any(
            name == family or name.startswith(f"{family}_") for family in _TABLE_FAMILIES
        )
    return (kind == "column" and name in _COLUMNS) or (kind == "index" and name in _INDEXES)
