"""`threadlore import` has glibc give large buffers back to the system when they are freed, and
Python collect cycles among new objects less often."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from threadlore.cli import store_commands
from threadlore.cli.allocator import YOUNG_OBJECTS, collect_cycles_less_often, is_glibc
from threadlore.cli.main import threadlore

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"

# in a new process: after a 16 MB buffer was mapped and freed, how much of three 4 MB buffers,
# freed, stays resident (glibc has raised its threshold and serves them from its heap)
_KEPT_AFTER_FREEING = """
import sys
from threadlore.cli.allocator import return_large_buffers
def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096
if sys.argv[1] == "set":
    assert return_large_buffers()
big = b"x" * (16 << 20)
del big
before = resident()
buffers = [b"y" * (4 << 20) for _ in range(3)]
del buffers
print((resident() - before) >> 20)
"""


def _kept_mb(setting: str) -> int:
    command = [sys.executable, "-c", _KEPT_AFTER_FREEING, setting]
    return int(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


@pytest.mark.skipif(not is_glibc(), reason="a setting of glibc's")
def test_freed_large_buffers_leave_the_process() -> None:
    assert _kept_mb("default") >= 8  # what the setting is for: 12 MB stayed here
    assert _kept_mb("set") <= 1


def test_young_objects_are_collected_less_often() -> None:
    before = gc.get_threshold()
    try:
        collect_cycles_less_often()
        assert gc.get_threshold() == (YOUNG_OBJECTS, *before[1:])
        assert before[0] < YOUNG_OBJECTS
    finally:
        gc.set_threshold(*before)


def test_import_sets_both(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[str] = []
    monkeypatch.setattr(store_commands, "return_large_buffers", lambda: calls.append("buffers"))
    monkeypatch.setattr(store_commands, "collect_cycles_less_often", lambda: calls.append("gc"))
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    result = CliRunner().invoke(threadlore, ["import", str(SEED), "--db", db])
    assert result.exit_code == 0, result.output
    assert calls == ["buffers", "gc"]
