"""The `threadlore` entry point: a click group that loads each command's module only when needed.

Commands live in `cli/<area>_commands.py` modules, each exposing `COMMANDS`. `COMMAND_MODULES` maps
a command name to its module so that `threadlore model check` never pays for importing SQLAlchemy
and `threadlore threads` never pays for the UI; a test keeps the table and the modules in step.
With no sub-command, the UI opens.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from threadlore.cli import VERSION
from threadlore.cli.options import Settings, store_options
from threadlore.cli.settings import UserError, failure_of, reader_left

COMMAND_MODULES: dict[str, str] = {
    "import": "threadlore.cli.store_commands",
    "threads": "threadlore.cli.read_commands",
    "tree": "threadlore.cli.read_commands",
    "show": "threadlore.cli.read_commands",
    "search": "threadlore.cli.read_commands",
    "people": "threadlore.cli.read_commands",
    "topics": "threadlore.cli.decision_commands",
    "decisions": "threadlore.cli.decision_commands",
    "proposal": "threadlore.cli.decision_commands",
    "who": "threadlore.cli.decision_commands",
    "extract": "threadlore.cli.extract_commands",
    "export": "threadlore.cli.export_commands",
    "map": "threadlore.cli.map_commands",
    "correct": "threadlore.cli.map_commands",
    "model": "threadlore.cli.model_commands",
    "replay": "threadlore.cli.model_commands",
    "tui": "threadlore.cli.tui_commands",
    "am": "threadlore.cli.series_commands",
    "revisions": "threadlore.cli.series_commands",
    "interdiff": "threadlore.cli.series_commands",
}

EPILOG = """\b
Examples:
  threadlore import samples/lkml-2007-fault-vs-truncate.txt
  threadlore threads
  threadlore search 'f:miklos page_mkclean'
  threadlore decisions --topic nonlinear
  threadlore model check W5 --policy STATUS_QUO
"""


def load_command(name: str) -> click.Command:
    """Import the module that defines command `name` and return that command."""
    module = importlib.import_module(COMMAND_MODULES[name])
    for command in module.COMMANDS:
        if command.name == name:
            return command  # type: ignore[no-any-return]
    raise LookupError(f"{COMMAND_MODULES[name]} does not define the command {name!r}")


class ThreadloreGroup(click.Group):
    """Loads commands lazily; unexpected errors become one line on stderr, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMAND_MODULES else None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            raise
        except UserError as exc:
            raise ShownError(exc) from exc
        except (OSError, ValueError) as exc:  # bad input files, malformed values
            raise ShownError(failure_of(exc)) from exc


class ShownError(click.ClickException):
    """A `UserError` as click shows its own errors: one line, its exit code."""

    def __init__(self, error: UserError) -> None:
        super().__init__(error.format_message())
        self.error = error
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance

    def show(self, file: Any = None) -> None:
        self.error.show()


@click.group(cls=ThreadloreGroup, invoke_without_command=True, epilog=EPILOG)
@click.version_option(VERSION, prog_name="threadlore")
@store_options
@click.pass_context
def threadlore(ctx: click.Context, settings: Settings) -> None:
    """Understand a mailing-list design discussion: import, browse, search, replay.

    With no command, opens the terminal UI on the store. `--db` and `--json` given here apply to
    the command that follows.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(load_command("tui"), db_url=settings.db_url, as_json=False)


def main() -> None:
    """The program, past `--version` (`threadlore.cli.main`, the console script)."""
    try:
        threadlore.main(prog_name="threadlore")
    except BrokenPipeError:  # `threadlore search x | head`: the reader left; say nothing more
        reader_left()
