"""Replay: pick a proposal, compare a second, and step through a broken cell's trace."""

from __future__ import annotations

import pytest
from textual.widgets import Static
from tui_pilot import PostedMessages, run_kwargs, settle
from tui_screen_text import screen_text

from threadlore.kb.vm.explorer import check
from threadlore.kb.vm.policies import resolve
from threadlore.kb.vm.workloads import SCENARIOS
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import ProposalReplayed, TraceStepShown
from threadlore.tui.screens import trace_screen
from threadlore.tui.screens.replay_screen import ReplayScreen
from threadlore.tui.screens.trace_screen import TraceScreen
from threadlore.tui.widgets.replay.outcome_table import OutcomeTable
from threadlore.tui.widgets.replay.state_picture import CHANGED, state_picture
from threadlore.tui.widgets.replay.trace_steps import change_area, shown_value


async def _replay_first(pilot) -> ReplayScreen:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReplayScreen)
    return screen


async def _to_workload(pilot, table: OutcomeTable, workload: str) -> None:
    for _ in range(20):
        if table.current_row() is not None and table.current_row().outcome.workload == workload:
            return
        await pilot.press("j")
    raise AssertionError(f"no row {workload}")


async def test_picking_a_proposal_shows_its_outcome_on_every_workload(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        screen = await _replay_first(pilot)
        (replayed,) = posted.of(ProposalReplayed)
        assert (replayed.slot, replayed.replay.proposal.id) == (0, "lock-page")
        table = screen.query_one("#replay-left", OutcomeTable)
        assert table.row_count == len(replayed.replay.rows)
        text = screen_text(app)
        assert "lock-page · LOCK_PAGE_IN_FAULT" in text
        for word in ("allowed", "held", "io "):
            assert word in text
        assert not screen.query_one("#replay-right").display


async def test_c_compares_a_second_proposal_side_by_side(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        screen = await _replay_first(pilot)
        screen.query_one("#replay-picker").focus()
        await pilot.press("j", "c")
        await settle(pilot)
        assert [(m.slot, m.replay.policy) for m in posted.of(ProposalReplayed)] == [
            (0, "LOCK_PAGE_IN_FAULT"),
            (1, "STATUS_QUO"),
        ]
        assert screen.query_one("#replay-right").display
        assert "lock-page vs status-quo" in screen_text(app)


async def test_a_claim_about_a_workload_is_set_beside_its_outcome(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _replay_first(pilot)
        await _to_workload(pilot, screen.query_one("#replay-left", OutcomeTable), "W5")
        text = screen_text(app)
        assert "✓ confirms Nick Piggin: “These patches fix silent data corruption.”" in text
        assert "under LOCK_PAGE_IN_FAULT the model gives INV1 held" in text
        assert "W5 direct IO invalidate racing a fault" in text


async def test_a_broken_row_says_what_broke_in_the_models_words(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _replay_first(pilot)
        await _to_workload(pilot, screen.query_one("#replay-left", OutcomeTable), "W4")
        text = screen_text(app)
        assert "✗ INV2 dirty tracking, INV2b msync" in text  # the table: codes and names
        assert "✗ INV2 dirty tracking: vma 0 slot 0: pte dirty but page 0 not PG_dirty" in text


async def test_repeated_steps_are_one_row(app: ThreadloreApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _replay_first(pilot)
        screen.query_one("#replay-picker").focus()
        await pilot.press("j", "enter")  # STATUS_QUO: W2-mlocked breaks INV8 after 65 remaps
        await settle(pilot)
        await _to_workload(pilot, screen.query_one("#replay-left", OutcomeTable), "W2-mlocked")
        await pilot.press("t")
        await settle(pilot)
        trace = app.screen
        assert isinstance(trace, TraceScreen)
        text = screen_text(app)
        assert "sys_remap_file_pages  R1 ×65" in text
        assert "INV8 needs — vma 0 of uml is mlocked: not swappable" in text
        rows = len(trace.runs)
        await pilot.press("x")
        assert len(trace.runs) == len(trace.steps) > rows


async def test_a_held_row_has_no_trace_and_says_so(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await _replay_first(pilot)
        await pilot.press("enter")
        assert [n.message for n in app._notifications] == [
            "W1: every invariant held; no trace to show."
        ]


async def test_stepping_through_a_broken_cells_trace(
    app: ThreadloreApp, posted: PostedMessages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trace_screen, "PLAY_INTERVAL", 0.05)
    async with app.run_test(**run_kwargs(posted)) as pilot:
        screen = await _replay_first(pilot)
        screen.query_one("#replay-picker").focus()
        await pilot.press("j", "enter")  # STATUS_QUO breaks INV1 on W5
        await settle(pilot)
        await _to_workload(pilot, screen.query_one("#replay-left", OutcomeTable), "W5")
        await pilot.press("enter")
        await settle(pilot)
        trace = app.screen
        assert isinstance(trace, TraceScreen)
        text = screen_text(app)
        assert "W5 under STATUS_QUO: INV1 broken" in text
        assert "✗ INV1 orphan — vma 0 slot 0 maps page 0 (index 0), which was removed" in text
        legend = str(trace.query_one("#trace-legend", Static).render())
        assert (
            "F3   filemap_nopage — find_get_page (read it in if absent) — no page lock." in legend
        )
        last = len(trace.steps) - 1
        for key in ("n", "n", "N", "G", "g"):
            await pilot.press(key)
        await pilot.pause()
        assert [m.index for m in posted.of(TraceStepShown)] == [0, 1, 2, 1, last, 0]
        assert "changed:" in screen_text(app)
        await pilot.press("space")
        await pilot.pause(trace_screen.PLAY_INTERVAL * 8)
        await pilot.press("space")
        assert trace.current >= 2
        await pilot.press("q")
        assert isinstance(app.screen, ReplayScreen)


def test_changes_are_sorted_into_the_areas_of_the_vm_state() -> None:
    assert change_area("pages[1].locked_by") == "page flags"
    assert change_area("pages[1].mapping") == "page cache"
    assert change_area("pages[2]") == "page cache"
    assert change_area("vmas[0].ptes[3].kind") == "ptes"
    assert change_area("vmas[0].nonlinear") == "vmas"
    assert change_area("events[0]") == "events"
    assert change_area("clock") == "other"


def test_values_are_shown_compactly() -> None:
    assert shown_value(None) == "—"
    assert shown_value({"kind": "refused", "detail": "EINVAL"}) == "kind=refused detail=EINVAL"


async def test_o_runs_a_scenario_file_and_steps_its_trace(app: ThreadloreApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        path = SCENARIOS / "examples" / "writeback-race.scenario"
        await pilot.press(*str(path), "enter")
        await settle(pilot)
        assert isinstance(app.screen, TraceScreen)
        text = screen_text(app)
        assert "wp-fault-vs-writeout under STATUS_QUO: INV2b broken" in text
        assert "flusher" in text and "TestClearPageDirty" in text


async def test_a_mistake_in_a_scenario_file_is_one_line(app: ThreadloreApp, tmp_path) -> None:
    broken = tmp_path / "broken.scenario"
    broken.write_text('scenario b "broken"\ndevice floppy\n')
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*str(broken), "enter")
        await settle(pilot)
        (note,) = [n.message for n in app._notifications]
        assert note.startswith(f"{broken}:2:8: device is one of") and "\n" not in note


def test_the_state_picture_highlights_what_the_step_changed() -> None:
    result = check("W5", "STATUS_QUO")
    removal = result.trace[-2]  # invalidate_complete_page2 takes page 0 out of the cache
    vm, threads = removal.after
    picture = state_picture(vm, threads, resolve("STATUS_QUO"), frozenset(), removal)
    highlighted = {
        picture.plain[span.start : span.end] for span in picture.spans if span.style == CHANGED
    }
    assert {"removed", "empty"} <= highlighted  # the page's home, and the cache
    assert "waits" not in picture.plain and "▶ dio" in picture.plain
    assert "next F4 do_no_page" in picture.plain  # where the fault stands
