"""Five indexes that lead a unique key's columns are dropped: the unique key serves their lookups

Revision ID: 0015_redundant_indexes
Revises: 0014_bounded_patch_keys
Create Date: 2026-12-14 10:00:00

`message_references.message_id` had an index of its own beside the unique key (message_id,
position), which finds the same rows; every reference an import stores paid for both (33,000
rows per 10,000 messages). Likewise patches (message_id), patch_revisions (earlier_id),
map_entries (map_id) and extract_candidates (message_id).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015_redundant_indexes"
down_revision: str | None = "0014_bounded_patch_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (  # (table, column): each index is named ix_<table>_<column>
    ("message_references", "message_id"),
    ("patches", "message_id"),
    ("patch_revisions", "earlier_id"),
    ("map_entries", "map_id"),
    ("extract_candidates", "message_id"),
)


def upgrade() -> None:
    for table, column in _INDEXES:  # IF EXISTS: a store stamped back climbs again
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}")


def downgrade() -> None:
    for table, column in _INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])
