"""PostgreSQL full-text search over message subjects and bodies: tsvector GIN indexes.

The index reads text the way SQLite's FTS5 `porter unicode61` tokenizer does, so a query finds
the same messages on both engines: every run of characters that are not letters or digits
separates words (`page_mkclean` is `page mkclean`, `mm/memory.c` is `mm memory c`), words are
lower-cased and stemmed (Snowball English, no stop words), and a search term is a phrase.

Each message keeps its words in two stored generated columns (`subject_words`, `body_words`,
PostgreSQL only, so not in the models), each with a GIN index: a selective query reads the index,
and a query matching most messages scans the stored words instead of re-reading every body.
Migration 0001 creates them (`threadlore_words` and `threadlore_phrase`, the reading as SQL
functions); `db/postgres_sql.py` holds the SQL the hot paths run.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, literal_column, or_

from threadlore.db.models.messages import Message
from threadlore.db.postgres_sql import INDEXED_CHARS, WORD_COLUMNS

__all__ = ["INDEXED_CHARS", "WORD_COLUMNS", "is_fts_object", "matching"]
INDEXES = frozenset({"ix_messages_subject_words", "ix_messages_body_words"})


def is_fts_object(name: str, kind: str) -> bool:
    """True for the word columns and their indexes, which the models do not describe."""
    return (kind == "column" and name in WORD_COLUMNS.values()) or (
        kind == "index" and name in INDEXES
    )


def matching(phrase: str, column: str | None) -> ColumnElement[bool]:
    """Messages whose subject or body (or only `column`) holds `phrase`, bound as a parameter."""
    names = list(WORD_COLUMNS) if column is None else [column]
    table = Message.__tablename__
    query = func.threadlore_phrase(phrase)
    return or_(*(literal_column(f"{table}.{WORD_COLUMNS[n]}").op("@@")(query) for n in names))
