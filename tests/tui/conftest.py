"""Fixtures for the UI tests: a fake store, the app on it, and a record of posted messages."""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.message import Message
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2]))  # the repository, for benches/

from fake_store import FakeStore, seed_like_messages

from tui.app import ThreadloreApp

SIZE = (120, 36)
M = TypeVar("M", bound=Message)


class PostedMessages:
    """Every message the app posted, once each (a bubbling message reaches the hook per node)."""

    def __init__(self) -> None:
        self._seen: dict[int, Message] = {}

    def __call__(self, message: Message) -> None:
        self._seen.setdefault(id(message), message)

    def of(self, kind: type[M]) -> list[M]:
        """The posted messages of one kind, in order."""
        return [m for m in self._seen.values() if isinstance(m, kind)]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests on a fresh event loop (Pilot needs one; no plugin required)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Inputs start with a steady cursor, so snapshots do not depend on when they were taken."""
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    yield


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(seed_like_messages())


@pytest.fixture
def app(store: FakeStore) -> ThreadloreApp:
    return ThreadloreApp(store)


@pytest.fixture
def posted() -> PostedMessages:
    return PostedMessages()


async def settle(pilot: Any) -> None:
    """Wait until every worker the keys started has finished and its messages are handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def run_kwargs(posted: PostedMessages) -> dict[str, Any]:
    """Arguments for `run_test` used by every pilot test."""
    return {"size": SIZE, "message_hook": posted}
