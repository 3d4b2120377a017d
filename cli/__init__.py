"""The `threadlore` command line: one module per command group, each named `*_commands.py`.

`main` is the program: it answers `--version` before importing anything (click included, which
is most of that answer's time otherwise), runs a plain command line of a command that reads the
store without click (`cli/fast_path.py`), and hands everything else to `cli/main.py`.
"""

from __future__ import annotations

import sys

VERSION = "0.1.0"  # the package's version: pyproject.toml reads it from here


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        print(f"threadlore, version {VERSION}")  # as click's version option says it
        return
    from threadlore.cli.fast_path import leave, run_fast

    if run_fast(sys.argv[1:]):
        leave()
    from threadlore.cli.main import main as run

    run()
