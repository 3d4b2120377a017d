"""Sources keep the clock their wall-clock dates were read on (archive text: `--archive-tz`)

Revision ID: 0006_source_clock
Revises: 0005_decision_store
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_source_clock"
down_revision: str | None = "0005_decision_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL: the default clock; the next import of the source records the one it reads on
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("clock")
