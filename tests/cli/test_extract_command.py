"""`extract` offers the confident candidates first: the others are hidden, counted on stderr, and
shown with --all; hidden ones can still be decided by id."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from threadlore.cli.main import threadlore

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
THREAD = CORPORA / "lists" / "threads" / "nbd-wrong-cookie-2024.mbox"

pytestmark = pytest.mark.skipif(not THREAD.is_file(), reason=f"no shared corpora at {CORPORA}")


def ok(db: str, *args: str) -> Result:
    result = CliRunner().invoke(threadlore, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result


def test_confident_candidates_by_default_and_every_one_with_all(
    new_store_url: Callable[..., str],
) -> None:
    db = new_store_url()
    ok(db, "import", str(THREAD))
    shown = ok(db, "extract", "1", "--json")
    every = json.loads(ok(db, "extract", "1", "--all", "--json").stdout)
    offered = json.loads(shown.stdout)
    assert offered and all(c["confident"] for c in offered)
    hidden = [c for c in every if not c["confident"]]
    assert hidden, "the thread has less confident candidates too"
    assert len(offered) + len(hidden) == len(every)
    assert f"{len(hidden)} less confident candidates hidden: --all shows them" in shown.stderr
    assert [c["score"] for c in every] == sorted((c["score"] for c in every), reverse=True)

    ok(db, "extract", "1", "--reject", str(hidden[0]["id"]))
    decided = json.loads(ok(db, "extract", "1", "--json").stdout)
    assert {c["id"]: c["state"] for c in decided}[hidden[0]["id"]] == "rejected"
    quiet = ok(db, "extract", "1", "--all", "--limit", "1")
    assert "hidden" not in quiet.stderr and len(quiet.stdout.splitlines()) == 1
