"""The store engines store-level tests run on: SQLite always, PostgreSQL when a server is given.

Tests ask for `new_store_url` (directly or through the area's `store` fixtures) and so run once
per engine, with ids `[sqlite]` and `[postgresql]`. PostgreSQL is the server named by
$THREADLORE_TEST_PG (`.ci/run` and `make pg-test` start a throwaway one); each store is a new
database, copied from a migrated template when the test wants one at head. Without the variable
the PostgreSQL cases are skipped — except with CI=true, where they fail: CI must test both.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from threadlore.db.engine import open_store, store_url

sys.path.insert(0, str(Path(__file__).parent))  # seed_store, the helpers every area shares
sys.path.insert(0, str(Path(__file__).parents[1]))  # the repository, for benches/

PG_ENV = "THREADLORE_TEST_PG"
THROWAWAY_ENV = "THREADLORE_TEST_PG_THROWAWAY"  # "1": the server is deleted after the run
ENGINES = ("sqlite", "postgresql")

NewStoreUrl = Callable[..., str]


def _missing_postgres() -> NoReturn:
    message = f"${PG_ENV} is not set: no PostgreSQL server to run the store tests against"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (with CI=true the PostgreSQL suite must run)", pytrace=False)
    pytest.skip(message)


class PostgresDatabases:
    """Creates throwaway databases on one server, and drops them all at the end of the session."""

    def __init__(self, server_url: str) -> None:
        self.server = store_url(server_url)
        # One prefix per pytest-xdist worker and process, so parallel sessions never collide.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"tl_test_{worker}_{os.getpid()}"
        self.admin: Engine = create_engine(
            self.server, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self.numbers = count()
        self.created: list[str] = []
        self.template: str | None = None

    def _create(self, name: str, template: str | None) -> str:
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}{clause}"))
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _migrated_template(self) -> str:
        if self.template is None:
            name = f"{self.prefix}_template"
            engine = open_store(self._create(name, None)).kw["bind"]
            engine.dispose()  # a template must have no open connections when it is copied
            self.template = name
        return self.template

    def new(self, *, migrated: bool = False) -> str:
        """The URL of a new database: empty, or at head (a copy of the migrated template)."""
        template = self._migrated_template() if migrated else None
        return self._create(f"{self.prefix}_{next(self.numbers)}", template)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in reversed(self.created):
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    """The PostgreSQL server of $THREADLORE_TEST_PG; skipped (failed with CI=true) without it."""
    server = os.environ.get(PG_ENV)
    if not server:
        _missing_postgres()
    databases = PostgresDatabases(server)
    yield databases
    if os.environ.get(THROWAWAY_ENV) == "1":
        databases.admin.dispose()  # the whole cluster is removed after the run: dropping is waste
    else:
        databases.drop_all()


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite store built by `alembic upgrade head` (through open_store), copied per test."""
    path = tmp_path_factory.mktemp("template") / "store.sqlite"
    engine = open_store(f"sqlite:///{path}").kw["bind"]
    engine.dispose()  # closes the last connection, which folds the WAL into the file
    return path


@pytest.fixture(scope="session", params=ENGINES)
def store_engine(request: pytest.FixtureRequest) -> str:
    """The engine a store-level test runs on: each such test runs once per engine."""
    engine: str = request.param
    if engine == "postgresql":
        request.getfixturevalue("postgres_databases")
    return engine


@pytest.fixture(scope="session")
def new_store_url(
    store_engine: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> NewStoreUrl:
    """A function giving the URL of a new store on the test's engine.

    `new_store_url()` is empty (nothing migrated yet); `new_store_url(migrated=True)` is at head.
    """
    if store_engine == "postgresql":
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        return databases.new
    template: Path = request.getfixturevalue("migrated_sqlite_file")

    def new_sqlite(*, migrated: bool = False) -> str:
        path = tmp_path_factory.mktemp("store") / "store.sqlite"
        if migrated:
            shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    return new_sqlite
