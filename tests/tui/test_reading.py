"""Reading as a mutt user does: the pager's keys and position, `q`/`escape` back where one came
from, n/N through a search's matches in a thread, collapsed sub-threads, the layout by width."""

from __future__ import annotations

from typing import Any

import pytest
from tui_fake_store import FakeMessage, FakeStore, seed_like_messages
from tui_pilot import PostedMessages, settle
from tui_screen_text import screen_text

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import MessageFetched
from threadlore.tui.screens.decisions_screen import DecisionsScreen
from threadlore.tui.screens.people_screen import PeopleScreen
from threadlore.tui.screens.replay_screen import ReplayScreen
from threadlore.tui.screens.search_screen import SearchScreen
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.screens.threads_screen import ThreadsScreen
from threadlore.tui.widgets.message.message_pane import MessagePane, position_label
from threadlore.tui.widgets.thread.reply_tree import ReplyTree

LONG_BODY = "\n".join(f"line {n} of a long message" for n in range(1, 101))


def long_thread() -> list[FakeMessage]:
    """The seed-like thread, its first reply 100 lines long."""
    messages = seed_like_messages()
    messages[2] = FakeMessage(
        "m2", 1, "Andrew Morton", "Re: [patch 1/6] mm: lock page in fault", LONG_BODY, "m1", 9000
    )
    return messages


async def _open(app: ThreadloreApp, pilot: Any, message: str = "m2", query: str | None = None):
    await settle(pilot)
    app.push_screen(ThreadScreen(app.store, 1, message, query=query))
    await settle(pilot)
    return app.screen.query_one(MessagePane)


def _top(pane: MessagePane) -> int:
    return round(pane.scroll_y)


def test_the_position_reads_like_less() -> None:
    assert position_label(0, 20, 15) == "all"
    assert position_label(0, 20, 100) == "1–20/100 · 20%"
    assert position_label(80, 20, 100) == "81–100/100 · end"


async def test_pager_keys_scroll_the_message_and_show_where_it_is(posted: PostedMessages) -> None:
    app = ThreadloreApp(FakeStore(long_thread()))
    async with app.run_test(size=(80, 24), message_hook=posted) as pilot:
        pane = await _open(app, pilot)
        await pilot.press("enter")  # read: the pager has the keys now
        assert app.focused is pane
        height = pane.scrollable_content_region.height
        await pilot.press("j", "j", "j", "k")
        assert _top(pane) == 2
        await pilot.press("space")
        assert _top(pane) == 2 + height - 1
        await pilot.press("minus")
        assert _top(pane) == 2
        await pilot.press("G")
        assert pane.is_vertical_scroll_end
        assert pane.border_subtitle.endswith("· end")
        await pilot.press("g")
        await pilot.pause()
        assert _top(pane) == 0
        assert pane.border_subtitle.startswith(f"1–{height}/")
        await pilot.press("G", "space")  # space on the last page: the next message
        await settle(pilot)
        assert [m.message.summary.id for m in posted.of(MessageFetched)][-1] == "m3"
        assert app.focused is pane


async def test_space_and_minus_page_the_message_from_the_index() -> None:
    app = ThreadloreApp(FakeStore(long_thread()))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await _open(app, pilot)
        assert isinstance(app.focused, ReplyTree)
        await pilot.press("space")
        assert _top(pane) > 0
        await pilot.press("minus")
        assert _top(pane) == 0
        assert isinstance(app.focused, ReplyTree)


async def test_q_leaves_the_pager_then_the_thread_and_escape_never_quits() -> None:
    app = ThreadloreApp(FakeStore(long_thread()))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await _open(app, pilot)
        await pilot.press("enter", "z")
        assert app.screen.maximized is pane
        await pilot.press("q")  # unzoom
        assert app.screen.maximized is None and app.focused is pane
        await pilot.press("q")  # back to the index
        assert isinstance(app.focused, ReplyTree)
        await pilot.press("escape")  # back to the thread list
        assert isinstance(app.screen, ThreadsScreen)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen) and app.is_running


async def test_q_goes_back_the_way_one_came_then_quits_at_home(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "4")
        await settle(pilot)
        await pilot.press("j", "j")  # the first proposal, which names a model policy
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReplayScreen)
        visited = []
        for _ in range(3):
            await pilot.press("q")
            await settle(pilot)
            visited.append(type(app.screen))
        assert visited == [DecisionsScreen, PeopleScreen, ThreadsScreen]
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_home_forgets_the_way_back_and_a_search_keeps_its_thread(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", *"lock page", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("3", "2")  # away and back: the search still has its thread open
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("q")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("1", "q")
        await pilot.pause()
    assert app.return_code == 0


async def test_n_and_shift_n_visit_the_search_matches_of_a_thread(
    posted: PostedMessages,
) -> None:
    app = ThreadloreApp(FakeStore(long_thread()))
    async with app.run_test(size=(120, 36), message_hook=posted) as pilot:
        await _open(app, pilot, message="m0", query="lock")
        tree = app.screen.query_one(ReplyTree)
        assert tree.hits == {"m1", "m2", "m3"}
        assert "3 messages here match “lock”: n/N move between them." in [
            n.message for n in app._notifications
        ]
        visited = []
        for key in ("n", "n", "n", "n", "N"):
            await pilot.press(key)
            await settle(pilot)
            visited.append(tree.current_id())
        assert visited == ["m1", "m2", "m3", "m1", "m3"]  # round the thread and back
        pane = app.screen.query_one(MessagePane)
        assert pane.matches is not None and pane.matches.subject  # "lock" in the subject


async def test_a_match_deep_in_a_message_is_scrolled_into_view() -> None:
    app = ThreadloreApp(FakeStore(long_thread()))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await _open(app, pilot, message="m2", query="90")
        await settle(pilot)
        assert "line 90 of a long message" in screen_text(app)
        assert _top(pane) > 50


async def test_n_without_a_search_says_how_to_get_one(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(app, pilot)
        await pilot.press("n")
        assert "open the thread from a search" in list(app._notifications)[-1].message


async def test_v_collapses_a_sub_thread_and_opening_a_hidden_message_opens_it() -> None:
    app = ThreadloreApp(FakeStore(long_thread()))
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(app, pilot, message="m1")
        tree = app.screen.query_one(ReplyTree)
        await pilot.press("v")
        assert [row.message.id for row in tree._shown] == ["m0", "m1", "m4", "m5"]
        assert "(+2)" in screen_text(app)
        await pilot.press("v")
        assert len(tree._shown) == 6
        await pilot.press("V")  # every reply to the root that has replies
        assert tree.collapsed == {"m1"}
        tree.move_to("m3")
        assert tree.current_id() == "m3" and not tree.collapsed


@pytest.mark.parametrize(("size", "side_by_side"), [((80, 24), False), ((160, 48), True)])
async def test_the_message_keeps_60_columns_index_above_it_or_beside_it(
    size: tuple[int, int], side_by_side: bool
) -> None:
    app = ThreadloreApp(FakeStore(long_thread()))
    async with app.run_test(size=size) as pilot:
        pane = await _open(app, pilot)
        tree = app.screen.query_one(ReplyTree)
        assert pane.scrollable_content_region.width >= 60
        if side_by_side:
            assert tree.region.y == pane.region.y and tree.region.right <= pane.region.x
        else:
            assert tree.region.bottom <= pane.region.y and tree.region.width == pane.region.width
