"""The UI on the real store: the reader's sessions work from workers and the views line up."""

from __future__ import annotations

from pathlib import Path

from tui_pilot import SIZE, PostedMessages, settle
from tui_real_store import build_store
from tui_screen_text import screen_text

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import MessageFetched, SearchCompleted, ThreadTreeFetched
from threadlore.tui.store_reader import SessionStoreReader


async def test_threads_thread_and_search_on_a_sqlite_store(
    tmp_path: Path, posted: PostedMessages
) -> None:
    store = SessionStoreReader.open(build_store(tmp_path))
    app = ThreadloreApp(store)
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await settle(pilot)
        assert "fault fix number 1" in screen_text(app) or "truncate fix number 1" in screen_text(
            app
        )
        await pilot.press("slash", *"number 1", "enter", "enter")
        await settle(pilot)
        rows = posted.of(ThreadTreeFetched)[0].rows
        assert len(rows) == 12
        assert [row.depth for row in rows[:3]] == [0, 1, 2]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        shown = [m.message.summary.id for m in posted.of(MessageFetched)]
        assert shown[:2] == [rows[0].message.id, rows[1].message.id]
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"pwned", "enter")
        await settle(pilot)
        assert [hit.id for hit in posted.of(SearchCompleted)[0].hits] == ["hostile@bench"]
        assert "title \\x1b]0;pwned\\x07 change" in screen_text(app)
