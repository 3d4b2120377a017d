"""A new SQLite store made from a snapshot of the migrated schema, not by replaying migrations.

Running every migration on an empty file (Alembic, its imports, twelve table rebuilds) took
~0.45 s of CPU at the start of each first import — 6% of importing 10,000 messages. The
statements the migrations leave in `sqlite_master` rebuild the same schema in ~10 ms, so
`db/engine.py` runs those on an empty file when the snapshot is at the head revision, and
Alembic otherwise. Alembic stays the schema's one source: the snapshot is written from a store
it migrated (`python -m threadlore.db.schema_snapshot`, or `make schema-snapshot`), and a test
fails while it differs from what the migrations make.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent / "schema_snapshot.sql"
_HEADER = (
    "-- The schema the migrations make on an empty SQLite store, written by\n"
    "-- `python -m threadlore.db.schema_snapshot` (db/schema_snapshot.py); do not edit.\n"
)
# created in this order: what a trigger or an index names exists before it
_KINDS = ("table", "index", "view", "trigger")


def schema_statements(connection: sqlite3.Connection) -> list[str]:
    """The statements that make `connection`'s schema and rows again, the revision's included.

    Skipped: SQLite's own tables and automatic indexes, and the shadow tables of full-text
    indexes, which their CREATE VIRTUAL TABLE makes. Only alembic_version holds rows in a store
    no message has reached (a test checks the two stores have the same rows).
    """
    shadow = {
        name
        for (name,) in connection.execute(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'"
        )
    }
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE"
        " 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    statements = [
        f"{sql};"
        for kind in _KINDS
        for type_, name, sql in rows
        if type_ == kind and name not in shadow
    ]
    statements += [
        f"INSERT INTO alembic_version (version_num) VALUES ('{revision}');"
        for (revision,) in connection.execute("SELECT version_num FROM alembic_version")
    ]
    return statements


def migrated_statements() -> list[str]:
    """`schema_statements` of an empty store that Alembic has migrated to the head."""
    from threadlore.db.engine import make_engine, upgrade_to_head

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/migrated.sqlite"
        engine = make_engine(url)
        upgrade_to_head(engine, url, snapshot=False)
        engine.dispose()
        with sqlite3.connect(f"{folder}/migrated.sqlite") as connection:
            return schema_statements(connection)


def snapshot_text(statements: list[str]) -> str:
    return _HEADER + "\n".join(f"\n{statement}" for statement in statements) + "\n"


def _statements(text: str) -> Iterator[str]:
    """The statements of a script, split where SQLite finds one complete (a trigger's body has
    semicolons of its own); comment lines are left out."""
    pending = ""
    for line in text.splitlines(keepends=True):
        if not pending and (line.startswith("--") or not line.strip()):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""


def snapshot_statements(revision: str) -> list[str] | None:
    """The snapshot's statements, when they make `revision`; None without a snapshot or when
    it makes another revision (then Alembic makes the store)."""
    try:
        statements = list(_statements(SNAPSHOT.read_text(encoding="utf-8")))
    except OSError:
        return None
    made = f"INSERT INTO alembic_version (version_num) VALUES ('{revision}');"
    return statements if made in statements else None


def main() -> int:
    """Write the snapshot of what the migrations make now; with --check, say whether it is."""
    text = snapshot_text(migrated_statements())
    if sys.argv[1:] == ["--check"]:
        current = SNAPSHOT.exists() and SNAPSHOT.read_text(encoding="utf-8") == text
        print(f"{SNAPSHOT.name}: {'current' if current else 'stale: run make schema-snapshot'}")
        return 0 if current else 1
    SNAPSHOT.write_text(text, encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
