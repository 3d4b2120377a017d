"""A damaged store file: every command answers or fails in one line, never with a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_support import REPOSITORY

from threadlore.cli.main import threadlore

SEED = REPOSITORY / "samples" / "lkml-2007-fault-vs-truncate.txt"
COMMANDS = [["threads"], ["search", "page"], ["people"], ["tree", "1"], ["show", "349955d8e133"]]


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("damaged") / "store.sqlite"
    result = CliRunner().invoke(threadlore, ["import", str(SEED), "--db", f"sqlite:///{path}"])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("where", [0.05, 0.35, 0.6, 0.8, 0.95])
def test_commands_on_a_damaged_store_fail_in_one_line(
    seeded_file: Path, tmp_path: Path, where: float
) -> None:
    damaged = tmp_path / "store.sqlite"
    shutil.copyfile(seeded_file, damaged)
    data = bytearray(damaged.read_bytes())
    start = int(len(data) * where)
    data[start : start + 8192] = b"A" * len(data[start : start + 8192])
    damaged.write_bytes(bytes(data))
    for command in COMMANDS:
        result = CliRunner().invoke(threadlore, [*command, "--db", f"sqlite:///{damaged}"])
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        if result.exit_code != 0:
            assert result.stderr.startswith("threadlore: ") and result.stderr.count("\n") == 1
