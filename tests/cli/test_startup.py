"""What a command imports when it starts (issue 15): `threadlore --version` nothing heavy, a
command that reads the store (search, threads, tree, show, people) no SQLAlchemy at all (the store
read through `db/driver.py`), no rich and no typing. Modules are
counted here; the time they cost is the benchmark's (benches/bench_archive.py).
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.importers.detect import read_inputs

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"
# the console script's own steps, then the modules it loaded, on stderr's last line (also when
# a read command leaves through os._exit); not those loaded before it started (an editable
# install's import finder loads re, enum and pathlib)
PROGRAM = """
import os, sys
sys.argv = ["threadlore", *sys.argv[1:]]
before = set(sys.modules)

def modules_loaded():
    sys.stdout.flush()
    print("\\n" + " ".join(sorted(set(sys.modules) - before)), file=sys.stderr)

leave = os._exit
os._exit = lambda code: (modules_loaded(), leave(code))
from threadlore.cli import main
try:
    main()
except SystemExit:
    pass
modules_loaded()
"""
HEAVY = (
    "alembic",
    "click",
    "importlib.metadata",
    "psycopg",
    "rich",
    "sqlalchemy",
    "textual",
    "threadlore.db",
    "threadlore.importers",
    "threadlore.kb",
    "threadlore.tui",
    "typing",  # ~15 ms on this machine: `--version` once paid it for one annotation
)


def _run(*args: str) -> tuple[str, set[str]]:
    """What the program printed and the modules it had loaded when it ended."""
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], capture_output=True, text=True, timeout=120
    )
    modules = set(done.stderr.rstrip("\n").rsplit("\n", 1)[-1].split())
    return done.stdout, modules


def _run_python(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    printed = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return set(printed.split())


def _loaded(modules: set[str], *packages: str) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_version_imports_nothing_heavy() -> None:
    printed, modules = _run("--version")
    assert printed == f"threadlore, version {importlib.metadata.version('threadlore')}\n"
    assert "threadlore.cli" in modules  # the program ran, in this interpreter
    assert _loaded(modules, *HEAVY) == []


READS = [  # a command that reads the store, what it must print, and the module that read it
    (("search", "f:miklos page_mkclean"), "Miklos Szeredi", "threadlore.db.search_sql"),
    (("threads",), "fault vs truncate", "threadlore.db.store_reads"),
    (("tree", "1"), "Nick Piggin", "threadlore.db.store_reads"),
    (("show", "594eb4b8982e"), "Subject:", "threadlore.db.store_reads"),
    (("people",), "Miklos Szeredi", "threadlore.db.store_reads"),
]


@pytest.mark.parametrize(("command", "printed", "reader"), READS, ids=[r[0][0] for r in READS])
def test_a_command_that_reads_the_store_imports_no_sqlalchemy(
    new_store_url: Callable[..., str], command: tuple[str, ...], printed: str, reader: str
) -> None:
    url = new_store_url(migrated=True)
    import_messages(open_store(url), read_inputs([SEED]))
    output, modules = _run(*command, "--db", url)
    assert printed in output  # it read the store, and found
    assert reader in modules
    assert _loaded(modules, "sqlalchemy", "alembic", "threadlore.db.models", "rich") == []
    # typing (~6 ms of a ~60 ms search) is psycopg's on PostgreSQL, never the read path's own
    driver = _run_python("import psycopg") if url.startswith("postgresql") else set()
    assert [m for m in _loaded(modules, "typing") if m not in driver] == []


def test_a_search_on_plain_text_loads_no_regular_expressions_enum_or_json(
    new_store_url: Callable[..., str],
) -> None:
    """Each is a few ms of a ~50 ms search process (issue 15): `re` is wanted only for text with
    something to escape, `enum` only to draw a tree, `json` only for `--json`."""
    url = new_store_url(migrated=True)
    import_messages(open_store(url), read_inputs([SEED]))
    output, modules = _run("search", "f:miklos page_mkclean", "--db", url)
    assert "Miklos Szeredi" in output
    driver = _run_python("import psycopg") if url.startswith("postgresql") else set()
    assert [m for m in _loaded(modules, "re", "enum", "json") if m not in driver] == []


def test_a_search_for_a_script_loads_only_what_it_needs(new_store_url: Callable[..., str]) -> None:
    """`search --json`, the command scripts run in loops: no dataclasses (and the `inspect` they
    load), no shutil, nothing that draws, no importer (the subject rules compile seven regular
    expressions): each a few ms of a ~50 ms process. On PostgreSQL, what psycopg itself loads
    (dataclasses, inspect, shutil) is the driver's."""
    url = new_store_url(migrated=True)
    import_messages(open_store(url), read_inputs([SEED]))
    output, modules = _run("search", "page_mkclean", "--json", "--db", url)
    assert '"author": "Miklos Szeredi"' in output
    light = (
        "dataclasses",
        "inspect",
        "shutil",
        "threadlore.cli.store_render",
        "threadlore.importers",
        "threadlore.tui.dates",
    )
    driver = _run_python("import psycopg") if url.startswith("postgresql") else set()
    assert [m for m in _loaded(modules, *light) if m not in driver] == []
