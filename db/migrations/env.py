"""Alembic environment: runs migrations against the URL given by open_store, `-x db=`, or env."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

import threadlore.db.models  # noqa: F401  (registers every table on Base.metadata)
from threadlore.db.base import Base
from threadlore.db.engine import make_engine
from threadlore.db.unmodelled_schema import is_unmodelled

ENV_DB = "THREADLORE_DB"


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("db") or os.environ.get(ENV_DB)
    url = url or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit(f"alembic: give a database URL with `-x db=URL` or ${ENV_DB}")
    return url


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # the full-text indexes' tables, columns and indexes are made by hand, not from the models
    return name is None or not is_unmodelled(name, type_)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=_include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the connection open_store handed over, or open one from the URL."""
    given = context.config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    engine: Engine = make_engine(_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("alembic: offline (--sql) mode is not supported; run against a database")
run_migrations_online()
