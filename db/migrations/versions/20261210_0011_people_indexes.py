"""People's counts read from two covering indexes instead of every message and recipient row

Revision ID: 0011_people_indexes
Revises: 0010_fitted_ids
Create Date: 2026-12-10 10:00:00

`threadlore people` counts the messages each person wrote (with the first and last dates) and
the messages each list received. With an index on `messages (author_id)` alone, that read every
message row (bodies and all) in author order, and every recipient row: 574 ms for 100,000
messages. Each single-column index is replaced by one that starts with the same column and
carries what the counts read, so both are index-only reads and the indexes an import keeps up to
date stay two: `messages (author_id, placeholder, date_utc)` (a person's count, and the first
and last dates as one look-up each) and `recipients (person_id, message_id)` (a list's distinct
messages). Look-ups by author or recipient use them as they used the old ones. Both engines.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_people_indexes"
down_revision: str | None = "0010_fitted_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UPGRADE = (  # IF [NOT] EXISTS: a store stamped back past this revision by hand still climbs
    "CREATE INDEX IF NOT EXISTS ix_messages_author_dates "
    "ON messages (author_id, placeholder, date_utc)",
    "DROP INDEX IF EXISTS ix_messages_author_id",
    "CREATE INDEX IF NOT EXISTS ix_recipients_person_messages "
    "ON recipients (person_id, message_id)",
    "DROP INDEX IF EXISTS ix_recipients_person_id",
)
_DOWNGRADE = (  # as 0001 made them
    "CREATE INDEX IF NOT EXISTS ix_messages_author_id ON messages (author_id)",
    "DROP INDEX IF EXISTS ix_messages_author_dates",
    "CREATE INDEX IF NOT EXISTS ix_recipients_person_id ON recipients (person_id)",
    "DROP INDEX IF EXISTS ix_recipients_person_messages",
)


def _run(statements: tuple[str, ...]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(_UPGRADE)


def downgrade() -> None:
    _run(_DOWNGRADE)
