"""Fixtures for the store's tests: a fresh migrated store per engine, a ParsedMessage factory."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.base import Base
from threadlore.db.engine import open_store
from threadlore.importers.records import Address, ParsedMessage

sys.path.insert(0, str(Path(__file__).parent))  # orm_*: the hot SQL's references

MakeMessage = Callable[..., ParsedMessage]
NewStoreUrl = Callable[..., str]  # the new_store_url fixture of tests/conftest.py


@pytest.fixture
def store_url(new_store_url: NewStoreUrl) -> str:
    """An empty store on the test's engine (tests/conftest.py runs each test on each engine)."""
    return new_store_url()


@pytest.fixture
def store(new_store_url: NewStoreUrl) -> sessionmaker[Session]:
    """A fresh, empty store at head: a copy of the migrated template."""
    return open_store(new_store_url(migrated=True))


def _address(spec: str | Address | None) -> Address | None:
    """'Name <mail>' or 'mail' or 'Name' to an Address."""
    if spec is None or isinstance(spec, Address):
        return spec
    if "<" in spec:
        name, _, rest = spec.partition("<")
        return Address(name.strip(), rest.rstrip(">").strip())
    return Address("", spec) if "@" in spec else Address(spec, "")


@pytest.fixture
def make_message() -> MakeMessage:
    """Build a ParsedMessage with sensible defaults; addresses may be given as 'Name <mail>'."""
    positions = iter(range(1, 1_000_000))

    def make(message_id: str, **fields: Any) -> ParsedMessage:
        fields.setdefault("source", "test.mbox")
        fields.setdefault("position", next(positions))
        fields.setdefault("synthetic_id", False)
        fields.setdefault("subject", f"subject of {message_id}")
        fields["author"] = _address(fields.get("author", "Nick Piggin <npiggin@suse.de>"))
        fields["to"] = tuple(_address(a) for a in fields.get("to", ()))
        fields["cc"] = tuple(_address(a) for a in fields.get("cc", ()))
        fields.setdefault("date", datetime(2007, 2, 21, 0, 49, tzinfo=timezone(timedelta(hours=1))))
        fields.setdefault("in_reply_to", None)
        fields["references"] = tuple(fields.get("references", ()))
        fields.setdefault("body", f"body of {message_id}\n")
        return ParsedMessage(message_id=message_id, **fields)

    return make


def count_rows(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Rows in every table of the models, and in the full-text index."""
    with sessions() as session:
        counts = {
            name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in Base.metadata.tables.items()
        }
        # PostgreSQL's index is an expression index over `messages`: it has every row by design.
        counts["messages_fts"] = (
            session.execute(text("SELECT count(*) FROM messages_fts_docsize")).scalar_one()
            if session.get_bind().dialect.name == "sqlite"
            else counts["messages"]
        )
    return counts


@pytest.fixture
def row_counts() -> Callable[[sessionmaker[Session]], dict[str, int]]:
    """A function counting the rows of every table, to prove a re-import changed nothing."""
    return count_rows
