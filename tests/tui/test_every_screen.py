"""Every screen, and every thread of the shared lists corpus, opened through Pilot on real stores:
an empty one, one of every corpus (many lists, no decision map) and the same with the seed
beside them. Any exception fails the test (Pilot re-raises it), and so does any error notice; an
empty store says what to do next on every screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tui_corpus_store import (
    LIST_THREADS,
    corpora_and_seed_store,
    corpora_store,
    list_thread_roots,
    session_folder,
)
from tui_pilot import settle
from tui_screen_text import screen_text

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.screens.decisions_screen import DecisionsScreen
from threadlore.tui.screens.people_screen import PeopleScreen
from threadlore.tui.screens.replay_screen import ReplayScreen
from threadlore.tui.screens.search_screen import SearchScreen
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.screens.threads_screen import ThreadsScreen
from threadlore.tui.store_reader import SessionStoreReader

pytestmark = pytest.mark.skipif(not LIST_THREADS.is_dir(), reason="no shared corpora")

SIZES = ((80, 24), (160, 48))
EVERY_KEY = ("j", "enter", "space", "minus", "G", "g", "e", "h", "q", "v", "V", "z", "z", "n")
SOME_KEYS = ("G", "space")  # the last message, paged: the rest of EVERY_KEY once per kind of thread
ALL_KEYS_ON = {"the seed", "ksummit-change-id-2019.mbox", "nbd-wrong-cookie-2024.mbox"}
SEED_ROOT = "594eb4b8982e"  # the cover letter's content hash


class MapsReadOnce(SessionStoreReader):
    """The real reader, with the decision maps read once: reading them costs a second (it
    refreshes them from the shipped files) and nothing changes them during these tests."""

    def __init__(self, url: str) -> None:
        super().__init__(SessionStoreReader.open(url).sessions)
        self._maps: list[Any] | None = None

    def decision_maps(self) -> list[Any]:
        if self._maps is None:
            self._maps = super().decision_maps()
        return self._maps


def _words(app: ThreadloreApp) -> str:
    """The screen's text as one line of words: borders gone, wrapped lines joined."""
    return " ".join(re.sub("[│╭╮╰╯─▊▎▔▁]", " ", screen_text(app)).split())


def _errors(app: ThreadloreApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def _visit_sections(app: ThreadloreApp, pilot: Any, query: str) -> dict[type, str]:
    """Open each section, press its keys, and return what each showed."""
    shown: dict[type, str] = {}
    await settle(pilot)
    await pilot.press("j", "G", "g")
    await settle(pilot)
    shown[ThreadsScreen] = _words(app)
    await pilot.press("2", *query, "enter")
    await settle(pilot)
    await pilot.press("n", "space", "N")
    await settle(pilot)
    shown[SearchScreen] = _words(app)
    for key, kind in (("3", PeopleScreen), ("4", DecisionsScreen), ("5", ReplayScreen)):
        await pilot.press(key)
        await settle(pilot)
        await pilot.press("j", "k")
        await settle(pilot)
        assert isinstance(app.screen, kind)
        shown[kind] = _words(app)
    return shown


async def _read_thread(
    app: ThreadloreApp, pilot: Any, thread_id: int, keys: tuple[str, ...]
) -> str:
    """Open a thread (as from a search), press reading keys, and leave it; return its title."""
    app.push_screen(ThreadScreen(app.store, thread_id, query="the"))
    await settle(pilot)
    shown = app.screen.sub_title
    await pilot.press(*keys, "escape", "escape")
    await settle(pilot)
    if isinstance(app.screen, ThreadScreen):
        await pilot.press("q")
        await settle(pilot)
    assert not isinstance(app.screen, ThreadScreen)
    return shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_screen_says_what_to_do_next_on_an_empty_store(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = ThreadloreApp(SessionStoreReader.open(f"sqlite:///{tmp_path / 'empty.sqlite'}"))
    async with app.run_test(size=size) as pilot:
        shown = await _visit_sections(app, pilot, "anything")
        assert "threadlore import FILE" in shown[ThreadsScreen]
        assert "No message matches “anything”" in shown[SearchScreen]
        assert "threadlore import FILE" in shown[PeopleScreen]
        assert "No decision map in the store yet" in shown[DecisionsScreen]
        assert "No decision map with proposals yet" in shown[ReplayScreen]
        assert _errors(app) == []
        await pilot.press("q", "q", "q", "q", "q", "q")
        await pilot.pause()
    assert app.return_code == 0


async def _read_threads(app: ThreadloreApp, pilot: Any, threads: dict[str, int]) -> None:
    for name, thread_id in threads.items():
        keys = EVERY_KEY if name in ALL_KEYS_ON else SOME_KEYS
        title = await _read_thread(app, pilot, thread_id, keys)
        assert title.endswith("messages)"), name
        assert _errors(app) == [], name


async def test_every_screen_works_on_many_lists_without_a_decision_map(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    store = MapsReadOnce(corpora_store(session_folder(tmp_path_factory)))
    roots = list_thread_roots()
    app = ThreadloreApp(store)
    async with app.run_test(size=SIZES[0]) as pilot:
        shown = await _visit_sections(app, pilot, "patch")
        assert "hits for “patch”" in shown[SearchScreen]
        assert "No decision map in the store yet" in shown[DecisionsScreen]
        some = {
            name: store.resolve_thread(roots[name]) for name in sorted(ALL_KEYS_ON & set(roots))
        }
        await _read_threads(app, pilot, some)
        await pilot.press(*"q" * 10)
        await pilot.pause()
    assert app.return_code == 0


async def test_every_thread_of_the_lists_opens_with_the_seed_beside_them(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    store = MapsReadOnce(corpora_and_seed_store(session_folder(tmp_path_factory)))
    app = ThreadloreApp(store)
    async with app.run_test(size=SIZES[0]) as pilot:
        shown = await _visit_sections(app, pilot, "patch")
        assert "fault vs truncate" in shown[DecisionsScreen]
        threads = {name: store.resolve_thread(root) for name, root in list_thread_roots().items()}
        threads["the seed"] = store.resolve_thread(SEED_ROOT)
        await _read_threads(app, pilot, threads)
        await pilot.press(*"q" * 10)
        await pilot.pause()
    assert app.return_code == 0
