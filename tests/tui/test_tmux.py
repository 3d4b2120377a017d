"""The real app in a real terminal: `threadlore tui` under tmux, driven by keys, read from the pane.

This is what a user gets, escape-sequence handling included: the pane's title must not change
when a message carrying an OSC title sequence is shown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_real_store import build_store

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

THREADLORE = Path(sys.executable).with_name("threadlore")
WAIT_SECONDS = 20.0


class Pane:
    """One tmux session on a private server socket, so no user's tmux is touched."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str, check: bool = True) -> str:
        command = ["tmux", "-L", self.socket, *args]
        return subprocess.run(command, capture_output=True, text=True, check=check).stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, wanted: str | Callable[[str], bool]) -> str:
        """The pane's text once it shows `wanted`; fails with the last screen otherwise."""
        test = wanted if callable(wanted) else (lambda text: wanted in text)
        deadline = time.monotonic() + WAIT_SECONDS
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if test(text):
                return text
            time.sleep(0.1)
        pytest.fail(f"the pane never showed {wanted!r}; it shows:\n{text}")

    def alive(self) -> bool:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "has-session", "-t", self.session], capture_output=True
        )
        return result.returncode == 0


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[int, int], Pane]]:
    """Start `threadlore tui` on a small store in a tmux pane of a given size."""
    url = build_store(tmp_path)
    panes: list[Pane] = []

    def start_pane(width: int, height: int) -> Pane:
        pane = Pane(f"threadlore-test-{os.getpid()}", f"tui{len(panes)}")
        # The pane's size must come from tmux, not from COLUMNS/LINES that pytest or CI export.
        inherited = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env = {**inherited, "THREADLORE_DB": url, "TERM": "xterm-256color"}
        subprocess.run(
            [
                "tmux", "-L", pane.socket, "-f", "/dev/null", "new-session", "-d",
                "-s", pane.session, "-x", str(width), "-y", str(height), f"{THREADLORE} tui",
            ],
            env=env,
            check=True,
        )  # fmt: skip
        panes.append(pane)
        return pane

    yield start_pane
    for pane in panes:
        if pane.alive():
            pane.tmux("kill-session", "-t", pane.session, check=False)


@pytest.fixture
def pane(start: Callable[[int, int], Pane]) -> Pane:
    return start(120, 36)


def wait_until_gone(pane: Pane) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while pane.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pane.alive()


def test_browse_a_thread_then_quit_in_a_real_terminal(pane: Pane) -> None:
    pane.wait_for("Threads — 2 threads")
    pane.send("/")
    pane.wait_for("filter by subject or person")
    pane.send("-l", "number 1")
    pane.send("Enter")
    pane.wait_for("1 thread matching")
    pane.send("Enter")
    screen = pane.wait_for("Reply 0 about truncate in thread 1.")
    assert "(12 messages)" in screen
    assert "├─>Reply 1 about invalidate in thread 1." in screen  # a reply's first line
    pane.send("]")
    pane.wait_for("Subject: Re: [patch 0/2] truncate fix number 1")
    pane.send("p")
    pane.wait_for("Subject: [patch 0/2] truncate fix number 1")
    pane.send("q")
    pane.wait_for("Threads — 1 thread matching")
    pane.send("q")
    wait_until_gone(pane)


def test_the_pager_keys_at_80_by_24(start: Callable[[int, int], Pane]) -> None:
    pane = start(80, 24)
    pane.wait_for("Threads — 2 threads")
    pane.send("Enter")  # the first thread: its index above, the first message below
    pane.wait_for("1–12/27 · 44%")
    pane.send("Enter", "j", "j")  # read: j scrolls the message a line at a time
    pane.wait_for("3–14/27 · 51%")
    pane.send("Space")
    pane.wait_for("14–25/27 · 92%")
    pane.send("-")
    pane.wait_for("3–14/27 · 51%")
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
