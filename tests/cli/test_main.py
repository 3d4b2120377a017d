"""The entry point: every command is reachable, documented with an example, and lazily loaded."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from threadlore import cli
from threadlore.cli.main import COMMAND_MODULES, threadlore

ROOT = Path(__file__).resolve().parents[2]


def _defined_commands() -> dict[str, str]:
    found = {}
    for info in pkgutil.iter_modules(cli.__path__):
        if info.name.endswith("_commands"):
            module = importlib.import_module(f"threadlore.cli.{info.name}")
            for command in module.COMMANDS:
                found[command.name] = module.__name__
    return found


def test_the_lazy_table_names_every_command_and_only_those() -> None:
    assert _defined_commands() == COMMAND_MODULES


def _all_commands() -> list[tuple[str, click.Command]]:
    result: list[tuple[str, click.Command]] = []
    for name in sorted(COMMAND_MODULES):
        command = threadlore.get_command(click.Context(threadlore), name)
        assert command is not None
        result.append((name, command))
        if isinstance(command, click.Group):
            result.extend((f"{name} {sub}", c) for sub, c in command.commands.items())
    return result


@pytest.mark.parametrize(("path", "command"), _all_commands(), ids=lambda v: str(v))
def test_every_command_has_help_with_an_example(path: str, command: click.Command) -> None:
    result = CliRunner().invoke(threadlore, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    if not isinstance(command, click.Group):
        assert "Example" in result.output, f"`threadlore {path} --help` shows no example"


def test_options_given_to_the_group_reach_the_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    result = CliRunner().invoke(threadlore, ["--db", url, "--json", "threads"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "[]"
    assert (tmp_path / "store.sqlite").exists()


def test_a_model_command_does_not_import_the_store_or_the_ui() -> None:
    code = (
        "import sys\n"
        "from threadlore.cli.main import load_command\n"
        "load_command('model')\n"
        "print(sorted({'.'.join(m.split('.')[:2]) for m in sys.modules}\n"
        "             & {'sqlalchemy', 'textual', 'threadlore.db'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_closed_pipe_is_not_an_error_message() -> None:
    """`threadlore … | head`: the reader has gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [Path(sys.executable).parent / "threadlore", "model", "policies"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 1
    assert proc.stderr == ""


def test_a_store_that_cannot_be_opened_is_named_without_its_password() -> None:
    url = "postgresql://reader:s3cret@127.0.0.1:1/threadlore"
    result = CliRunner().invoke(threadlore, ["threads", "--db", url])
    assert result.exit_code == 1
    assert "s3cret" not in result.output
    assert "postgresql://reader:***@127.0.0.1:1/threadlore" in result.output
