"""SVG snapshots of Replay and Trace (with the state picture) at 80×24 and 160×48
(update with `pytest --snapshot-update`)."""

from __future__ import annotations

from typing import Any

import pytest
from tui_fake_store import FakeStore, seed_like_messages
from tui_pilot import settle

from threadlore.tui.app import ThreadloreApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


def _app() -> ThreadloreApp:
    return ThreadloreApp(FakeStore(seed_like_messages()))


@pytest.mark.parametrize("size", SIZES)
def test_replay_with_a_broken_row(snap_compare: Any, size: tuple[int, int]) -> None:
    async def replay(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("j", "enter")  # STATUS_QUO
        await settle(pilot)
        await pilot.press(*"jjjjjjj")  # W5: INV1 broken, with the thread's claims
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=replay)


@pytest.mark.parametrize("size", SIZES)
def test_trace_with_the_state_picture(snap_compare: Any, size: tuple[int, int]) -> None:
    async def trace(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press(*"jjjjjjj", "enter")  # W5's trace
        await settle(pilot)
        await pilot.press("G", "N")  # the removal: the page leaves the cache while mapped
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=size, run_before=trace)
