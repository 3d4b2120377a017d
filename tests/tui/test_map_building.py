"""Building a map for a thread nobody curated, in the UI alone: record, decide, correct, curate
candidates; quit, re-import, and find it all; the exported file loads back identically."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_pilot import settle
from tui_real_decisions import (
    KEVIN_ASKS,
    MING_REPLIES,
    NBD_THREAD,
    nbd_sessions,
)
from tui_screen_text import screen_text

from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.importers.detect import read_inputs
from threadlore.kb.decisions import DecisionService
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.decision_source import SessionDecisions
from threadlore.tui.dialogs.record_dialog import RecordDialog
from threadlore.tui.screens.candidates_screen import CandidatesScreen
from threadlore.tui.screens.decisions_screen import DecisionsScreen
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.store_reader import SessionStoreReader
from threadlore.tui.widgets.thread.reply_tree import ReplyTree

pytestmark = pytest.mark.skipif(not NBD_THREAD.is_file(), reason="no shared corpora")
MING_LATER = "ZxB8Cpc8ZCdY1HdQ@fedora"
SIZE = (100, 32)


def _app(folder: Path) -> tuple[ThreadloreApp, SessionDecisions]:
    """The app on a new store of the nbd thread, opened at Kevin's report, able to record."""
    sessions = nbd_sessions(folder)
    decisions = SessionDecisions(lambda: sessions, "reader")
    store = SessionStoreReader(sessions)
    app = ThreadloreApp(store, decisions=decisions, start_thread=1, start_message=KEVIN_ASKS)
    return app, decisions


async def _at_message(pilot, message_id: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ThreadScreen)
    screen.query_one(ReplyTree).move_to(message_id)
    await settle(pilot)
    assert screen.shown_message_id == message_id


async def _pick(pilot, starts: str, kind_key: str) -> None:
    """In the record dialog: move down to the sentence, then say what it is."""
    dialog = pilot.app.screen
    assert isinstance(dialog, RecordDialog)
    for _ in range(40):
        if dialog.query_one("#words").value.startswith(starts):
            break
        await pilot.press("j")
    else:
        raise AssertionError(f"no sentence starting {starts!r}")
    await pilot.press(kind_key)


async def _choose(pilot, option: int) -> None:
    """Open the focused (blank) Select, move down to option number `option`, take it."""
    await pilot.press("enter", *["down"] * (option + 1), "enter")


async def _record(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ThreadScreen), screen_text(pilot.app)


async def test_a_small_map_built_in_the_ui_survives_reimport_and_round_trips(
    tmp_path: Path,
) -> None:
    app, decisions = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")  # the thread's map: there is none yet, and it says what to do
        await settle(pilot)
        assert "No decision map for thread 1 yet" in screen_text(app)
        await pilot.press("q")
        await pilot.press("a")  # first proposal, under a new question
        await settle(pilot)
        await _pick(pilot, "1. Is it that blk-mq", "p")
        await pilot.press("tab", *"Who keeps the cookie?")
        await _record(pilot)
        await pilot.press("a")  # second proposal, under that question
        await settle(pilot)
        await _pick(pilot, "3. Is it that it should never", "p")
        await _choose(pilot, 0)
        await _record(pilot)
        await pilot.press("a")  # Kevin's own leaning: an argument for the second
        await settle(pilot)
        await _pick(pilot, "This sounds most likely", "plus")
        await _choose(pilot, 1)
        await _record(pilot)
        await _at_message(pilot, MING_REPLIES)
        await pilot.press("a")  # Ming's reply: against the first
        await settle(pilot)
        await _pick(pilot, "request->tag will change", "minus")
        await _choose(pilot, 0)
        await _record(pilot)
        await pilot.press("a")  # and an argument against that argument's target, again
        await settle(pilot)
        await _pick(pilot, "I guess was_interrupted()", "minus")
        await _choose(pilot, 0)
        await _record(pilot)
        await _at_message(pilot, MING_LATER)
        await pilot.press("a")  # the decision, in Ming's later words
        await settle(pilot)
        await _pick(pilot, "nbd shouldn't return", "d")
        await _choose(pilot, 1)  # the second proposal
        await pilot.press("tab")
        await _choose(pilot, 1)  # accepted
        await pilot.press("tab", *"Ming agrees")
        await _record(pilot)
        await pilot.press("c")  # a correction: the date this archive got wrong (say)
        await settle(pilot)
        await pilot.press("tab", "tab")
        date_field = app.screen.query_one("#correct-date")
        date_field.value = "2024-10-17T02:49:00+08:00"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, DecisionsScreen)
        shown = screen_text(app)
        assert "[accepted] ? Who keeps the cookie?" in shown
    [stored] = decisions.maps(1)
    discussion = stored.discussion
    assert [len(q.proposals) for q in discussion.questions] == [2]
    assert len(discussion.arguments) == 4  # three recorded, one the decision's evidence
    assert len(discussion.corrections) == 1
    exported = DecisionService(decisions.sessions()).export_yaml(1)

    sessions = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    import_messages(sessions, read_inputs([NBD_THREAD]))  # the thread again: nothing lost
    with sessions() as session:
        assert DecisionService(session).export_yaml(1) == exported
    elsewhere = open_store(f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    import_messages(elsewhere, read_inputs([NBD_THREAD]))
    shared = tmp_path / "nbd.yaml"
    shared.write_text(exported)
    with elsewhere() as session:
        DecisionService(session, "someone").import_file(shared)
        session.commit()
        assert DecisionService(session).export_yaml(1) == exported


async def test_candidates_are_accepted_rejected_and_undone_from_the_map(tmp_path: Path) -> None:
    app, decisions = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "x")  # the thread's map, then its candidates
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CandidatesScreen)
        proposals = [c for c in screen.candidates if c.kind == "proposal"]
        assert proposals, "extraction offers a proposal in this thread"
        while screen._current() is None or screen._current().kind != "proposal":  # type: ignore[union-attr]
            await pilot.press("j")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("tab", *"What should nbd do?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        accepted = [c for c in screen.candidates if c.state == "accepted"]
        assert len(accepted) == 1 and accepted[0].entry
        await pilot.press("x")  # reject the one now under the cursor
        await settle(pilot)
        assert sum(c.state == "rejected" for c in screen.candidates) == 1
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, DecisionsScreen)
        assert "What should nbd do?" in screen_text(app)
        await pilot.press("u")  # undo the acceptance: the question and topic it made go too
        await settle(pilot)
        assert decisions.maps(1)[0].discussion.questions == ()
        assert sum(c.state == "accepted" for c in decisions.candidates(1)) == 0


async def test_the_candidates_screen_offers_the_confident_ones_first(tmp_path: Path) -> None:
    app, _decisions = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "x")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CandidatesScreen)
        confident = [c for c in screen.candidates if c.confident]
        assert confident and len(confident) < len(screen.candidates)
        assert screen._visible() == confident
        assert "showing confident pending" in str(screen.sub_title)
        await pilot.press("f")  # every pending one
        assert screen._visible() == screen.candidates
        assert "showing pending" in str(screen.sub_title)
