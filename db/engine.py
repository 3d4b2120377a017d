"""Engines and session factories for a store URL, with the schema brought up to date on open."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

# the newest revision: knowing it lets an up-to-date store open without importing Alembic
from threadlore.db.schema_head import HEAD_REVISION as HEAD_REVISION
from threadlore.db.schema_snapshot import snapshot_statements

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


# A new store's page: 16 KiB, not SQLite's 4 KiB. An import writes each page once more to the WAL
# and once to the store; larger pages are fewer writes and fewer overflow pages for bodies and
# full-text segments: a 10k import's storing process 1.78 → 1.71 s CPU (medians of 6), 100k
# 18.6 → 18.2. A store made before keeps its own size (SQLite changes it only by VACUUM).
PAGE_BYTES = 16384


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size={PAGE_BYTES}")  # before WAL, which writes the first page
    cursor.execute("PRAGMA journal_mode=WAL")
    _set_connection_pragmas(cursor)


def _set_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """A read-only store keeps its journal mode: changing it would write."""
    _set_connection_pragmas(dbapi_connection.cursor())


def _set_connection_pragmas(cursor: Any) -> None:
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def may_write(path: Path) -> bool:
    """Whether this process may write a file, or create files in a folder."""
    return os.access(path, os.W_OK)


def read_only_sqlite(path: Path) -> str | None:
    """How to open a store file this process may not write, as SQLite URI parameters; None
    when it may write it (and the folder its journal goes in).

    A store in a WAL journal needs its `-shm` and `-wal` files to be read: `mode=ro` when they
    exist or the folder lets SQLite create them, else `immutable=1` (no writer can be at work:
    a writer would have made a `-wal` file beside the store).
    """
    if not path.is_file():
        return None
    folder_writable = may_write(path.parent)
    if may_write(path) and folder_writable:
        return None
    journal = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    if folder_writable or all(p.is_file() for p in journal):
        return "mode=ro"
    return "immutable=1"


# Any lock id will do, as long as every threadlore process takes the same one before migrating.
_MIGRATION_LOCK = 0x7468_7265_6164  # "thread"


def store_url(url: str) -> URL:
    """`url` parsed, with PostgreSQL URLs (postgresql://, postgres://) sent to psycopg 3.

    SQLAlchemy before 2.1 defaults to psycopg2, which threadlore does not install; naming the
    driver keeps one URL working on every SQLAlchemy 2.x.
    """
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout on connect.

    A SQLite store this process may not write is opened read-only (see `read_only_sqlite`), so
    that it can be browsed: every read works, every write fails with "readonly database".
    """
    parsed = store_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    path = Path(parsed.database).expanduser() if parsed.database else None
    how = read_only_sqlite(path) if path is not None and parsed.database != ":memory:" else None
    if path is None or how is None:
        engine = create_engine(parsed)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    uri = f"file:{quote(str(path.resolve()))}?{how}"
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
    )
    event.listen(engine, "connect", _set_read_only_pragmas)
    return engine


def alembic_config(url: str) -> Config:
    """The Alembic configuration of the store, pointed at `url`."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS))
    rendered = store_url(url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def _is_at_head(engine: Engine) -> bool:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        current = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
    return current == {HEAD_REVISION}


def _is_empty_sqlite(connection: Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    return connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0


def upgrade_to_head(engine: Engine, url: str, *, snapshot: bool = True) -> None:
    """Run `alembic upgrade head` on the engine's database unless it is already there; an
    empty SQLite file is given the schema snapshot instead, when it is at the head
    (`db/schema_snapshot.py`; `snapshot=False` migrates it, as the snapshot is made).

    The whole upgrade is one transaction, so a process killed while creating a store leaves no
    half-made schema. Processes opening one new store at once take turns (PostgreSQL: an
    advisory lock held for the transaction; SQLite: the write lock `BEGIN IMMEDIATE` takes): the
    first migrates, the others then find the schema at head.
    """
    if _is_at_head(engine):
        return
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK})
        elif connection.dialect.name == "sqlite":
            # pysqlite runs DDL outside any transaction unless one was begun explicitly.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        empty = snapshot and _is_empty_sqlite(connection)
        statements = snapshot_statements(HEAD_REVISION) if empty else None
        if statements is not None:
            for statement in statements:  # in this transaction: a crash leaves an empty file
                connection.exec_driver_sql(statement)
            return
        from alembic import command

        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str) -> sessionmaker[Session]:
    """Open (creating and migrating as needed) the store at `url` and return a session factory.

    A SQLite file's folder is created if missing, so a first `threadlore import` just works.
    """
    parsed = store_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    upgrade_to_head(engine, url)
    return sessionmaker(engine)
