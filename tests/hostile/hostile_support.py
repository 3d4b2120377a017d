"""What the hostile-input tests share: where the breakage corpus is, the CLI runner's type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
