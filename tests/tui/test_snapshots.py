"""SVG snapshots of the decisions, replay and trace screens at a fixed size (update with
`pytest --snapshot-update`); the reading screens are in test_screen_snapshots.py."""

from __future__ import annotations

from typing import Any

from tui_fake_store import FakeStore, seed_like_messages
from tui_pilot import SIZE, settle

from threadlore.tui.app import ThreadloreApp


def _app() -> ThreadloreApp:
    return ThreadloreApp(FakeStore(seed_like_messages()))


def test_decisions_screen_with_a_proposal_open(snap_compare: Any) -> None:
    async def decisions(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("j", "j", "space", "j", "j")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=decisions)


def test_replay_screen_comparing_two_proposals(snap_compare: Any) -> None:
    async def replay(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("shift+tab", "j", "c")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=replay)


def test_trace_screen_on_a_broken_invariant(snap_compare: Any) -> None:
    async def trace(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press(*"jjjjjjj", "enter")
        await settle(pilot)
        await pilot.press("n", "n")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=trace)
