"""Message-IDs stored whole before ids were fitted are fitted now: re-importing adds nothing

Revision ID: 0010_fitted_ids
Revises: 0009_long_bodies
Create Date: 2026-12-09 11:00:00

An import fits a Message-ID or reference longer than 998 bytes of UTF-8 to its start and a hash
of the whole (db/store_limits.py). A store written before that kept such ids whole: SQLite
keeps text of any length, and PostgreSQL's `varchar(998)` counts characters, so an id of up
to 998 non-ASCII characters was stored there too. Re-importing the same mail then looked for
the fitted id, did not find it, and stored the message again. This revision fits the ids
already stored, in messages, their In-Reply-To and their references. An id whose fitted form
is already taken (the message was stored twice before this revision) is left as it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_fitted_ids"
down_revision: str | None = "0009_long_bodies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MAX_ID_BYTES = 998
_HASH_CHARS = 40
_COLUMNS = (
    ("messages", "message_id"),
    ("messages", "in_reply_to"),
    ("message_references", "referenced_id"),
)


def _fitted(message_id: str) -> str:
    """db/store_limits.py's `fitted_id` as this revision wrote it (frozen, as SQL is)."""
    raw = message_id.encode("utf-8")
    if len(raw) <= _MAX_ID_BYTES:
        return message_id
    digest = hashlib.sha1(raw).hexdigest()
    start = raw[: _MAX_ID_BYTES - _HASH_CHARS - 1].decode("utf-8", "ignore")
    return f"{start}~{digest}"


def upgrade() -> None:
    bind = op.get_bind()
    for table_name, column_name in _COLUMNS:
        table = sa.table(table_name, sa.column(column_name))
        column = table.c[column_name]
        # an id past 998 bytes has more than 998 / 4 characters: the rest is read here
        found = sa.select(column).distinct().where(sa.func.length(column) > _MAX_ID_BYTES // 4)
        for (stored,) in bind.execute(found).all():
            fitted = _fitted(stored)
            if fitted == stored:
                continue
            if column_name == "message_id":
                taken = bind.execute(sa.select(column).where(column == fitted)).first()
                if taken is not None:
                    continue
            bind.execute(sa.update(table).where(column == stored).values({column_name: fitted}))


def downgrade() -> None:
    """The whole ids are gone; the fitted ones are what the code before this revision looked
    for too (it fitted them already), so there is nothing to undo."""
