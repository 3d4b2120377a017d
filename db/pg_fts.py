"""PostgreSQL full-text search over message subjects and bodies: tsvector GIN indexes.

The index reads text the way SQLite's FTS5 `porter unicode61` tokenizer does, so a query finds
the same messages on both engines: every run of characters that are not letters or digits
separates words (`page_mkclean` is `page mkclean`, `mm/memory.c` is `mm memory c`), words are
lower-cased and stemmed (Snowball English, no stop words), and a search term is a phrase.

Each message keeps its words in two stored generated columns (`subject_words`, `body_words`,
PostgreSQL only, so not in the models), each with a GIN index: a selective query reads the index,
and a query matching most messages scans the stored words instead of re-reading every body.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, func, literal_column, or_

from threadlore.db.models.messages import Message

# tsvector values are limited to 1 MB; an indexed text longer than this is searched in its start.
INDEXED_CHARS = 262_144

CREATE_STATEMENTS = (
    "CREATE TEXT SEARCH DICTIONARY threadlore_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION threadlore (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION threadlore "
    "ALTER MAPPING FOR asciiword, word WITH threadlore_stem",
    "CREATE FUNCTION threadlore_words(text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT to_tsvector('threadlore'::regconfig, "
    f"regexp_replace(left($1, {INDEXED_CHARS}), '[^[:alnum:]]+', ' ', 'g')) $$",
    "CREATE FUNCTION threadlore_phrase(text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT phraseto_tsquery('threadlore'::regconfig, "
    "regexp_replace($1, '[^[:alnum:]]+', ' ', 'g')) $$",
    "ALTER TABLE messages ADD COLUMN subject_words tsvector "
    "GENERATED ALWAYS AS (threadlore_words(subject)) STORED",
    "ALTER TABLE messages ADD COLUMN body_words tsvector "
    "GENERATED ALWAYS AS (threadlore_words(body)) STORED",
    "CREATE INDEX ix_messages_subject_words ON messages USING gin (subject_words)",
    "CREATE INDEX ix_messages_body_words ON messages USING gin (body_words)",
)

DROP_STATEMENTS = (
    "DROP INDEX IF EXISTS ix_messages_body_words",
    "DROP INDEX IF EXISTS ix_messages_subject_words",
    "ALTER TABLE messages DROP COLUMN IF EXISTS body_words",
    "ALTER TABLE messages DROP COLUMN IF EXISTS subject_words",
    "DROP FUNCTION IF EXISTS threadlore_phrase(text)",
    "DROP FUNCTION IF EXISTS threadlore_words(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS threadlore",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS threadlore_stem",
)

# The stored words of each searchable column of `messages`.
WORD_COLUMNS = {"subject": "subject_words", "body": "body_words"}
INDEXES = frozenset({"ix_messages_subject_words", "ix_messages_body_words"})


def is_fts_object(name: str, kind: str) -> bool:
    """True for the word columns and their indexes, which the models do not describe."""
    return (kind == "column" and name in WORD_COLUMNS.values()) or (
        kind == "index" and name in INDEXES
    )


def create_index(connection: Connection) -> None:
    """Create the text search configuration, functions and indexes (PostgreSQL only)."""
    if connection.dialect.name != "postgresql":
        return
    for statement in CREATE_STATEMENTS:
        connection.exec_driver_sql(statement)


def drop_index(connection: Connection) -> None:
    """Drop what create_index made (PostgreSQL only)."""
    if connection.dialect.name != "postgresql":
        return
    for statement in DROP_STATEMENTS:
        connection.exec_driver_sql(statement)


def matching(phrase: str, column: str | None) -> ColumnElement[bool]:
    """Messages whose subject or body (or only `column`) holds `phrase`, bound as a parameter."""
    names = list(WORD_COLUMNS) if column is None else [column]
    table = Message.__tablename__
    query = func.threadlore_phrase(phrase)
    return or_(*(literal_column(f"{table}.{WORD_COLUMNS[n]}").op("@@")(query) for n in names))
