"""SVG snapshots of the reading screens on a real store (the seed and a thread of another list),
at 80×24 and at 160×48 (update with `pytest --snapshot-update`, then look at them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from tui_corpus_store import LIST_THREADS, SEED, session_folder, shared_store
from tui_pilot import settle

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.store_reader import SessionStoreReader

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
NBD = LIST_THREADS / "nbd-wrong-cookie-2024.mbox"
# (where the cursor goes, a search that finds it, the message a thread is opened at)
THREADS = {
    "seed": ("[patch 0/6]", "page_mkclean", "bc6dec39747e"),  # patch 1/6, archive text
    "nbd": ("Kernel NBD", "cookie", "Zw5b1mwk3aG01NTg@fedora"),  # a reply with a patch, mbox
}
Run = Callable[[Any], Awaitable[None]]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return shared_store(session_folder(tmp_path_factory), "snapshots", SEED, NBD)


def _app(url: str) -> ThreadloreApp:
    return ThreadloreApp(SessionStoreReader.open(url))


def _to_thread_row(subject: str) -> Run:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        table = pilot.app.screen.query_one("#thread-table")
        while subject not in str(table.get_row_at(table.cursor_row)[0]):
            await pilot.press("j")
        await settle(pilot)

    return run


def _open_thread(message_id: str) -> Run:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        app = pilot.app
        app.push_screen(ThreadScreen(app.store, app.store.resolve_thread(message_id), message_id))
        await settle(pilot)

    return run


def _search(query: str) -> Run:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("2", *query, "enter")
        await settle(pilot)

    return run


def _people_at(name: str) -> Run:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#people-table")
        while name not in str(table.get_row_at(table.cursor_row)[0]):
            await pilot.press("j")
        await settle(pilot)

    return run


PEOPLE = {"seed": "Nick Piggin", "nbd": "Kevin Wolf"}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("thread", THREADS)
@pytest.mark.parametrize("screen", ["threads", "thread", "search", "people"])
def test_screen(snap_compare: Any, store_url: str, screen: str, thread: str, size: str) -> None:
    row, query, message = THREADS[thread]
    run = {
        "threads": _to_thread_row(row),
        "thread": _open_thread(message),
        "search": _search(query),
        "people": _people_at(PEOPLE[thread]),
    }[screen]
    assert snap_compare(_app(store_url), terminal_size=SIZES[size], run_before=run)
