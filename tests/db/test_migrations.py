"""The schema comes from Alembic alone, and the models and migrations agree (`alembic check`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from threadlore.db.engine import HEAD_REVISION, alembic_config, make_engine, open_store
from threadlore.db.fts import FTS_TABLE


def test_open_store_builds_every_table_and_the_search_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'store.sqlite'}"
    sessions = open_store(url)
    tables = set(inspect(sessions.kw["bind"]).get_table_names())
    assert {"messages", "people", "aliases", "threads", "patches", "inferences"} <= tables
    assert FTS_TABLE in tables
    assert "alembic_version" in tables


def test_the_head_revision_open_store_expects_is_alembics_head(tmp_path: Path) -> None:
    config = alembic_config(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]


def test_opening_a_store_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    open_store(url)
    code = (
        "import sys\n"
        "from threadlore.db.engine import open_store\n"
        f"open_store({url!r})\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_models_match_migrations(store_url: str) -> None:
    open_store(store_url)
    command.check(alembic_config(store_url))  # raises if autogenerate would change anything


def test_downgrade_to_base_and_upgrade_again(store_url: str) -> None:
    config = alembic_config(store_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert set(inspect(make_engine(store_url)).get_table_names()) == {"alembic_version"}
    command.upgrade(config, "head")
    assert "messages" in inspect(make_engine(store_url)).get_table_names()


def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = make_engine(store_url)
    open_store(store_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
