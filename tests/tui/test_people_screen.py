"""People and the drawn timeline."""

from __future__ import annotations

from tui_fake_store import FakeStore
from tui_pilot import PostedMessages, run_kwargs, settle
from tui_screen_text import screen_text

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import PeopleFetched
from threadlore.tui.widgets.people.timeline import Timeline


async def test_people_are_listed_with_counts_and_drawn_per_day(
    app: ThreadloreApp, store: FakeStore, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        (fetched,) = posted.of(PeopleFetched)
        assert [p.name for p in fetched.people][:2] == ["Nick Piggin", "Andrew Morton"]
        text = screen_text(app)
        assert "People — 5 people" in text
        assert "everyone" in text
        assert "█" in text
        assert "one column = one day" in text
        assert store.calls.count("messages_per_day None") == 1


async def test_the_highlighted_person_is_emphasised_in_the_timeline(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        assert timeline.highlighted == "Nick Piggin"
        await pilot.press("j")
        assert timeline.highlighted == "Andrew Morton"
