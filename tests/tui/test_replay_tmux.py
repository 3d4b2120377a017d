"""Replay → trace → state picture in a real terminal: `threadlore tui` under tmux at 80×24, on a
store holding the seed thread and its decision map."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_tmux import THREADLORE, Pane, start_pane, stop

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "lkml-2007-fault-vs-truncate.txt"
SEED_MAP = ROOT / "kb" / "maps" / "lkml-2007-fault-vs-truncate.yaml"


@pytest.fixture
def seed_pane(tmp_path: Path) -> Iterator[Pane]:
    url = f"sqlite:///{tmp_path / 'seed.sqlite'}"
    for command in (["import", str(SEED)], ["map", "import", str(SEED_MAP)]):
        subprocess.run([THREADLORE, *command, "--db", url], check=True, capture_output=True)
    pane = start_pane(url, "tui", 80, 24)
    yield pane
    stop(pane)


def test_replay_a_proposal_then_step_its_trace_and_see_the_state(seed_pane: Pane) -> None:
    pane = seed_pane
    pane.wait_for("Threads")
    pane.send("5")
    pane.wait_for("STATUS_QUO")  # the picker lists the seed map's proposals with their policy
    pane.send("j", "j", "j", "Enter")  # the 2.6.20 truncate_count protocol
    pane.wait_for("truncate-count-status-quo · STATUS_QUO")
    pane.send(*["j"] * 7)  # to W5
    screen = pane.wait_for("W5 direct IO invalidate racing a fault")
    assert "✗ INV1 orphan: vma 0 slot 0 maps page 0" in screen
    pane.send("Enter")
    screen = pane.wait_for("✗ INV1 orphan — vma 0 slot 0 maps page 0 (index 0)")
    assert "1. dio  generic_file_direct_IO  I1" in screen
    pane.send("G", "N")  # the step that takes the page out of the cache
    screen = pane.wait_for("invalidate_complete_page2 (I7)")
    assert "cache  empty" in screen
    assert "p0 index 0  removed" in screen
    pane.send("q")
    pane.wait_for("truncate-count-status-quo · STATUS_QUO")
