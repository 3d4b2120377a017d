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
def pane(tmp_path: Path) -> Iterator[Pane]:
    url = build_store(tmp_path)
    pane = Pane(f"threadlore-test-{os.getpid()}", "tui")
    # The pane's size must come from tmux, not from COLUMNS/LINES that pytest or CI may export.
    inherited = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env = {**inherited, "THREADLORE_DB": url, "TERM": "xterm-256color"}
    subprocess.run(
        [
            "tmux", "-L", pane.socket, "-f", "/dev/null", "new-session", "-d", "-s", pane.session,
            "-x", "120", "-y", "36", f"{THREADLORE} tui",
        ],
        env=env,
        check=True,
    )  # fmt: skip
    try:
        yield pane
    finally:
        if pane.alive():
            pane.tmux("kill-session", "-t", pane.session, check=False)


def test_browse_a_thread_then_quit_in_a_real_terminal(pane: Pane) -> None:
    pane.wait_for("Threads — 2 threads")
    pane.send("/")
    pane.wait_for("filter by subject or person")
    pane.send("-l", "number 1")
    pane.send("Enter")
    pane.wait_for("1 thread matching")
    pane.send("Enter")
    screen = pane.wait_for("Message-ID: t1.0@bench")
    assert "(12 messages)" in screen
    assert "├─>" in screen
    pane.send("]")
    pane.wait_for("Message-ID: t1.1@bench")
    pane.send("p")
    pane.wait_for("Message-ID: t1.0@bench")
    pane.send("q")
    pane.wait_for("Threads — 1 thread matching")
    pane.send("q")
    deadline = time.monotonic() + WAIT_SECONDS
    while pane.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pane.alive()


def test_escape_sequences_in_a_message_never_reach_the_terminal(pane: Pane) -> None:
    pane.wait_for("Threads — 2 threads")
    title_before = pane.tmux("display-message", "-p", "-t", pane.session, "#{pane_title}")
    pane.send("2")
    pane.wait_for("search: f:miklos")
    pane.send("-l", "pwned")
    pane.send("Enter")
    screen = pane.wait_for("clear \\x1b[2J screen")
    assert "title \\x1b]0;pwned\\x07 change" in screen
    assert "bidi \\u202eexe.txt" in screen
    title_after = pane.tmux("display-message", "-p", "-t", pane.session, "#{pane_title}")
    assert title_after == title_before
    assert "pwned" not in title_after
