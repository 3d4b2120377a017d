"""SQLite: a trigram index over subjects, for the thread list's filter (a substring of a subject)

Revision ID: 0004_subject_trigrams
Revises: 0003_thread_last_date
Create Date: 2026-11-30 10:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from threadlore.db.fts import create_subject_trigrams, drop_subject_trigrams

revision: str = "0004_subject_trigrams"
down_revision: str | None = "0003_thread_last_date"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_subject_trigrams(op.get_bind())


def downgrade() -> None:
    drop_subject_trigrams(op.get_bind())
