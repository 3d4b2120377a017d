"""`-o FILE` is written whole or not at all: a write that fails half way (here a file-size
limit, as a full disk or a quota would) leaves the FILE that was there and nothing beside it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import cli_on

LIMIT = 16_384  # bytes any file the command writes may have (RLIMIT_FSIZE)
CUT_SHORT = f"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, ({LIMIT}, {LIMIT}))
from threadlore.cli.main import threadlore
threadlore(sys.argv[1:], prog_name="threadlore")
"""


@pytest.mark.parametrize(
    "command",
    [
        ["export", "1", "--format", "mbox"],
        ["export", "1", "--format", "html"],
        ["map", "export", "1"],
    ],
    ids=["mbox", "html", "map"],
)
def test_a_write_that_fails_half_way_keeps_the_previous_file(
    seeded_url: str, tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "out"
    target.write_text("the previous export\n")
    ran = subprocess.run(
        [sys.executable, "-c", CUT_SHORT, *command, "-o", str(target), "--db", seeded_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 1, ran.stderr
    assert ran.stderr == f"threadlore: [Errno 27] File too large: '{target}'\n"
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_write_replaces_the_file_and_keeps_its_permissions(
    seeded_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    target.write_text("the previous export\n")
    target.chmod(0o640)
    result = cli_on(seeded_url)("map", "export", "1", "-o", str(target))
    assert (result.exit_code, result.stderr) == (0, f"wrote {target}\n")
    assert (
        target.read_text().startswith("# A threadlore decision map")
        and target.stat().st_mode & 0o777 == 0o640
    )
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_device_or_a_link_is_written_through_not_replaced(
    seeded_url: str, tmp_path: Path
) -> None:
    """`-o /dev/null` stays the device (a rename would put a file in its place)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = cli_on(seeded_url)("map", "export", "1", "-o", str(fifo))
    assert result.exit_code == 0, result.output
    assert reader.communicate(timeout=60)[0].startswith(b"# A threadlore decision map")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    target = tmp_path / "target"
    target.write_text("old\n")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert cli_on(seeded_url)("map", "export", "1", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and target.read_text().startswith("# A threadlore decision map")
