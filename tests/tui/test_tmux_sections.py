"""Every section key on a thread nobody curated, in a real terminal: nothing crashes, each
screen says something, and the map can be started from the thread."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_real_decisions import NBD_THREAD, nbd_sessions
from tui_tmux import Pane, start_pane, stop, wait_until_gone

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not NBD_THREAD.is_file(), reason="no shared corpora"),
]


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Pane]:
    nbd_sessions(tmp_path).kw["bind"].dispose()
    started = start_pane(f"sqlite:///{tmp_path / 'store.sqlite'}", "sections", 80, 24)
    yield started
    stop(started)


def thread_shown(text: str) -> bool:
    """The thread screen with its first message read (the threads list names Kevin Wolf too)."""
    return "Thread — Kernel NBD" in text and "From: Kevin Wolf" in text


def test_every_section_and_the_map_keys_on_a_list_thread_at_80_by_24(pane: Pane) -> None:
    pane.wait_for("Kernel NBD client waits on wrong")
    pane.send("Enter")
    pane.wait_for(thread_shown)
    pane.send("m")  # the thread's map: none yet, and how to start one
    pane.wait_for("No decision map for thread 1 yet")
    pane.send("x")  # its candidates
    pane.wait_for("Candidates for thread 1")
    for _ in range(3):
        pane.send("q")
    # Search last: its query box takes the digits that follow, escape leaves it.
    for key, shows in (("3", "People"), ("4", "Decisions"), ("5", "Replay"), ("2", "Search")):
        pane.send(key)
        pane.wait_for(shows)
    pane.send("Escape")  # alone: escape and a key in one write read as alt+key
    pane.wait_for("Next hit")  # the query box let go; section keys are keys again
    pane.send("4")
    pane.wait_for("No decision map in the store yet")
    pane.send("1")
    pane.wait_for("Kernel NBD client waits on wrong")
    pane.send("Enter")
    pane.wait_for(thread_shown)
    pane.send("a")  # the record form over the first message, then leave it
    pane.wait_for("Add to the map: words of Kevin Wolf")
    pane.send("Escape")
    pane.wait_for(lambda text: "Add to the map" not in text)
    pane.send("c")
    pane.wait_for("Correct <")
    pane.send("Escape")
    pane.wait_for(lambda text: "Correct <" not in text)
    pane.send("q", "q")
    wait_until_gone(pane)
