"""App-wide keys: sections, `q` back and quit, `?` help, `ctrl+p` reaching every screen."""

from __future__ import annotations

import threading

import pytest
from textual.command import CommandPalette
from tui_fake_store import FakeStore, seed_like_messages
from tui_pilot import run_kwargs, settle

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.deferred_store import DeferredStoreReader
from threadlore.tui.screens.people_screen import PeopleScreen
from threadlore.tui.screens.search_screen import SearchScreen
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.screens.threads_screen import ThreadsScreen


async def test_number_keys_switch_sections_and_q_goes_home_then_quits(
    app: ThreadloreApp, posted
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        assert isinstance(app.screen, PeopleScreen)
        await pilot.press("2")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape", "1")  # leave the query box, then go home
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        await pilot.press("3", "q")
        assert isinstance(app.screen, ThreadsScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_q_closes_a_thread_before_it_quits(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("q")
        assert isinstance(app.screen, ThreadsScreen)


async def test_question_mark_toggles_the_keys_panel(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")


async def test_the_palette_reaches_every_section_and_the_screens_actions(
    app: ThreadloreApp,
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        names = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Threads", "Search", "People and timeline"} <= set(names)
        assert {"Prev", "Next", "Parent", "Zoom", "Back", "Help"} <= set(names)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"people", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)


async def test_starting_at_a_thread_opens_it_over_the_list(store) -> None:
    app = ThreadloreApp(store, start_thread=2)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.thread_id == 2
        await pilot.press("q")
        assert isinstance(app.screen, ThreadsScreen)


class FailingStore(FakeStore):
    """A store whose disk fails when a thread is opened."""

    def thread_tree(self, thread_id: int) -> list:
        raise OSError("disk I/O error\nsecond line the user need not see")


async def test_a_failing_store_call_is_a_one_line_notice_not_a_crash() -> None:
    app = ThreadloreApp(FailingStore(seed_like_messages()))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [n.message for n in app._notifications] == ["disk I/O error"]
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("q")
        assert isinstance(app.screen, ThreadsScreen)


async def test_a_deferred_store_opens_once_in_a_worker(store: FakeStore) -> None:
    opened: list[int] = []

    def open_reader() -> FakeStore:
        opened.append(threading.get_ident())
        return store

    app = ThreadloreApp(DeferredStoreReader(open_reader))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert len(opened) == 1
        assert opened[0] != threading.get_ident()
        assert "thread_tree 1" in store.calls


class CrashingStore(FakeStore):
    """A store whose thread tree is malformed: showing it raises in the event loop."""

    def thread_tree(self, thread_id: int) -> list:
        return [None]


async def test_a_crash_exits_1_with_one_line_and_the_traceback_in_a_log(tmp_path) -> None:
    app = ThreadloreApp(CrashingStore(seed_like_messages()), crash_log_dir=tmp_path / "logs")
    with pytest.raises(AttributeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
    assert app.return_code == 1
    (log,) = (tmp_path / "logs").iterdir()
    assert log == app.crash_log
    assert "Traceback (most recent call last)" in log.read_text()
    assert "AttributeError" in log.read_text()
    message = app.crash_message or ""
    # which attribute of the missing message is read first depends on which pane paints first
    assert message.startswith(
        "the UI stopped on an unexpected error: AttributeError: 'NoneType' object has no attribute"
    )
    assert message.endswith(f"(traceback in {log})") and "\n" not in message
    assert not app._exit_renderables  # no traceback over the terminal
