"""SQLite: the full-text indexes' update triggers wait while an import pauses them, as the insert
triggers do

Revision ID: 0013_fts_update_pause
Revises: 0012_people_counts
Create Date: 2026-12-12 10:00:00

An import fills a placeholder row (a message a reply named before it arrived) with an UPDATE.
`messages_fts_update` then indexed the new body inside that statement, while SQLite held the
body it was handed and the row it built from it: a 60 MB body filling a placeholder peaked at
4× its size above the base, where an inserted one stays at 3× (it is indexed by a statement of
its own, from the text in hand: `db/store_writes.py`). Both update triggers now skip rows while
`messages_fts_pause` has a row (0008), and the import indexes what it fills itself; an update it
leaves to the triggers (a re-date, a deletion that leaves a placeholder) lifts the pause around
it. No other connection ever sees the pause, so every other writer keeps the indexes as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013_fts_update_pause"
down_revision: str | None = "0012_people_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The SQL as this revision runs it, frozen: the triggers' bodies as 0008 and 0004 made them
_PAUSED = "NOT EXISTS (SELECT 1 FROM messages_fts_pause)"
_FTS_UPDATE = (
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, body, date_utc ON messages "
    "{when}BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, subject, body) "
    "VALUES ('delete', old.date_rank, old.subject, old.body); "
    "INSERT INTO messages_fts(rowid, subject, body) "
    "VALUES (new.date_rank, new.subject, new.body); END"
)
_TRIGRAM_UPDATE = (
    "CREATE TRIGGER messages_subject_trigram_update AFTER UPDATE OF subject ON messages "
    "{when}BEGIN "
    "INSERT INTO messages_subject_trigram(messages_subject_trigram, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); "
    "INSERT INTO messages_subject_trigram(rowid, subject) VALUES (new.id, new.subject); END"
)
_DROP = (
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_subject_trigram_update",
)


def _run(when: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in (*_DROP, _FTS_UPDATE.format(when=when), _TRIGRAM_UPDATE.format(when=when)):
            op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(f"WHEN {_PAUSED} ")


def downgrade() -> None:
    _run("")
