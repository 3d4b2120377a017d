"""The read commands' fast path (cli/fast_path.py) answers as click does: the same output on
stdout and stderr and the same exit code for every command line, the plain ones taken without
importing click and all others (help, usage errors, unknown options) handed to click.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from seed_store import import_seed

from threadlore.cli.main import threadlore

# the console script's steps; the modules it loaded are written where $MODULES_FILE says, at
# exit or when a read command leaves through os._exit (which runs no atexit function)
PROGRAM = """
import atexit, os, sys
sys.argv = ["threadlore", *sys.argv[1:]]

def modules_loaded():
    open(os.environ["MODULES_FILE"], "w").write(" ".join(sys.modules))

atexit.register(modules_loaded)
leave = os._exit
os._exit = lambda code: (modules_loaded(), leave(code))
from threadlore.cli import main
main()
"""
FAST = [  # plain command lines: the fast path takes them
    ["threads"],
    ["threads", "--limit", "1"],
    ["threads", "--filter=truncate", "--json"],
    ["threads", "--limit", "99999999999999999999999"],
    ["--json", "threads", "--filter", "nobody at all"],
    ["tree", "1"],
    ["tree", "1", "--order", "archive"],
    ["tree", "--order=date", "1", "--json"],
    ["tree", "594eb4"],
    ["tree", "7"],
    ["tree", "2007"],
    ["show", "594eb4b8982e"],
    ["show", "--json", "594eb4b8982e"],
    ["show", "nothing-like-it"],
    ["people"],
    ["--json", "people"],
    ["search", "truncate"],
    ["search", "f:miklos page_mkclean", "--limit=2", "--json"],
    ["search", "nothing-like-it"],
    ["search", "(unbalanced"],
    ["search", "-"],
]
CLICKS = [  # click reads these: help, usage errors, what the fast path does not take whole
    ["threads", "--help"],
    ["tree"],
    ["tree", "1", "2"],
    ["tree", "1", "--order", "bogus"],
    ["threads", "--limit", "0"],
    ["threads", "--limit", "x"],
    ["threads", "--limit"],
    ["threads", "--limit", "1", "--limit", "2"],
    ["threads", "--json=yes"],
    ["threads", "-h"],
    ["search", "-f:akpm"],
    ["people", "extra"],
    ["--help"],
    ["--unknown", "threads"],
    ["show"],
    ["show", "--", "-x"],  # then --db and its URL are arguments too
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'seed.sqlite'}"
    import_seed(url, with_map=False)
    return url


def _both(
    store: str, args: list[str], tmp_path: Path, environment: dict[str, str] | None = None
) -> tuple[tuple[str, str, int], bool]:
    """What the program answered (stdout, stderr, exit code) to `args --db STORE`, or to
    `args` alone in `environment`, checked equal to what click answers in-process; and whether
    the program loaded click."""
    modules = tmp_path / "modules"
    env = {**os.environ, "MODULES_FILE": str(modules), "COLUMNS": "120"}
    env.pop("THREADLORE_DB", None)
    if environment is None:
        args = [*args, "--db", store]
    environment = {"COLUMNS": "120", **(environment or {})}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args],
        capture_output=True,
        text=True,
        env={**env, **environment},
        timeout=120,
    )
    clicked = CliRunner().invoke(  # help as wide as the program's: 80 columns less margins
        threadlore, args, env=environment, terminal_width=78
    )
    program = (done.stdout, done.stderr, done.returncode)
    assert program == (clicked.stdout, clicked.stderr, clicked.exit_code), args
    return program, "click" in modules.read_text().split()


@pytest.mark.parametrize("args", FAST, ids=" ".join)
def test_a_plain_read_command_answers_as_click_does_without_click(
    store: str, args: list[str], tmp_path: Path
) -> None:
    (_out, err, _code), loaded_click = _both(store, args, tmp_path)
    assert not loaded_click
    assert "Traceback" not in err


@pytest.mark.parametrize("args", CLICKS, ids=" ".join)
def test_any_other_command_line_is_clicks(store: str, args: list[str], tmp_path: Path) -> None:
    (_out, _err, code), loaded_click = _both(store, args, tmp_path)
    assert loaded_click
    assert code in (0, 2)


@pytest.mark.parametrize(
    ("args", "environment"),
    [
        (["threads"], {"THREADLORE_DB": "{store}"}),
        (["--db", "{store}", "threads"], {}),
        (["--db", "{store}", "people"], {"THREADLORE_DB": "sqlite:////no/such/folder/x"}),
        (["--db", "sqlite:////no/such/folder/x", "people", "--db", "{store}"], {}),
        (["--db", "{store}", "--json", "tree", "1"], {"THREADLORE_DB": ""}),
        (["--db", "postgresql://nobody:secret@/x?host=/no/such/socket", "threads"], {}),
    ],
)
def test_the_store_is_chosen_as_click_chooses_it(
    store: str, args: list[str], environment: dict[str, str], tmp_path: Path
) -> None:
    args = [a.format(store=store) for a in args]
    environment = {k: v.format(store=store) for k, v in environment.items()}
    (_out, err, _code), loaded_click = _both(store, args, tmp_path, environment)
    assert not loaded_click
    assert "secret" not in err
