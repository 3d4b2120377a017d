"""SQLite: the full-text index keyed by date, so the newest page of a search reads only its tail

Revision ID: 0008_search_by_date
Revises: 0007_read_positions
Create Date: 2026-12-08 10:00:00

`messages.date_rank` (SQLite only, a virtual generated column with a unique index) orders
messages newest last as searches list them: by date, undated ones first, then by id. FTS5 lists
its matches in rowid order, so with date_rank as the index's rowid, "the newest 50 matches" is
the last 50 rowids of the match list: read backwards, without reading every match. Its bits:
seconds since 1900 (clamped to 1900–2988) + 1 above the low 28 bits of the id, 0 for a message
without a date. Unique while ids stay below 2^28 (268 million messages).

The insert triggers of both FTS5 tables now skip rows while `messages_fts_pause` has a row: an
import adds one inside its transaction, indexes each batch in one INSERT … SELECT (three times
cheaper than a trigger a row), and removes it before committing, so no other connection ever
sees it and every other writer keeps the indexes right as before. The update trigger follows
date changes too, since they move a message's rowid in the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_search_by_date"
down_revision: str | None = "0007_read_positions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID_BITS = 28
_ID_MASK = (1 << _ID_BITS) - 1
_SINCE_1900 = 2_208_988_800  # seconds from 1900-01-01 to 1970-01-01
_LAST_SECOND = (1 << (63 - _ID_BITS)) - 2  # the clamped seconds, before the +1
DATE_RANK = (
    f"CASE WHEN date_utc IS NULL THEN (id & {_ID_MASK}) "
    f"ELSE (((min(max(coalesce(CAST(strftime('%s', date_utc) AS INTEGER), 0) + {_SINCE_1900}, 0), "
    f"{_LAST_SECOND}) + 1) << {_ID_BITS}) | (id & {_ID_MASK})) END"
)

_PAUSED = "NOT EXISTS (SELECT 1 FROM messages_fts_pause)"
_UPGRADE = (
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TABLE IF EXISTS messages_fts",
    "DROP TRIGGER IF EXISTS messages_subject_trigram_insert",
    f"ALTER TABLE messages ADD COLUMN date_rank INTEGER GENERATED ALWAYS AS ({DATE_RANK}) VIRTUAL",
    "CREATE UNIQUE INDEX ix_messages_date_rank ON messages (date_rank)",
    "CREATE TABLE messages_fts_pause (paused INTEGER NOT NULL)",
    "CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body, content='messages', "
    "content_rowid='date_rank', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN {_PAUSED} BEGIN "
    "INSERT INTO messages_fts(rowid, subject, body) "
    "VALUES (new.date_rank, new.subject, new.body); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, subject, body) "
    "VALUES ('delete', old.date_rank, old.subject, old.body); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, body, date_utc ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, subject, body) "
    "VALUES ('delete', old.date_rank, old.subject, old.body); "
    "INSERT INTO messages_fts(rowid, subject, body) "
    "VALUES (new.date_rank, new.subject, new.body); END",
    f"CREATE TRIGGER messages_subject_trigram_insert AFTER INSERT ON messages WHEN {_PAUSED} "
    "BEGIN INSERT INTO messages_subject_trigram(rowid, subject) VALUES (new.id, new.subject); END",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
)

_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS messages_subject_trigram_insert",
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TABLE IF EXISTS messages_fts",
    "DROP TABLE IF EXISTS messages_fts_pause",
    "DROP INDEX IF EXISTS ix_messages_date_rank",
    "ALTER TABLE messages DROP COLUMN date_rank",
    # as 0001 and 0004 made them
    "CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body, content='messages', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, subject, body) VALUES (new.id, new.subject, new.body); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, subject, body) "
    "VALUES ('delete', old.id, old.subject, old.body); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, body ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, subject, body) "
    "VALUES ('delete', old.id, old.subject, old.body); "
    "INSERT INTO messages_fts(rowid, subject, body) VALUES (new.id, new.subject, new.body); END",
    "CREATE TRIGGER messages_subject_trigram_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_subject_trigram(rowid, subject) VALUES (new.id, new.subject); END",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
)


def _run(statements: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in statements:
            op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(_UPGRADE)


def downgrade() -> None:
    _run(_DOWNGRADE)
