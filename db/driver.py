"""A store's DB-API connection with its engine's SQL (`db/hot_sql.py`): what the hot read paths
use, opened from a URL without SQLAlchemy, or taken from a session.

`threadlore search` spends most of its time importing SQLAlchemy unless it opens the store
here: sqlite3 (stdlib) or psycopg directly, after checking that the schema is at Alembic's head
(`db/schema_head.py`). A store that is missing, older, or named by a URL this module does
not read (driver options in a query string) is opened by `db.engine.open_store`, which creates
and migrates it, and then read here all the same.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence

from threadlore.db.hot_sql import EngineSql
from threadlore.db.schema_head import HEAD_REVISION

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from typing import Any

    from sqlalchemy.orm import Session

_HEAD = "SELECT version_num FROM alembic_version"


def engine_sql(dialect: str) -> EngineSql:
    """The statements of an engine, by SQLAlchemy's dialect name."""
    if dialect == "sqlite":
        from threadlore.db.sqlite_sql import SQLITE

        return SQLITE
    if dialect == "postgresql":
        from threadlore.db.postgres_sql import POSTGRESQL

        return POSTGRESQL
    raise ValueError(f"threadlore keeps its store in SQLite or PostgreSQL, not {dialect}")


def driver_errors(*, races_only: bool = False) -> tuple[type[Exception], ...]:
    """What the drivers raise when a store cannot be read or written (psycopg's only if it was
    loaded); with `races_only`, only what another writer at the same time can cause (a key
    stored first, a deadlock, a busy store)."""
    drivers: list[Any] = [sqlite3]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        drivers.append(psycopg)
    names = ("IntegrityError", "OperationalError") if races_only else ("Error",)
    return tuple(getattr(driver, name) for driver in drivers for name in names)


class StoreReader:
    """Statements of the engine's SQL run on a DB-API connection, returning plain rows."""

    def __init__(self, raw: Any, sql: EngineSql, owner: Any = None) -> None:
        self.raw = raw
        self.sql = sql
        self.owner = owner  # what must live as long as the connection (SQLAlchemy's pool entry)

    @classmethod
    def of_session(cls, session: Session) -> StoreReader:
        """The connection under a session, in its transaction."""
        raw = session.connection().connection.driver_connection
        return cls(raw, engine_sql(session.get_bind().dialect.name))

    def rows(self, statement: str, params: dict[str, Any]) -> list[Sequence[Any]]:
        """The rows of a statement written in the driver's style."""
        return list(self.raw.execute(statement, params).fetchall())

    def query(self, statement: str, **params: Any) -> list[Sequence[Any]]:
        """The rows of a statement written with `:name` parameters, on either engine."""
        return self.rows(self.sql.style(statement), params)

    def close(self) -> None:
        """Close the connection (or hand it back to SQLAlchemy's pool, when it came from one)."""
        (self.owner if self.owner is not None else self.raw).close()


def sqlite_file(url: str) -> str | None:
    """The file of a plain `sqlite:///FILE` URL (no driver options, nothing %-quoted), as
    SQLAlchemy reads it, else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or "%" in url or len(url) == len(prefix):
        return None
    return url[len(prefix) :]


def postgres_conninfo(url: str) -> str | None:
    """The libpq URI of a PostgreSQL store URL (what psycopg connects with), else None."""
    for scheme in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(scheme):
            place, mark, query = url[len(scheme) :].partition("?")
            # SQLAlchemy writes a space in a query value as "+" (form encoding); libpq reads
            # "+" as itself (`options=-c+x%3Don` must reach it as `-c x=on`)
            return "postgresql://" + place + mark + query.replace("+", "%20")
    return None


def _at_head(raw: Any) -> bool:
    try:
        versions = {row[0] for row in raw.execute(_HEAD).fetchall()}
    except driver_errors():
        return False
    return versions == {HEAD_REVISION}


def connect_at_head(url: str) -> StoreReader | None:
    """The store at head, opened directly; None when it is not (or not here): nothing is
    created or migrated."""
    path = sqlite_file(url)
    if path is not None:
        if not os.path.isfile(path):
            return None
        raw: Any = sqlite3.connect(path)
        raw.execute("PRAGMA busy_timeout=10000")
        sql = engine_sql("sqlite")
    else:
        conninfo = postgres_conninfo(url)
        if conninfo is None:
            return None
        import psycopg

        raw = psycopg.connect(conninfo)
        sql = engine_sql("postgresql")
    if _at_head(raw):
        return StoreReader(raw, sql)
    if sql.name == "postgresql":
        raw.rollback()  # the failed look-up ended the transaction
    raw.close()
    return None


def connect(url: str) -> StoreReader:
    """A reader on the store at `url`, created or migrated first if needed (`open_store`)."""
    reader = connect_at_head(url)
    if reader is not None:
        return reader
    from threadlore.db.engine import open_store

    open_store(url)
    reader = connect_at_head(url)
    if reader is None:  # a URL with driver options: through SQLAlchemy's engine after all
        from threadlore.db.engine import make_engine

        engine = make_engine(url)
        pooled = engine.raw_connection()
        return StoreReader(pooled.driver_connection, engine_sql(engine.dialect.name), pooled)
    return reader
