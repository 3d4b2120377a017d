"""Inputs named or placed the way a real disk may have them: a name that is not UTF-8, files
and folders this user may not read, files that move while an import runs. Each message that can
be read is stored, on both engines, and each one that cannot is named, never silently dropped."""

from __future__ import annotations

import os
from pathlib import Path

from hostile_support import RunCli

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
