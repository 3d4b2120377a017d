"""An inbox written by public-inbox itself (`public-inbox-init -V2`, `public-inbox-mda`,
`public-inbox-learn rm`), imported, added to, re-imported, one message deleted."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner
from inbox_git import mail
from programs import require_programs

from threadlore.cli.main import threadlore

FIRST = mail("pi-1@x", "[RFC] a question", "Should we?")
SECOND = mail("pi-2@x", "Re: [RFC] a question", "Yes we should.", parent="pi-1@x", hour=11)
THIRD = mail("pi-3@x", "Re: [RFC] a question", "No, not yet.", parent="pi-2@x", hour=12)


class Inbox:
    """A v2 inbox under `home`, with its own PI_CONFIG; spam checks off, as for a list mirror."""

    def __init__(self, home: Path) -> None:
        self.path = home / "inbox"
        self.env = {**os.environ, "PI_CONFIG": str(home / "config"), "HOME": str(home)}
        self.env["ORIGINAL_RECIPIENT"] = "test@example.org"
        where = [str(self.path), "http://x/test", "test@example.org"]
        self.run("public-inbox-init", "-V2", "test", *where)
        self.run("git", "config", "-f", str(home / "config"), "publicinboxmda.spamcheck", "none")

    def run(self, *command: str, stdin: bytes | None = None) -> None:
        subprocess.run(command, input=stdin, env=self.env, check=True, capture_output=True)

    def deliver(self, raw: bytes) -> None:
        self.run("public-inbox-mda", stdin=_addressed(raw))

    def remove(self, raw: bytes) -> None:
        """`learn rm` finds the message by its id and content, as delivered."""
        self.run("public-inbox-learn", "rm", stdin=_addressed(raw))


def _addressed(raw: bytes) -> bytes:
    """The message addressed to the inbox too: public-inbox-mda drops mail that is not."""
    return raw.replace(b"To: ", b"To: test@example.org, ", 1)


def imported(db: str, inbox: Inbox) -> dict[str, int]:
    result = CliRunner().invoke(threadlore, ["import", str(inbox.path), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    report: dict[str, int] = json.loads(result.stdout)
    return report


def test_public_inbox_own_tools_make_an_inbox_threadlore_follows(tmp_path: Path) -> None:
    require_programs("public-inbox-init", "public-inbox-mda", "public-inbox-learn", "git")
    inbox = Inbox(tmp_path)
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    inbox.deliver(FIRST)
    inbox.deliver(SECOND)
    assert imported(db, inbox)["added"] == 2
    assert imported(db, inbox)["seen"] == 0
    inbox.deliver(THIRD)
    inbox.remove(SECOND)
    report = imported(db, inbox)
    assert (report["seen"], report["added"], report["deleted"]) == (1, 1, 1)
    tree = CliRunner().invoke(threadlore, ["tree", "pi-1@x", "--db", db, "--json"])
    rows = [(r["message"]["id"], r["placeholder"], r["depth"]) for r in json.loads(tree.stdout)]
    assert rows == [("pi-1@x", False, 0), ("pi-2@x", True, 1), ("pi-3@x", False, 2)]
