"""Inputs named or placed the way a real disk may have them: a name that is not UTF-8, files
and folders this user may not read, files that move while an import runs. Each message that can
be read is stored, on both engines, and each one that cannot is named, never silently dropped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import RunCli, remove_tree, without_privileges

from threadlore.importers.maildir import read_maildir

THREADLORE = Path(sys.executable).with_name("threadlore")
DEPTH = 1_500  # folders: past Python's recursion limit
MOVED = 40
MESSAGE = b"From: a@example.org\nMessage-ID: <%s@example.org>\nSubject: s\n\nbody\n"


def test_a_message_in_a_file_whose_name_is_not_utf8_is_stored(
    engine_cli: RunCli, tmp_path: Path
) -> None:
    latin1 = os.fsdecode(bytes(tmp_path) + b"/caf\xe9.eml")
    Path(latin1).write_bytes(MESSAGE % b"latin")
    first = engine_cli("import", latin1)
    assert (first.exit_code, first.stderr) == (0, ""), first.output
    again = engine_cli("import", latin1)
    assert again.stdout.startswith("read 1 messages: 0 added, 1 already stored")
    shown = engine_cli("show", "latin@example.org")
    assert "Source: " in shown.stdout and "caf\\xe9.eml, message 1" in shown.stdout


def _message(path: Path, name: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(MESSAGE % name.encode())


def test_files_and_folders_that_cannot_be_read_are_named_and_the_rest_stored(
    engine_url: str, tmp_path: Path
) -> None:
    """In a plain folder and in a Maildir, run as a user that file permissions apply to."""
    tree = tmp_path / "mail"
    _message(tree / "a.eml", "readable-a")
    _message(tree / "closed.eml", "closed-file")
    _message(tree / "closed" / "b.eml", "closed-folder")
    _message(tree / "box" / "cur" / "1:2,S", "maildir-readable")
    _message(tree / "box" / "cur" / "2:2,S", "maildir-closed")
    _message(tree / "box" / "sub" / "3.eml", "maildir-closed-folder")
    closed = [tree / "closed.eml", tree / "closed", tree / "box" / "cur" / "2:2,S",
              tree / "box" / "sub"]  # fmt: skip
    for path in closed:
        path.chmod(0)
    try:
        ran = subprocess.run(
            [*without_privileges(), str(THREADLORE), "import", str(tree), "--db", engine_url],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        for path in closed:
            path.chmod(0o755)
    assert ran.returncode == 1, ran.stderr
    assert ran.stdout.startswith("read 2 messages: 2 added"), ran.stdout
    assert sorted(ran.stderr.splitlines()) == [
        f"threadlore: {tree}/box/cur/2:2,S: file: cannot be read (Permission denied)",
        f"threadlore: {tree}/box/sub: folder: cannot be read (Permission denied)",
        f"threadlore: {tree}/closed.eml: path: cannot be read (Permission denied)",
        f"threadlore: {tree}/closed: folder: cannot be read (Permission denied)",
    ]


@pytest.mark.parametrize("kind", ["folders", "maildir"])
def test_a_tree_thousands_of_folders_deep_is_read(
    engine_cli: RunCli, tmp_path: Path, kind: str
) -> None:
    deep = tmp_path / "tree"
    deep.mkdir()
    os.chdir(deep)  # the path is built a folder at a time: it is longer than mkdir takes
    try:
        for _ in range(DEPTH):
            os.mkdir("d")
            os.chdir("d")
        if kind == "maildir":
            os.mkdir("new")
        Path("new/1" if kind == "maildir" else "m.eml").write_bytes(MESSAGE % b"deep")
    finally:
        os.chdir(tmp_path)
    if kind == "maildir":
        (deep / "cur").mkdir()
    try:
        result = engine_cli("import", str(deep))
    finally:
        remove_tree(deep)  # pytest's own clean-up of old runs would recurse past its limit
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert result.stdout.startswith("read 1 messages: 1 added")


def test_messages_a_mail_program_moves_while_they_are_read_are_all_read(tmp_path: Path) -> None:
    """A client moves new/ to cur/ (adding flags) and flags messages in cur/ during the walk."""
    box = tmp_path / "box"
    for n in range(MOVED):
        _message(box / ("new" if n % 2 else "cur") / f"{n:03}.host", f"moved-{n}")
    read: list[str] = []
    for message in read_maildir(box):
        read.append(message.message_id)
        if len(read) == 2:  # the client wakes up: everything it has not seen moves
            for path in sorted((box / "new").iterdir()):
                path.rename(box / "cur" / f"{path.name}:2,")
            for path in sorted((box / "cur").iterdir()):
                if not path.name.endswith(":2,"):
                    path.rename(path.with_name(f"{path.name}:2,S"))
    assert sorted(read) == sorted(f"moved-{n}@example.org" for n in range(MOVED))
