"""Fixtures for the hostile-input tests: the breakage corpus, a fresh store, the CLI runner.

`db_url`, `store` and `cli` are SQLite stores; `engine_url` and `engine_cli` run the test once per
store engine (SQLite, and PostgreSQL when $THREADLORE_TEST_PG names a server; tests/conftest.py).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session, sessionmaker

from threadlore.cli.main import threadlore
from threadlore.db.engine import open_store

sys.path.insert(0, str(Path(__file__).parent))  # the hostile_* helper modules
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benches/, for its generator

from hostile_support import NewStoreUrl, RunCli, cli_on
from seed_store import import_seed


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store migrated to head, copied for each test (migrating costs a second)."""
    path = tmp_path_factory.mktemp("hostile-template") / "store.sqlite"
    open_store(f"sqlite:///{path}").kw["bind"].dispose()
    return path


@pytest.fixture
def db_url(tmp_path: Path, migrated_template: Path) -> str:
    """The URL of a fresh, empty store at head."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    return open_store(db_url)


@pytest.fixture
def cli(db_url: str) -> RunCli:
    """Run `threadlore ARGS --db <the test's store>` in the click runner, as on a wide terminal
    (so a hostile subject is shown whole, not cut to fit)."""

    def run(*args: str) -> Result:
        return CliRunner().invoke(threadlore, [*args, "--db", db_url], env={"COLUMNS": "250"})

    return run


@pytest.fixture
def engine_url(new_store_url: NewStoreUrl) -> str:
    """A fresh store at head on the test's engine."""
    return new_store_url(migrated=True)


@pytest.fixture
def engine_cli(engine_url: str) -> RunCli:
    return cli_on(engine_url)


@pytest.fixture(scope="session")
def seeded_url(new_store_url: NewStoreUrl) -> str:
    """The seed thread and its map on the session's engine, for tests that only read it."""
    url = new_store_url(migrated=True)
    import_seed(url)
    return url
