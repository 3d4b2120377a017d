"""The thread list: what it shows, how it pages, how `/` filters and `enter` opens a thread."""

from __future__ import annotations

import re

from tui_fake_store import FakeStore, many_threads
from tui_pilot import PostedMessages, run_kwargs
from tui_screen_text import screen_text

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import ThreadChosen, ThreadsFetched
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.screens.threads_screen import PAGE_SIZE, TYPING_PAUSE
from threadlore.tui.widgets.threads.thread_table import ThreadTable


async def test_threads_show_subject_count_people_and_dates(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[patch 0/6] fault vs truncate/invalidate race fix" in text
        assert "Nick Piggin, Andrew Morton +2" in text
        assert "2007-02-21  2007-03-02" in text
        assert "Threads — 2 threads" in text
        assert [m.total for m in posted.of(ThreadsFetched)] == [2]


async def test_escape_sequences_in_a_subject_are_shown_not_sent(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "odd \\x1b[31mred\\x1b[0m subject" in screen_text(app)
        assert "\x1b" not in screen_text(app)


async def test_the_list_pages_as_the_cursor_nears_its_end(posted: PostedMessages) -> None:
    store = FakeStore(many_threads(PAGE_SIZE * 2 + 10))
    app = ThreadloreApp(store)
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ThreadTable)
        assert table.row_count == PAGE_SIZE
        await pilot.press("G")
        await pilot.pause()
        assert table.row_count == PAGE_SIZE * 2
        await pilot.press("G")
        await pilot.pause()
        assert table.row_count == PAGE_SIZE * 2 + 10
        offsets = [m.offset for m in posted.of(ThreadsFetched)]
        assert offsets == [0, PAGE_SIZE, PAGE_SIZE * 2]
        assert store.calls.count("count_threads None") == 1


async def test_slash_filters_and_escape_clears(
    app: ThreadloreApp, store: FakeStore, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"mallory")
        await pilot.pause(TYPING_PAUSE * 2)
        table = app.screen.query_one(ThreadTable)
        assert table.row_count == 1
        assert "1 thread matching “mallory”" in screen_text(app)
        assert "count_threads mallory" in store.calls
        assert not any(call.startswith("count_threads mallor ") for call in store.calls)
        await pilot.press("enter", "escape")
        await pilot.pause(TYPING_PAUSE * 2)
        assert table.row_count == 2
        assert app.focused is table


async def test_enter_opens_the_thread_under_the_cursor(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await pilot.pause()
        await pilot.press("j", "k", "enter")
        await pilot.pause()
        assert posted.of(ThreadChosen) == [ThreadChosen(1, None)]
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.thread_id == 1


async def test_an_empty_store_says_how_to_fill_it(posted: PostedMessages) -> None:
    app = ThreadloreApp(FakeStore([]))
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await pilot.pause()
        assert "threadlore import FILE" in screen_text(app)


async def test_at_80_columns_a_long_list_shows_each_last_date_whole() -> None:
    """The scrollbar of a list longer than the screen took the last date's final digits."""
    app = ThreadloreApp(FakeStore(many_threads(60)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = [line for line in screen_text(app).splitlines() if "thread number" in line]
        assert len(rows) > 10
        assert all(re.search(r"\d{4}-\d{2}-\d{2}\W*$", row) for row in rows), rows
