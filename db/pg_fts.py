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

A tsvector keeps exact positions only up to 16,383 (and 256 a word) and holds at most 1 MB, so
`body_words` reads a body's first 8 KB, and a longer body's further windows (8 KB every 6 KB,
a row each) are in `message_body_parts`, filled by triggers (migration 0009): a word anywhere
in a body is found, and a phrase of up to ~1,000 bytes wherever it stands.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    any_,
    distinct,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy import column as table_column

from threadlore.db.models.messages import Message
from threadlore.db.postgres_sql import BODY_PARTS, WORD_COLUMNS

__all__ = ["BODY_PARTS", "WORD_COLUMNS", "is_fts_object", "matching"]
INDEXES = frozenset(
    {"ix_messages_subject_words", "ix_messages_body_words", "ix_message_body_parts_words"}
)


def is_fts_object(name: str, kind: str) -> bool:
    """True for the word columns, the body parts' table and their indexes, which the models do
    not describe."""
    return (
        (kind == "column" and name in WORD_COLUMNS.values())
        or (kind == "index" and name in INDEXES)
        or (kind == "table" and name == BODY_PARTS)
    )


def matching(phrase: str, column: str | None) -> ColumnElement[bool]:
    """Messages whose subject or body (or only `column`) holds `phrase`, bound as a parameter."""
    names = list(WORD_COLUMNS) if column is None else [column]
    query = func.threadlore_phrase(phrase)
    words = Message.__tablename__
    tests: list[ColumnElement[bool]] = [
        literal_column(f"{words}.{WORD_COLUMNS[n]}").op("@@")(query) for n in names
    ]
    if "body" in names:
        parts = table(BODY_PARTS, table_column("message_id"), table_column("words"))
        found = select(func.array_agg(distinct(parts.c.message_id)))
        ids = found.where(parts.c.words.op("@@")(query)).scalar_subquery()
        # as `words_condition` writes it, for the same plan
        tests.append(Message.id == any_(func.coalesce(ids, literal_column("'{}'"))))
    return or_(*tests)
