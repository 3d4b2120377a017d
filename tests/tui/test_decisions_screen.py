"""The decisions map: the tree, status badges, `enter` on a quote, `r` to replay a proposal."""

from __future__ import annotations

from tui_pilot import PostedMessages, run_kwargs, settle
from tui_screen_text import screen_text

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import (
    DecisionMapsFetched,
    ProposalReplayed,
    ReplayRequested,
    ThreadChosen,
)
from threadlore.tui.screens.decisions_screen import DecisionsScreen
from threadlore.tui.screens.replay_screen import ReplayScreen
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.widgets.decisions.decision_tree import DecisionTree
from threadlore.tui.widgets.thread.reply_tree import ReplyTree


async def _open_decisions(pilot) -> DecisionTree:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DecisionsScreen)
    return pilot.app.screen.query_one(DecisionTree)


async def _cursor_to(pilot, tree: DecisionTree, label_start: str) -> None:
    """Press `j` until the cursor's label starts with `label_start`."""
    for _ in range(30):
        if tree.cursor_node is not None and str(tree.cursor_node.label).startswith(label_start):
            return
        await pilot.press("j")
    raise AssertionError(f"no node starting with {label_start!r}")


async def test_topics_questions_and_proposals_with_status_badges(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _open_decisions(pilot)
        assert len(posted.of(DecisionMapsFetched)) == 1
        text = screen_text(app)
        assert "The fault vs truncate race" in text
        assert "[merged-later] ? How to stop the race?" in text  # the question's outcome
        assert "[merged-later] Lock the page in the fault path" in text
        assert "[rejected] Keep the truncate_count protocol" in text
        assert "[proposed] Merge the series into -mm now" in text
        assert "1 map, 3 proposals" in text


async def test_a_proposal_opens_onto_its_sources_and_arguments_for_and_against(
    app: ThreadloreApp,
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        tree = await _open_decisions(pilot)
        await _cursor_to(pilot, tree, "[merged-later] Lock")
        await pilot.press("space")
        await pilot.pause()
        children = [str(node.label) for node in tree.cursor_node.children]
        assert children == [
            "“ Nick Piggin 2007-02-21 00:50: “Lock the page over the fault.”",
            "− Andrew Morton 2007-02-27 00:49: “It still hurts.”",
            "+ Nick Piggin 2007-02-27 01:19: “It is better than data corruption.”",
            "+ Nick Piggin 2007-02-21 00:49: “These patches fix silent data corruption.”",
        ]
        text = screen_text(app)
        assert "Merged in 2.6.23." in text  # the detail pane: the status's summary
        assert "2 arguments for, 1 against" in text


async def test_enter_on_an_argument_opens_its_message_in_the_thread(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        tree = await _open_decisions(pilot)
        await _cursor_to(pilot, tree, "[merged-later] Lock")
        await pilot.press("space")
        await _cursor_to(pilot, tree, "− Andrew")
        await pilot.press("enter")
        await settle(pilot)
        assert posted.of(ThreadChosen) == [ThreadChosen(1, "m2")]
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.query_one(ReplyTree).current_row().message.id == "m2"
        await pilot.press("q")
        assert isinstance(app.screen, DecisionsScreen)


async def test_r_replays_the_proposal_under_the_cursor(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        tree = await _open_decisions(pilot)
        await _cursor_to(pilot, tree, "[merged-later] Lock")
        await pilot.press("r")
        await settle(pilot)
        await settle(pilot)
        assert [m.proposal_id for m in posted.of(ReplayRequested)] == ["lock-page"]
        assert isinstance(app.screen, ReplayScreen)
        (replayed,) = posted.of(ProposalReplayed)
        assert replayed.replay.policy == "LOCK_PAGE_IN_FAULT"
        assert "W5" in screen_text(app)


async def test_r_on_a_proposal_without_a_policy_says_so(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        tree = await _open_decisions(pilot)
        await _cursor_to(pilot, tree, "[proposed]")
        await pilot.press("r")
        assert [n.message for n in app._notifications] == [
            "Merge the series into -mm now names no model policy."
        ]


async def test_a_quote_not_found_in_the_store_cannot_be_opened(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        tree = await _open_decisions(pilot)
        await _cursor_to(pilot, tree, "[rejected]")
        await pilot.press("space")
        await _cursor_to(pilot, tree, "− Hugh")
        await pilot.press("enter")
        assert [n.message for n in app._notifications] == [
            "This quote was not found in a stored message."
        ]
