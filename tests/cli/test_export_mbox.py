"""`export --format mbox`: the seed (archive text) out as real mail, read back by threadlore and
by notmuch into the same tree, inferred values and corrections named in its headers."""

from __future__ import annotations

import json
import mailbox
import os
import subprocess
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from programs import require_programs
from seed_store import import_seed

from threadlore.cli.main import threadlore
from threadlore.kb.mail_export import mail_id

ANDREW_REVIEW = "b2e1a268d091"  # "Re: [patch 3/6]": its author inferred at 10%


def run(db: str, *args: str) -> Result:
    result = CliRunner().invoke(threadlore, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result


def tree(db: str, thread: str) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Each message of a thread: its parent, author and date."""
    rows = json.loads(run(db, "tree", thread, "--json").stdout)
    return {
        r["message"]["id"]: (r["message"]["parent"], r["message"]["author"], r["message"]["date"])
        for r in rows
        if not r["placeholder"]
    }


@pytest.fixture(scope="module")
def exported(
    new_store_url: Callable[..., str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """The seed imported, one author corrected, the thread exported."""
    db = new_store_url()
    import_seed(db, with_map=False)
    run(
        db,
        "correct",
        ANDREW_REVIEW,
        "--author",
        "Andrew Morton <akpm@linux-foundation.org>",
        "--as",
        "reviewer",
    )
    out = tmp_path_factory.mktemp("export") / "seed.mbox"
    report = json.loads(run(db, "export", "1", "--format", "mbox", "-o", str(out), "--json").stdout)
    assert (report["messages"], report["inferred"]) == (99, 99)
    return db, out


def test_the_mbox_reads_back_into_the_same_tree(
    exported: tuple[str, Path], new_store_url: Callable[..., str]
) -> None:
    db, out = exported
    again = new_store_url()
    assert "99 added" in run(again, "import", str(out)).stdout
    assert tree(again, "1") == tree(db, "1")  # `<hash@archive.invalid>` read back as `hash`


def test_the_mbox_imported_where_it_came_from_adds_nothing_and_keeps_the_map(
    new_store_url: Callable[..., str], tmp_path: Path
) -> None:
    db = new_store_url()
    import_seed(db)
    curated = run(db, "map", "export", "1").stdout
    out = tmp_path / "seed.mbox"
    run(db, "export", "1", "--format", "mbox", "-o", str(out))
    assert "0 added, 99 already stored" in run(db, "import", str(out)).stdout
    assert run(db, "threads", "--json").stdout.count('"id"') == 1
    assert run(db, "map", "export", "1").stdout == curated


def test_inferred_values_and_corrections_are_named(exported: tuple[str, Path]) -> None:
    _, out = exported
    messages = {m["Message-ID"]: m for m in mailbox.mbox(out, factory=None)}
    review = message_from_bytes(
        messages[f"<{mail_id(ANDREW_REVIEW)}>"].as_bytes(), policy=policy.default
    )
    assert review["From"] == "Andrew Morton <akpm@linux-foundation.org>"
    notes = review.get_all("X-Threadlore-Inferred")
    assert any(n.startswith("author; confidence=1.00; corrected by reviewer") for n in notes)
    parent = next(n for n in notes if n.startswith("parent; "))
    assert (
        "value=05e55bdc0e42" in parent and review["In-Reply-To"] == f"<{mail_id('05e55bdc0e42')}>"
    )
    assert review["References"].split()[0] == f"<{mail_id('594eb4b8982e')}>"  # the cover letter


def test_notmuch_threads_the_mbox_as_threadlore_does(
    exported: tuple[str, Path], tmp_path: Path
) -> None:
    require_programs("notmuch")
    db, out = exported
    maildir = mailbox.Maildir(tmp_path / "mail")
    for message in mailbox.mbox(out):
        maildir.add(message)
    config = tmp_path / "notmuch-config"
    config.write_text(
        f"[database]\npath={tmp_path / 'mail'}\n[user]\nname=Test\nprimary_email=t@example.org\n"
        "[new]\ntags=inbox\n[search]\nexclude_tags=\n"
    )
    env = {**os.environ, "NOTMUCH_CONFIG": str(config), "HOME": str(tmp_path)}
    subprocess.run(["notmuch", "new", "--quiet"], env=env, check=True)
    shown = subprocess.run(
        ["notmuch", "show", "--format=json", "--body=false", "*"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    threads = json.loads(shown.stdout)
    parents: dict[str, str | None] = {}

    def walk(nodes: list[list[object]], parent: str | None) -> None:
        for message, replies in nodes:
            assert isinstance(message, dict) and isinstance(replies, list)
            parents[message["id"]] = parent
            walk(replies, message["id"])

    for thread in threads:
        walk(thread, None)
    assert len(threads) == 1
    assert parents == {
        mail_id(key): mail_id(parent) if parent else None
        for key, (parent, _, _) in tree(db, "1").items()
    }
