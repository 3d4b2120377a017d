"""A patch's subject and files keys longer than 1,000 bytes are stored as their hash

Revision ID: 0014_bounded_patch_keys
Revises: 0013_fts_update_pause
Create Date: 2026-12-13 10:00:00

`patches.files_key` lists every path a patch touches and `subject_key` is its whole subject;
both are indexed. PostgreSQL's B-tree refuses an entry over ~2,700 bytes, so a patch of 1,698
files was skipped there while SQLite stored it. Keys are compared for equality only (which
patch revises which), so a long one is now its hash (`db/revisions.py`, `bounded_key`); the
long keys a SQLite store already holds are hashed the same way here, so that later patches
still match them. The rule is copied, not imported: a migration runs the code of its day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_bounded_patch_keys"
down_revision: str | None = "0013_fts_update_pause"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MAX_KEY_BYTES = 1000


def _bounded(key: str) -> str:
    raw = key.encode("utf-8", "surrogatepass")
    if len(raw) <= _MAX_KEY_BYTES:
        return key
    return "sha1:" + hashlib.sha1(raw, usedforsecurity=False).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    # a key of more than 1,000 bytes has more than 250 characters
    rows = bind.execute(
        sa.text(
            "SELECT id, subject_key, files_key FROM patches "
            "WHERE length(subject_key) > 250 OR length(files_key) > 250"
        )
    ).all()
    for pk, subject_key, files_key in rows:
        bounded = (_bounded(subject_key), _bounded(files_key))
        if bounded != (subject_key, files_key):
            bind.execute(
                sa.text("UPDATE patches SET subject_key = :s, files_key = :f WHERE id = :pk"),
                {"s": bounded[0], "f": bounded[1], "pk": pk},
            )


def downgrade() -> None:
    pass  # a hash cannot be turned back into its paths; a shorter key matches as well
