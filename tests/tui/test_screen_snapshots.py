"""SVG snapshots of the reading screens and a thread's map and candidates on a real store (the
seed, with its curated map, and a thread of another list, with none), at 80×24 and at 160×48
(update with `pytest --snapshot-update`, then look at them)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tui_corpus_store import LIST_THREADS, SEED, session_folder, shared_store
from tui_pilot import settle

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.decision_source import SessionDecisions
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


def _recording_app(url: str, folder: Path) -> ThreadloreApp:
    """The app that may write (extraction stores candidates), on a private copy of the store."""
    copy = folder / "store.sqlite"
    with (
        sqlite3.connect(url.removeprefix("sqlite:///")) as shared,
        sqlite3.connect(copy) as private,
    ):
        shared.backup(private)  # with what the write-ahead log holds
    reader = SessionStoreReader.open(f"sqlite:///{copy}")
    return ThreadloreApp(reader, decisions=SessionDecisions(lambda: reader.sessions, "reader"))


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
        thread = app.store.resolve_thread(message_id)
        app.push_screen(ThreadScreen(app.store, thread, message_id, app.decisions))
        await settle(pilot)

    return run


def _from_thread(message_id: str, *keys: str) -> Run:
    """Open the thread at `message_id`, then press `keys` (m: its map, then x: its candidates)."""
    opened = _open_thread(message_id)

    async def run(pilot: Any) -> None:
        await opened(pilot)
        for key in keys:
            await pilot.press(key)
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
@pytest.mark.parametrize(
    "screen", ["threads", "thread", "search", "people", "decisions", "candidates"]
)
def test_screen(
    snap_compare: Any, store_url: str, screen: str, thread: str, size: str, tmp_path: Path
) -> None:
    row, query, message = THREADS[thread]
    run = {
        "threads": _to_thread_row(row),
        "thread": _open_thread(message),
        "search": _search(query),
        "people": _people_at(PEOPLE[thread]),
        "decisions": _from_thread(message, "m"),
        "candidates": _from_thread(message, "m", "x"),
    }[screen]
    app = _recording_app(store_url, tmp_path) if screen == "candidates" else _app(store_url)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run)
