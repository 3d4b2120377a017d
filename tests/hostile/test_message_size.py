"""A message past the size cap (`import --max-message-size`, in megabytes) is skipped while it
is read, so memory stays bounded: a compressed bomb, a one-line body, a huge .eml. The messages
around it are stored."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from hostile_support import RunCli

MB = 2**20


def _message(n: int, body: bytes) -> bytes:
    return (
        (
            f"From a Mon Feb 26 10:00:00 2007\nFrom: a@example.org\nMessage-ID: <size-{n}@x>\n"
            f"Subject: size {n}\n\n"
        ).encode()
        + body
        + b"\n\n"
    )


@pytest.mark.parametrize("shape", ["lines", "one line"])
def test_a_message_past_the_cap_is_skipped_while_read(
    engine_cli: RunCli, tmp_path: Path, shape: str
) -> None:
    huge = b"bomb " * (3 * MB // 5) if shape == "one line" else b"bomb\n" * (3 * MB // 5)
    path = tmp_path / "bomb.mbox.gz"
    path.write_bytes(gzip.compress(_message(1, b"small") + _message(2, huge) + _message(3, b"x")))
    result = engine_cli("import", str(path), "--max-message-size", "2")
    assert result.exit_code == 4, result.output
    assert result.stdout.startswith("read 2 messages: 2 added")
    offset = len(_message(1, b"small"))
    assert re.fullmatch(
        f"threadlore: {re.escape(str(path))}: message 2, byte {offset}, message: at least "
        rf"3,1[0-9,]+ bytes, past the 2,097,152-byte cap \(import --max-message-size\): skipped\n",
        result.stderr,
    ), result.stderr
    assert engine_cli("show", "size-3@x").exit_code == 0
    whole = engine_cli("import", str(path), "--max-message-size", "4")
    assert whole.stdout.startswith("read 3 messages: 1 added, 2 already stored")


def test_an_eml_past_the_cap_is_skipped(engine_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "big.eml"
    path.write_bytes(_message(1, b"x" * (2 * MB)).split(b"\n", 1)[1])
    result = engine_cli("import", str(path), "--max-message-size", "1")
    assert result.exit_code == 4
    assert result.stderr.startswith(f"threadlore: {path}: message 1, message: at least 1,048,577")
