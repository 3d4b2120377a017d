"""The real app in a real terminal: `threadlore tui` under tmux, driven by keys, read from the pane.

This is what a user gets, escape-sequence handling included: the pane's title must not change
when a message carrying an OSC title sequence is shown.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_real_store import build_store
from tui_tmux import Pane, start_pane, stop, wait_until_gone

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[int, int], Pane]]:
    """Start `threadlore tui` on a small store in a tmux pane of a given size."""
    url = build_store(tmp_path)
    panes: list[Pane] = []

    def start_sized(width: int, height: int) -> Pane:
        panes.append(start_pane(url, f"tui{len(panes)}", width, height))
        return panes[-1]

    yield start_sized
    for pane in panes:
        stop(pane)


@pytest.fixture
def pane(start: Callable[[int, int], Pane]) -> Pane:
    return start(120, 36)


def test_browse_a_thread_then_quit_in_a_real_terminal(pane: Pane) -> None:
    pane.wait_for("Threads — 2 threads")
    pane.send("/")
    pane.wait_for("filter by subject or person")
    pane.send("-l", "number 1")
    pane.send("Enter")
    pane.wait_for("1 thread matching")
    pane.send("Enter")
    reply = "├─>Reply 1 about invalidate in thread 1."  # a reply's first line, in the tree
    # the tree and the message may be drawn in two frames: the pane is read until both are in
    screen = pane.wait_for(
        lambda text: "Reply 0 about truncate in thread 1." in text and reply in text
    )
    assert "(12 messages)" in screen
    pane.send("]")
    pane.wait_for("Subject: Re: [patch 0/2] truncate fix number 1")
    pane.send("p")
    pane.wait_for("Subject: [patch 0/2] truncate fix number 1")
    pane.send("q")
    pane.wait_for("Threads — 1 thread matching")
    pane.send("q")
    wait_until_gone(pane)


def _first_line(screen: str) -> int:
    """The message's first line shown, from the pager's position ("3–14/27 · 51%"); 0 if none."""
    found = re.search(r"(\d+)–\d+/\d+ ·", screen)
    return int(found.group(1)) if found else 0


def test_the_pager_keys_at_80_by_24(start: Callable[[int, int], Pane]) -> None:
    pane = start(80, 24)
    pane.wait_for("Threads — 2 threads")
    pane.send("Enter")  # the first thread: its index above, the first message below
    pane.wait_for("1–12/27 · 44%")
    pane.send("Enter", "j", "j")  # read: j scrolls the message a line at a time
    pane.wait_for("3–14/27 · 51%")
    pane.send("Space")  # a page on (where a page ends depends on when the scroll settles)
    paged = _first_line(pane.wait_for(lambda text: _first_line(text) >= 3 + 8))
    pane.send("-")
    pane.wait_for(lambda text: _first_line(text) < paged)
    pane.send("G")
    screen = pane.wait_for("16–27/27 · end")
    assert "+               goto no_cached_page;" in screen  # the end of the diff
    pane.send("g", "h")  # the top, every header
    pane.wait_for("Message-ID: t1.0@bench")
    pane.send("Space", "Space", "Space")  # past the end: the next message
    pane.wait_for("Subject: Re: [patch 0/2] truncate fix number 1")
    pane.send("z")
    pane.wait_for(lambda text: "Reply 1 about invalidate" in text and "02-21 00:50" not in text)
    pane.send("q", "q")  # unzoom, then back to the index
    pane.wait_for("Reply 2 about page_mkclean")
    pane.send("q")
    pane.wait_for("Threads — 2 threads")


def test_q_and_escape_go_back_the_way_one_came(start: Callable[[int, int], Pane]) -> None:
    pane = start(160, 48)
    pane.wait_for("Threads — 2 threads")
    pane.send("3")
    pane.wait_for("People — ")
    pane.send("2")
    pane.wait_for("search: f:miklos")
    pane.send("-l", "page_mkclean")
    pane.send("Enter")
    pane.wait_for("hits for “page_mkclean”")
    pane.send("Enter")  # the hit in its thread, beside the message at 160 columns
    pane.wait_for("•  ├─>Reply 2 about page_mkclean")  # the match, marked in the index
    pane.send("Escape")
    pane.wait_for("hits for “page_mkclean”")
    pane.send("q")
    pane.wait_for("People — ")
    pane.send("Escape")
    pane.wait_for("Threads — 2 threads")
    pane.send("Escape")  # escape at home stays
    time.sleep(0.5)
    assert pane.alive()
    pane.send("q")
    wait_until_gone(pane)


def test_escape_sequences_in_a_message_never_reach_the_terminal(pane: Pane) -> None:
    pane.wait_for("Threads — 2 threads")
    title_before = pane.tmux("display-message", "-p", "-t", pane.session, "#{pane_title}")
    pane.send("2")
    pane.wait_for("search: f:miklos")
    pane.send("-l", "pwned")
    pane.send("Enter")
    screen = pane.wait_for("bidi \\u202eexe.txt")  # in the preview, once it is shown
    assert "clear \\x1b[2J screen" in screen
    assert "title \\x1b]0;pwned\\x07 change" in screen
    title_after = pane.tmux("display-message", "-p", "-t", pane.session, "#{pane_title}")
    assert title_after == title_before
    assert "pwned" not in title_after
