"""What the hostile-input tests share: where the breakage corpus is, the CLI runner's type."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from threadlore.cli.main import threadlore

REPOSITORY = Path(__file__).resolve().parents[2]
BROKEN = REPOSITORY / "tests" / "data" / "broken"

RunCli = Callable[..., Result]
NewStoreUrl = Callable[..., str]  # tests/conftest.py's new_store_url (migrated=True: at head)


def cli_on(db_url: str) -> RunCli:
    """Run `threadlore ARGS --db db_url` in the click runner (stderr kept apart from stdout)."""

    def run(*args: str) -> Result:
        return CliRunner().invoke(threadlore, [*args, "--db", db_url])

    return run


def without_privileges() -> list[str]:
    """A command prefix that makes root obey file permissions (as any other user does)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root ignores file permissions and setpriv is missing to drop that")
    dropped = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={dropped}", f"--inh-caps={dropped}", "--"]


def remove_tree(top: Path) -> None:
    """Remove a folder and everything in it, however deep: shutil.rmtree recurses once a level
    (until Python 3.12), and pytest's clean-up of old temporary folders uses it too."""
    folders = [top]
    for folder in folders:  # grows while it is read: every folder under `top`, parents first
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)
