"""Messages, people, threads, patches, inferences and the full-text index

Revision ID: 0001_messages
Revises: (none, the first revision)
Create Date: 2026-11-25 18:49:13.665186
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_messages"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The full-text indexes as this revision made them, frozen here: a migration must run the same SQL
# whatever the application's code later becomes (0008 re-keys SQLite's index by date).
_SQLITE_FTS = (
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
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
)
_SQLITE_FTS_DROP = (
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TABLE IF EXISTS messages_fts",
)
# PostgreSQL: words stored per message in generated tsvector columns with GIN indexes, read the
# way FTS5's `porter unicode61` reads them (db/postgres_sql.py documents the reading)
_INDEXED_CHARS = 262_144
_POSTGRES_FTS = (
    "CREATE TEXT SEARCH DICTIONARY threadlore_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION threadlore (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION threadlore "
    "ALTER MAPPING FOR asciiword, word WITH threadlore_stem",
    "CREATE FUNCTION threadlore_words(text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT to_tsvector('threadlore'::regconfig, "
    f"regexp_replace(left($1, {_INDEXED_CHARS}), '[^[:alnum:]]+', ' ', 'g')) $$",
    "CREATE FUNCTION threadlore_phrase(text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT phraseto_tsquery('threadlore'::regconfig, "
    "regexp_replace($1, '[^[:alnum:]]+', ' ', 'g')) $$",
    "ALTER TABLE messages ADD COLUMN subject_words tsvector "
    "GENERATED ALWAYS AS (threadlore_words(subject)) STORED",
    "ALTER TABLE messages ADD COLUMN body_words tsvector "
    "GENERATED ALWAYS AS (threadlore_words(body)) STORED",
    "CREATE INDEX ix_messages_subject_words ON messages USING gin (subject_words)",
    "CREATE INDEX ix_messages_body_words ON messages USING gin (body_words)",
)
_POSTGRES_FTS_DROP = (
    "DROP INDEX IF EXISTS ix_messages_body_words",
    "DROP INDEX IF EXISTS ix_messages_subject_words",
    "ALTER TABLE messages DROP COLUMN IF EXISTS body_words",
    "ALTER TABLE messages DROP COLUMN IF EXISTS subject_words",
    "DROP FUNCTION IF EXISTS threadlore_phrase(text)",
    "DROP FUNCTION IF EXISTS threadlore_words(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS threadlore",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS threadlore_stem",
)


def _run_for_dialect(sqlite: tuple[str, ...], postgresql: tuple[str, ...]) -> None:
    name = op.get_bind().dialect.name
    for statement in {"sqlite": sqlite, "postgresql": postgresql}.get(name, ()):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("is_list", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column(
            "imported_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("path", name=op.f("uq_sources_path")),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
    )
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_aliases_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aliases")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_aliases_kind")),
    )
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aliases_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_aliases_person_id"), ["person_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("placeholder", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.Text(), nullable=True),
        sa.Column("author_email", sa.Text(), nullable=True),
        sa.Column("date_utc", sa.DateTime(), nullable=True),
        sa.Column("utc_offset_minutes", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("truncated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("in_reply_to", sa.String(length=998), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("series_version", sa.Integer(), nullable=True),
        sa.Column("series_index", sa.Integer(), nullable=True),
        sa.Column("series_total", sa.Integer(), nullable=True),
        sa.Column("series_inferred", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_messages_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["messages.id"], name=op.f("fk_messages_parent_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_messages_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_messages_thread_id_threads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_messages_message_id")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_date_utc"), ["date_utc"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "inferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_inferences_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inferences")),
    )
    with op.batch_alter_table("inferences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inferences_message_id"), ["message_id"], unique=False)

    op.create_table(
        "message_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("referenced_id", sa.String(length=998), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_references_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_references")),
        sa.UniqueConstraint(
            "message_id", "position", name=op.f("uq_message_references_message_id")
        ),
    )
    with op.batch_alter_table("message_references", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_references_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_message_references_referenced_id"), ["referenced_id"], unique=False
        )

    op.create_table(
        "patches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("diff", sa.Text(), nullable=False),
        sa.Column("truncated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.Text(), nullable=False),
        sa.Column("files_key", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_patches_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patches")),
        sa.UniqueConstraint("message_id", "position", name=op.f("uq_patches_message_id")),
    )
    with op.batch_alter_table("patches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patches_files_key"), ["files_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_patches_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patches_subject_key"), ["subject_key"], unique=False)

    op.create_table(
        "recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_recipients_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_recipients_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipients")),
    )
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipients_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recipients_person_id"), ["person_id"], unique=False)

    op.create_table(
        "trailers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_trailers_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trailers")),
    )
    with op.batch_alter_table("trailers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trailers_message_id"), ["message_id"], unique=False)

    op.create_table(
        "patch_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("earlier_id", sa.Integer(), nullable=False),
        sa.Column("later_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["earlier_id"], ["patches.id"], name=op.f("fk_patch_revisions_earlier_id_patches")
        ),
        sa.ForeignKeyConstraint(
            ["later_id"], ["patches.id"], name=op.f("fk_patch_revisions_later_id_patches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patch_revisions")),
        sa.UniqueConstraint("earlier_id", "later_id", name=op.f("uq_patch_revisions_earlier_id")),
    )
    with op.batch_alter_table("patch_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patch_revisions_earlier_id"), ["earlier_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_patch_revisions_later_id"), ["later_id"], unique=False)

    op.create_table(
        "patched_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patch_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("old_path", sa.Text(), nullable=True),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("is_new", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_binary", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patch_id"], ["patches.id"], name=op.f("fk_patched_files_patch_id_patches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patched_files")),
    )
    with op.batch_alter_table("patched_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patched_files_patch_id"), ["patch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patched_files_path"), ["path"], unique=False)

    op.create_table(
        "hunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_start", sa.Integer(), nullable=False),
        sa.Column("source_length", sa.Integer(), nullable=False),
        sa.Column("target_start", sa.Integer(), nullable=False),
        sa.Column("target_length", sa.Integer(), nullable=False),
        sa.Column("function", sa.String(length=255), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["patched_files.id"], name=op.f("fk_hunks_file_id_patched_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hunks")),
    )
    with op.batch_alter_table("hunks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hunks_file_id"), ["file_id"], unique=False)
    _run_for_dialect(_SQLITE_FTS, _POSTGRES_FTS)


def downgrade() -> None:
    _run_for_dialect(_SQLITE_FTS_DROP, _POSTGRES_FTS_DROP)
    with op.batch_alter_table("hunks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hunks_file_id"))

    op.drop_table("hunks")
    with op.batch_alter_table("patched_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patched_files_path"))
        batch_op.drop_index(batch_op.f("ix_patched_files_patch_id"))

    op.drop_table("patched_files")
    with op.batch_alter_table("patch_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patch_revisions_later_id"))
        batch_op.drop_index(batch_op.f("ix_patch_revisions_earlier_id"))

    op.drop_table("patch_revisions")
    with op.batch_alter_table("trailers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trailers_message_id"))

    op.drop_table("trailers")
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipients_person_id"))
        batch_op.drop_index(batch_op.f("ix_recipients_message_id"))

    op.drop_table("recipients")
    with op.batch_alter_table("patches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patches_subject_key"))
        batch_op.drop_index(batch_op.f("ix_patches_message_id"))
        batch_op.drop_index(batch_op.f("ix_patches_files_key"))

    op.drop_table("patches")
    with op.batch_alter_table("message_references", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_references_referenced_id"))
        batch_op.drop_index(batch_op.f("ix_message_references_message_id"))

    op.drop_table("message_references")
    with op.batch_alter_table("inferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inferences_message_id"))

    op.drop_table("inferences")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_thread_id"))
        batch_op.drop_index(batch_op.f("ix_messages_source_id"))
        batch_op.drop_index(batch_op.f("ix_messages_parent_id"))
        batch_op.drop_index(batch_op.f("ix_messages_date_utc"))
        batch_op.drop_index(batch_op.f("ix_messages_author_id"))

    op.drop_table("messages")
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aliases_person_id"))
        batch_op.drop_index(batch_op.f("ix_aliases_key"))

    op.drop_table("aliases")
    op.drop_table("threads")
    op.drop_table("sources")
    op.drop_table("people")
