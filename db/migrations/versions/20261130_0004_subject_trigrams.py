"""SQLite: a trigram index over subjects, for the thread list's filter (a substring of a subject)

Revision ID: 0004_subject_trigrams
Revises: 0003_thread_last_date
Create Date: 2026-11-30 10:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_subject_trigrams"
down_revision: str | None = "0003_thread_last_date"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The SQL as this revision ran it, frozen (0008 changes the triggers)
_CREATE = (
    "CREATE VIRTUAL TABLE messages_subject_trigram USING fts5(subject, content='messages', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER messages_subject_trigram_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_subject_trigram(rowid, subject) VALUES (new.id, new.subject); END",
    "CREATE TRIGGER messages_subject_trigram_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_subject_trigram(messages_subject_trigram, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); END",
    "CREATE TRIGGER messages_subject_trigram_update AFTER UPDATE OF subject ON messages BEGIN "
    "INSERT INTO messages_subject_trigram(messages_subject_trigram, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); "
    "INSERT INTO messages_subject_trigram(rowid, subject) VALUES (new.id, new.subject); END",
    "INSERT INTO messages_subject_trigram(messages_subject_trigram) VALUES ('rebuild')",
)
_DROP = (
    "DROP TRIGGER IF EXISTS messages_subject_trigram_update",
    "DROP TRIGGER IF EXISTS messages_subject_trigram_delete",
    "DROP TRIGGER IF EXISTS messages_subject_trigram_insert",
    "DROP TABLE IF EXISTS messages_subject_trigram",
)


def _run(statements: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in statements:
            op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(_CREATE)


def downgrade() -> None:
    _run(_DROP)
