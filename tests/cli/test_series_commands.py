"""`revisions` and `interdiff` on the seed: patch 5/6 and the resend Nick sent after refreshing it
("Dang, forgot to quilt refresh after fixing spufs compile."); `am` on the seed says what the
archive cut."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from seed_store import import_seed

from threadlore.cli.main import threadlore

FIVE = "629880de02e6"  # [patch 5/6] Remove ->nopfn and reimplement the existing handlers
RESEND = "498cf914354b"  # its resend, 23 minutes later


@pytest.fixture(scope="module")
def seeded(new_store_url: Callable[..., str]) -> str:
    db = new_store_url()
    import_seed(db, with_map=False)
    return db


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(threadlore, [*args, "--db", db])


def test_revisions_lists_five_of_six_and_its_resend(seeded: str) -> None:
    for ref in (FIVE, RESEND):
        result = run(seeded, "revisions", ref, "--json")
        assert result.exit_code == 0, result.output
        chain = json.loads(result.stdout)
        assert [r["id"] for r in chain] == [FIVE, RESEND]
        assert all(r["author"] == "Nick Piggin" and r["truncated"] for r in chain)
    lines = run(seeded, "revisions", FIVE).stdout.splitlines()
    assert len(lines) == 2 and lines[0].endswith(f"<{FIVE}>") and "+71 -114…" in lines[0]


def test_interdiff_shows_the_resends_note_and_the_same_diff(seeded: str) -> None:
    result = run(seeded, "interdiff", FIVE, RESEND, "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["changelog_changed"] is True
    assert found["files"] == {
        "only_earlier": [],
        "only_later": [],
        "changed": [],
        "same": ["drivers/char/mspec.c"],
    }
    added = [line for line in found["interdiff"].splitlines() if line.startswith("+ ")]
    assert added == ["+ Dang, forgot to quilt refresh after fixing spufs compile.", "+ --"]
    one = json.loads(run(seeded, "interdiff", RESEND, "--json").stdout)  # since the one before
    assert one == found


def test_interdiff_and_revisions_errors_are_one_line(seeded: str) -> None:
    reply = run(seeded, "interdiff", "b2e1a268d091")
    assert reply.exit_code == 1
    assert reply.stderr == "threadlore: message b2e1a268d091 carries no patch\n"
    first = run(seeded, "interdiff", FIVE)
    assert first.exit_code == 1 and "no earlier revision" in first.stderr
    assert run(seeded, "revisions", "nosuchmessage").exit_code == 1


def test_am_on_the_seed_says_the_archive_cut_its_diffs(seeded: str) -> None:
    result = run(seeded, "am", "1")
    assert result.exit_code == 0, result.output
    assert "series v1 (6 patches) by Nick Piggin" in result.stderr
    assert "missing: patch 3/6" in result.stderr  # its diff is not in the archive's text
    assert result.stderr.count("the archive cut the diff of") == 3  # 4/6, 5/6, 6/6
    assert result.stdout.count("From threadlore ") == 5  # 1, 2, 4, 5, 6
    assert "From: Nick Piggin <npiggin@cut.invalid>" in result.stdout
