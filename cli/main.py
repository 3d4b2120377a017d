"""The `threadlore` entry point: a click group that gathers every `cli/*_commands.py` module.

Each command module exposes `COMMANDS`, a list of click commands or groups; adding a command group
is adding a module, with no list here to keep in step. With no sub-command, the UI opens.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import click

import cli
from cli.options import EXIT_FAILURE, UserError, store_options

EPILOG = """\b
Examples:
  threadlore import samples/lkml-2007-fault-vs-truncate.txt
  threadlore threads
  threadlore search 'f:miklos page_mkclean'
  threadlore model check W5 --policy STATUS_QUO
"""


class ThreadloreGroup(click.Group):
    """A group whose unexpected errors become one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except (OSError, ValueError) as exc:  # bad input files, malformed values
            raise UserError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc


@click.group(cls=ThreadloreGroup, invoke_without_command=True, epilog=EPILOG)
@click.version_option(package_name="threadlore")
@store_options
@click.pass_context
def threadlore(ctx: click.Context, settings: Any) -> None:
    """Understand a mailing-list design discussion: import, browse, search, replay.

    With no command, opens the terminal UI on the store.
    """
    if ctx.invoked_subcommand is None:
        tui_command = threadlore.get_command(ctx, "tui")
        if tui_command is None:
            raise UserError("the terminal UI is not installed; try `threadlore threads`")
        ctx.invoke(tui_command, db_url=settings.db_url, as_json=False)


def _register_command_modules() -> None:
    for module_info in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        if module_info.name.endswith("_commands"):
            module = importlib.import_module(f"cli.{module_info.name}")
            for command in module.COMMANDS:
                threadlore.add_command(command)


_register_command_modules()


def main() -> None:
    """Console-script entry point."""
    try:
        threadlore.main(prog_name="threadlore")
    except BrokenPipeError:  # `threadlore search x | head`
        sys.stderr.close()
        sys.exit(EXIT_FAILURE)
