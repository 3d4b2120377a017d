"""Search: the query runs off the loop, hits list newest first, `n`/`N` step, `enter` opens."""

from __future__ import annotations

from tui_fake_store import FakeStore
from tui_pilot import PostedMessages, run_kwargs, settle
from tui_screen_text import screen_text

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import MessageFetched, SearchCompleted, SearchFailed, ThreadChosen
from threadlore.tui.screens.search_screen import SearchScreen
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.widgets.search.hit_list import HitList
from threadlore.tui.widgets.thread.reply_tree import ReplyTree


async def _search(pilot, query: str) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await pilot.press(*query, "enter")
    await settle(pilot)


async def test_2_opens_search_and_enter_runs_the_query(
    app: ThreadloreApp, store: FakeStore, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _search(pilot, "lock page")
        assert isinstance(app.screen, SearchScreen)
        (completed,) = posted.of(SearchCompleted)
        assert completed.query == "lock page"
        assert [hit.id for hit in completed.hits] == ["m3", "m2", "m1"]
        assert "search_messages lock page 50 0" in store.calls
        assert "3 hits for “lock page”" in screen_text(app)
        assert posted.of(MessageFetched)[-1].message.summary.id == "m3"


async def test_n_and_shift_n_step_through_hits_and_preview_each(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _search(pilot, "lock page")
        for key in ("n", "n", "N"):
            await pilot.press(key)
            await settle(pilot)
        assert [m.message.summary.id for m in posted.of(MessageFetched)] == ["m3", "m2", "m1", "m2"]
        assert app.screen.query_one(HitList).current_hit().id == "m2"


async def test_enter_on_a_hit_opens_it_in_its_thread(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _search(pilot, "lock page")
        await pilot.press("n", "enter")
        await settle(pilot)
        assert posted.of(ThreadChosen) == [ThreadChosen(1, "m2", "lock page")]
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.query_one(ReplyTree).current_row().message.id == "m2"
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_a_bad_query_is_explained_in_one_line(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _search(pilot, '"unbalanced')
        assert [m.error for m in posted.of(SearchFailed)] == ["unbalanced quote in query"]
        assert [n.message for n in app._notifications] == ["unbalanced quote in query"]


async def test_slash_returns_to_the_query(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await _search(pilot, "lock")
        assert isinstance(app.focused, HitList)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search-query")
