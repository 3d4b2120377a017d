"""PostgreSQL: every word of a long body is searchable, phrases too, as on SQLite

Revision ID: 0009_long_bodies
Revises: 0008_search_by_date
Create Date: 2026-12-09 10:00:00

A tsvector keeps positions up to 16,383, and 256 of them a word, and holds at most 1 MB, so
0001's `body_words` read only a body's first 262,144 characters, and a phrase past its
16,383rd word (or past a word's 256th use) was not found. Now `body_words` reads a body's first
window of 8 KB of UTF-8, and a longer body has its further windows in `message_body_parts`,
one row each with its own words: 8 KB windows starting every 6 KB. A window holds at most
4,096 words, so positions are exact and only a word making more than ~1 in 5 of a window's
words loses positions; any phrase of up to ~1,000 bytes lies whole in one window. A window
drops a word its edge cuts (the window beside it holds that word whole). Triggers fill the
parts for any writer, and only for long bodies (`WHEN` is tested without calling a function),
so an import of ordinary mail does what it did before. db/postgres_sql.py describes the search side.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_long_bodies"
down_revision: str | None = "0008_search_by_date"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# frozen here, as 0001 froze its SQL
_WINDOW = 8_192  # bytes of UTF-8: at most 4,096 words, positions far below 16,383
_STRIDE = 6_144  # windows overlap by 2 KB
_CONTINUATION = "BETWEEN 128 AND 191"  # a UTF-8 byte inside a character

_UPGRADE = (
    # the text of the window starting near byte `first`: whole characters, and no word its
    # edges cut (the word is whole in the neighbouring window)
    "CREATE FUNCTION threadlore_body_window(raw bytea, first integer) RETURNS text "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$\n"
    "DECLARE\n"
    "  size integer := octet_length(raw);\n"
    "  s integer := first;\n"
    f"  e integer := least(first + {_WINDOW}, size);\n"
    "  edge integer;\n"
    "  words text;\n"
    "BEGIN\n"
    f"  WHILE s < size AND get_byte(raw, s) {_CONTINUATION} LOOP s := s + 1; END LOOP;\n"
    f"  WHILE e < size AND e > s AND get_byte(raw, e) {_CONTINUATION} LOOP e := e - 1; END LOOP;\n"
    "  IF e <= s THEN RETURN ''; END IF;\n"
    "  words := convert_from(substring(raw FROM s + 1 FOR e - s), 'UTF8');\n"
    "  IF s > 0 THEN\n"
    "    edge := s - 1;\n"
    f"    WHILE edge > 0 AND get_byte(raw, edge) {_CONTINUATION} LOOP edge := edge - 1; END LOOP;\n"
    "    IF convert_from(substring(raw FROM edge + 1 FOR s - edge), 'UTF8') ~ '[[:alnum:]]' THEN\n"
    "      words := regexp_replace(words, '^[[:alnum:]]+', '');\n"
    "    END IF;\n"
    "  END IF;\n"
    "  IF e < size THEN\n"
    "    edge := e + 1;\n"
    f"    WHILE edge < size AND get_byte(raw, edge) {_CONTINUATION} LOOP\n"
    "      edge := edge + 1;\n"
    "    END LOOP;\n"
    "    IF convert_from(substring(raw FROM e + 1 FOR edge - e), 'UTF8') ~ '[[:alnum:]]' THEN\n"
    "      words := reverse(regexp_replace(reverse(words), '^[[:alnum:]]+', ''));\n"
    "    END IF;\n"
    "  END IF;\n"
    "  RETURN words;\n"
    "END $$",
    # the body's first window (`body_words`)
    "CREATE FUNCTION threadlore_body_head(body text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    f"SELECT CASE WHEN octet_length(body) <= {_WINDOW} THEN body "
    f"ELSE threadlore_body_window(convert_to(left(body, {_WINDOW + 1}), 'UTF8'), 0) END $$",
    # the words of every further window (`message_body_parts`)
    "CREATE FUNCTION threadlore_body_parts(body text) "
    "RETURNS TABLE (part integer, words tsvector) "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$\n"
    "DECLARE\n"
    "  raw bytea := convert_to(body, 'UTF8');\n"
    "  n integer := 1;\n"
    "BEGIN\n"
    f"  WHILE (n - 1) * {_STRIDE} + {_WINDOW} < octet_length(raw) LOOP\n"
    "    part := n;\n"
    f"    words := threadlore_words(threadlore_body_window(raw, n * {_STRIDE}));\n"
    "    RETURN NEXT;\n"
    "    n := n + 1;\n"
    "  END LOOP;\n"
    "END $$",
    "CREATE TABLE message_body_parts (message_id integer NOT NULL, part integer NOT NULL, "
    "words tsvector NOT NULL, "
    "CONSTRAINT pk_message_body_parts PRIMARY KEY (message_id, part), "
    "CONSTRAINT fk_message_body_parts_message_id_messages FOREIGN KEY (message_id) "
    "REFERENCES messages (id) ON DELETE CASCADE)",
    "CREATE INDEX ix_message_body_parts_words ON message_body_parts USING gin (words)",
    "CREATE FUNCTION threadlore_index_body_parts() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  IF TG_OP = 'UPDATE' THEN\n"
    "    DELETE FROM message_body_parts WHERE message_id = OLD.id;\n"
    "  END IF;\n"
    "  INSERT INTO message_body_parts (message_id, part, words)\n"
    "    SELECT NEW.id, p.part, p.words FROM threadlore_body_parts(NEW.body) AS p;\n"
    "  RETURN NULL;\n"
    "END $$",
    "CREATE TRIGGER messages_body_parts_insert AFTER INSERT ON messages FOR EACH ROW "
    f"WHEN (octet_length(NEW.body) > {_WINDOW}) EXECUTE FUNCTION threadlore_index_body_parts()",
    "CREATE TRIGGER messages_body_parts_update AFTER UPDATE OF body ON messages FOR EACH ROW "
    f"WHEN (octet_length(OLD.body) > {_WINDOW} OR octet_length(NEW.body) > {_WINDOW}) "
    "EXECUTE FUNCTION threadlore_index_body_parts()",
    "INSERT INTO message_body_parts (message_id, part, words) "
    "SELECT m.id, p.part, p.words FROM messages AS m, threadlore_body_parts(m.body) AS p "
    f"WHERE octet_length(m.body) > {_WINDOW}",
    "DROP INDEX ix_messages_body_words",
    "ALTER TABLE messages DROP COLUMN body_words",
    "ALTER TABLE messages ADD COLUMN body_words tsvector "
    "GENERATED ALWAYS AS (threadlore_words(threadlore_body_head(body))) STORED",
    "CREATE INDEX ix_messages_body_words ON messages USING gin (body_words)",
)

_DOWNGRADE = (
    "DROP INDEX ix_messages_body_words",
    "ALTER TABLE messages DROP COLUMN body_words",
    # as 0001 made it
    "ALTER TABLE messages ADD COLUMN body_words tsvector "
    "GENERATED ALWAYS AS (threadlore_words(body)) STORED",
    "CREATE INDEX ix_messages_body_words ON messages USING gin (body_words)",
    "DROP TRIGGER messages_body_parts_update ON messages",
    "DROP TRIGGER messages_body_parts_insert ON messages",
    "DROP FUNCTION threadlore_index_body_parts()",
    "DROP TABLE message_body_parts",
    "DROP FUNCTION threadlore_body_parts(text)",
    "DROP FUNCTION threadlore_body_head(text)",
    "DROP FUNCTION threadlore_body_window(bytea, integer)",
)


def _run(statements: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in statements:
            op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(_UPGRADE)


def downgrade() -> None:
    _run(_DOWNGRADE)
