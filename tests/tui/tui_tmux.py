"""Driving `threadlore tui` in a real terminal: a tmux pane on a private server socket."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

THREADLORE = Path(sys.executable).with_name("threadlore")
WAIT_SECONDS = 20.0
_SERVERS = itertools.count()


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


def start_pane(url: str, name: str, width: int, height: int) -> Pane:
    """`threadlore tui` on the store at `url`, in a new detached pane of this size.

    Each pane gets a server of its own: a server whose last session just ended is still exiting,
    and a new session sent to it fails ("server exited unexpectedly").
    """
    pane = Pane(f"threadlore-test-{os.getpid()}-{next(_SERVERS)}", name)
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
    return pane


def stop(pane: Pane) -> None:
    pane.tmux("kill-server", check=False)


def wait_until_gone(pane: Pane) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while pane.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pane.alive()
