"""What a command imports when it starts (issue 15): `threadlore --version` nothing heavy, a
search process no SQLAlchemy at all (the store read through `db/driver.py`) and no rich. Modules are
counted here; the time they cost is the benchmark's (benches/bench_archive.py).
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.importers.detect import read_inputs

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"
# the console script's own steps, then the modules it loaded, on stderr's last line
PROGRAM = """
import sys
sys.argv = ["threadlore", *sys.argv[1:]]
from threadlore.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\n" + " ".join(sorted(sys.modules)), file=sys.stderr)
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
)


def _run(*args: str) -> tuple[str, set[str]]:
    """What the program printed and the modules it had loaded when it ended."""
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], capture_output=True, text=True, timeout=120
    )
    modules = set(done.stderr.rstrip("\n").rsplit("\n", 1)[-1].split())
    return done.stdout, modules


def _loaded(modules: set[str], *packages: str) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_version_imports_nothing_heavy() -> None:
    printed, modules = _run("--version")
    assert printed == f"threadlore, version {importlib.metadata.version('threadlore')}\n"
    assert "threadlore.cli" in modules  # the program ran, in this interpreter
    assert _loaded(modules, *HEAVY) == []


def test_a_search_process_imports_no_sqlalchemy(new_store_url: Callable[..., str]) -> None:
    url = new_store_url(migrated=True)
    import_messages(open_store(url), read_inputs([SEED]))
    printed, modules = _run("search", "f:miklos page_mkclean", "--db", url)
    assert printed.count("Miklos Szeredi") >= 2  # it searched the store, and found
    assert "threadlore.db.search_sql" in modules
    assert _loaded(modules, "sqlalchemy", "alembic", "threadlore.db.models", "rich") == []
