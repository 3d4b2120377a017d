"""The key hints along the bottom: the screen's shown keys in order, closed up and cut between
hints when the width is short, the palette's key at the right, redrawn as screens change, and a
click on a hint pressing its key."""

from __future__ import annotations

from tui_pilot import settle

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.screens.people_screen import PeopleScreen
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.widgets.common.key_hints import KeyHints


def _line(app: ThreadloreApp) -> str:
    return str(app.screen.query_one(KeyHints).render())


async def test_the_hints_are_the_screens_shown_keys_and_follow_the_screen(
    app: ThreadloreApp,
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        line = _line(app)
        assert line.startswith(" / Filter  q Back/quit  ? Help ")
        assert line.endswith("▏^p palette ") and len(line) == 120
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert _line(app).startswith(" q Back/quit  ? Help  / Search ")


async def test_a_short_line_closes_up_and_leaves_off_whole_hints(app: ThreadloreApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        line = _line(app)
        assert line.startswith("[ Prev ] Next p Parent z Zoom ")
        assert len(line) == 80 and line.endswith("▏^p palette ")
        shown = line.split("▏")[0].rstrip()
        assert shown.endswith(("Correct", "map"))  # a whole hint last, never half of one
        assert "Interdiff" not in line


async def test_a_click_on_a_hint_presses_its_key(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        at = _line(app).index("? Help")
        await pilot.click(KeyHints, offset=(at, 0))
        await pilot.pause()
        assert app.screen.query("HelpPanel")
