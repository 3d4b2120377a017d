"""Threads keep the date of their newest message, indexed, so the newest threads are a lookup

Revision ID: 0003_thread_last_date
Revises: 0002_discussion
Create Date: 2026-11-30 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_thread_last_date"
down_revision: str | None = "0002_discussion"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the same statement db/ingest.py runs for the threads a batch touched
_BACKFILL = """
UPDATE threads SET last_date_utc = (
    SELECT max(messages.date_utc) FROM messages
    WHERE messages.thread_id = threads.id AND messages.placeholder = false
)
"""


def upgrade() -> None:
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_date_utc", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_threads_last_date_utc"), ["last_date_utc"])
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_threads_last_date_utc"))
        batch_op.drop_column("last_date_utc")
