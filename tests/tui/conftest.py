"""Fixtures for the UI tests: a fake store, the app on it, posted messages, a steady cursor."""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2]))  # the repository, for benches/

from tui_fake_store import FakeStore, seed_like_messages
from tui_pilot import PostedMessages

from threadlore.kb.discussion import DiscussionMap
from threadlore.kb.replay_summary import replay_proposal
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.screens import replay_screen


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


_REPLAYS: dict[tuple[str, str], Any] = {}


@pytest.fixture(autouse=True)
def replay_each_proposal_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model is deterministic and tested in tests/vm: run each fake proposal once a session.

    The UI still calls `replay_proposal` through its worker; only the model's work is shared.
    """

    def cached(discussion: DiscussionMap, proposal_id: str) -> Any:
        key = (discussion.path, proposal_id)
        if key not in _REPLAYS:
            _REPLAYS[key] = replay_proposal(discussion, proposal_id)
        return _REPLAYS[key]

    monkeypatch.setattr(replay_screen, "replay_proposal", cached)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(seed_like_messages())


@pytest.fixture
def app(store: FakeStore) -> ThreadloreApp:
    return ThreadloreApp(store)


@pytest.fixture
def posted() -> PostedMessages:
    return PostedMessages()
