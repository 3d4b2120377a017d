"""SVG snapshots of every screen at a fixed size (update with `pytest --snapshot-update`)."""

from __future__ import annotations

from typing import Any

from tui_fake_store import FakeStore, seed_like_messages
from tui_pilot import SIZE, settle

from threadlore.tui.app import ThreadloreApp


def _app() -> ThreadloreApp:
    return ThreadloreApp(FakeStore(seed_like_messages()))


def test_threads_screen(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=SIZE, run_before=settle)


def test_thread_screen_with_a_patch(snap_compare: Any) -> None:
    async def open_patch(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=open_patch)


def test_thread_screen_with_an_inferred_author(snap_compare: Any) -> None:
    async def open_guess(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j", "j", "j")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=open_guess)


def test_search_screen_with_hits(snap_compare: Any) -> None:
    async def search(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press(*"lock page", "enter")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=search)


def test_people_screen_with_timeline(snap_compare: Any) -> None:
    async def people(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=people)


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
