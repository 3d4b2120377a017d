"""Recording words of a message on its thread's map, and correcting what was inferred, in the UI."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_pilot import settle
from tui_real_decisions import KEVIN_ASKS, MING_REPLIES, NBD_THREAD, ScreenHost, message, nbd_store
from tui_screen_text import screen_text

from threadlore.tui.dialogs.correct_dialog import CorrectDialog
from threadlore.tui.dialogs.record_dialog import RecordDialog

pytestmark = pytest.mark.skipif(not NBD_THREAD.is_file(), reason="no shared corpora")


async def test_a_sentence_becomes_a_proposal_under_a_new_question(tmp_path: Path) -> None:
    decisions = nbd_store(tmp_path)
    host = ScreenHost(RecordDialog(decisions, message(decisions, KEVIN_ASKS)))
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Add to the map: words of Kevin Wolf" in screen_text(host)
        for _ in range(30):  # down to option 1 of the four
            words = host.screen.query_one("#words").value  # type: ignore[attr-defined]
            if words.startswith("1. Is it that blk-mq"):
                break
            await pilot.press("j")
        await pilot.press("p")
        await pilot.press("tab")  # past the question (a new one, there is no map yet)
        await pilot.press(*"Who keeps the cookie?")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert host.result == "1-is-it-that-blk-mq"
    [stored] = decisions.maps(1)
    proposal = stored.discussion.proposal("1-is-it-that-blk-mq")
    assert stored.discussion.question(proposal.question_id).title == "Who keeps the cookie?"
    assert proposal.sources[0].by == "Kevin Wolf" and proposal.recorded is not None
    assert proposal.recorded.by == "reader"


async def test_an_argument_against_names_its_target_and_a_refusal_stays_on_the_form(
    tmp_path: Path,
) -> None:
    decisions = nbd_store(tmp_path)
    slug = decisions.add_proposal(
        1,
        KEVIN_ASKS,
        "1. Is it that blk-mq should always re-run the request with the same tag?",
        question="Who keeps the cookie?",
    )
    host = ScreenHost(RecordDialog(decisions, message(decisions, MING_REPLIES)))
    async with host.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("minus")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose what the argument is about." in screen_text(host)
        target = host.screen.query_one("#target")
        target.value = slug  # type: ignore[attr-defined]
        host.screen.query_one("#words").value = "words Ming never wrote"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "the quote is not in" in screen_text(host)
        host.screen.query_one("#words").value = "No. request->tag will change"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
    [stored] = decisions.maps(1)
    [argument] = stored.discussion.arguments
    assert argument.attacks == (slug,) and argument.quote.by == "Ming Lei"
    assert host.result == argument.id


async def test_a_corrected_author_is_recorded_and_undone(tmp_path: Path) -> None:
    decisions = nbd_store(tmp_path)
    host = ScreenHost(CorrectDialog(decisions, message(decisions, MING_REPLIES)))
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        author = host.screen.query_one("#correct-author")
        author.value = "Ming Lei <ming.lei@example.org>"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert host.result and "author corrected to Ming Lei <ming.lei@example.org>" in host.result[0]  # type: ignore[index]
    assert message(decisions, MING_REPLIES).author_email == "ming.lei@example.org"
    again = ScreenHost(CorrectDialog(decisions, message(decisions, MING_REPLIES)))
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
    assert message(decisions, MING_REPLIES).author_email == "ming.lei@redhat.com"
