"""Hostile text reaches the terminal inert: escape sequences, C0/C1 controls, bidi and
zero-width characters and over-long lines in subjects, names and bodies, through every CLI
command and through the UI, are written as visible escapes, never as the characters."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest
from hostile_support import RunCli
from rich.console import Console

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.store_reader import SessionStoreReader
from threadlore.tui.text import inert_line, inert_plain, inert_text

# each kind of hostile text, by name
HOSTILE = {
    "csi": "\x1b[2J\x1b[31mred",
    "osc title": "\x1b]0;pwned\x07",
    "osc 8 link": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "c1 csi": "\x9b31m",
    "bell and backspace": "\x07\x08\x08",
    "carriage return": "safe\roverwritten",
    "bidi override": "\u202eexe.txt",
    "bidi isolate": "\u2066x\u2069",
    "zero width": "a\u200bb\u200fc\ufeffd",
    "line separator": "one\u2028two\u2029three",
    "delete": "\x7f",
    "arabic letter mark": "\u061cx",
    "tag characters": "\U000e0041\U000e007f",
}
LONG_LINE = "long " * 4000
# what must never reach the terminal as itself
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    "\ufff9-\ufffb\U000e0000-\U000e007f]"
)
RICH_SGR = re.compile("\x1b\\[[0-9;]*m")


def hostile_mail() -> bytes:
    """One message carrying every kind in its subject, author name and body (8-bit, raw)."""
    kinds = " ".join(HOSTILE.values())
    return (
        f"From: Mallory {HOSTILE['bidi override']} <mallory@example.org>\n"
        f"Subject: hostile {kinds}\n"
        "Message-ID: <hostile@example.org>\n"
        "Date: Mon, 26 Feb 2007 10:00:00 +0000\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"hostilebody {kinds}\n{LONG_LINE}\n"
    ).encode()


@pytest.fixture
def hostile_store(tmp_path: Path, cli: RunCli) -> RunCli:
    path = tmp_path / "hostile.eml"
    path.write_bytes(hostile_mail())
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    return cli


@pytest.mark.parametrize(
    "command",
    [
        ["threads"],
        ["tree", "1"],
        ["show", "hostile@example.org"],
        ["search", "hostilebody"],
        ["people"],
    ],
)
def test_every_cli_command_writes_hostile_text_inert(
    hostile_store: RunCli, command: list[str]
) -> None:
    result = hostile_store(*command)
    assert result.exit_code == 0, result.output
    written = result.stdout + result.stderr
    assert UNSAFE.search(written) is None, repr(UNSAFE.search(written))
    assert "\\u202e" in written  # shown, spelled out


def test_show_spells_out_each_kind_in_the_body(hostile_store: RunCli) -> None:
    shown = hostile_store("show", "hostile@example.org").stdout
    for spelled in ("\\x1b[2J", "\\x1b]0;pwned\\x07", "\\x9b31m", "\\u2066", "\\x7f"):
        assert spelled in shown
    assert LONG_LINE.strip() in shown  # a long line is printed whole, for the terminal to wrap


@pytest.mark.parametrize("command", [["show", "hostile@example.org"], ["search", "hostilebody"]])
def test_json_on_a_terminal_carries_no_hostile_character(
    hostile_store: RunCli, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from threadlore.cli import terminal

    monkeypatch.setattr(terminal, "is_terminal", lambda stream=None: True)
    result = hostile_store(*command, "--json")
    assert result.exit_code == 0, result.output
    assert UNSAFE.search(result.stdout) is None, repr(UNSAFE.search(result.stdout))
    assert "\u202e" in json.dumps(json.loads(result.stdout), ensure_ascii=False)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_ui_text_helpers_write_no_hostile_byte(kind: str) -> None:
    value = f"before {HOSTILE[kind]} after"
    for rendered in (inert_text(value), inert_line(value), inert_plain(value)):
        buffer = io.StringIO()
        Console(file=buffer, force_terminal=True, width=200, color_system="truecolor").print(
            rendered
        )
        written = RICH_SGR.sub("", buffer.getvalue())
        assert UNSAFE.search(written) is None, repr(written)


def test_the_ui_shows_a_hostile_message_inert(hostile_store: RunCli, db_url: str) -> None:
    """Every segment the UI would write, on the thread list and on the open message."""

    async def browse() -> list[str]:
        app = ThreadloreApp(SessionStoreReader.open(db_url))
        screens = []
        async with app.run_test(size=(120, 36)) as pilot:
            for keys in ([], ["slash", *"hostilebody", "enter"], ["enter"]):
                await pilot.press(*keys)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                strips = app.screen._compositor.render_strips()
                screens.append("\n".join(seg.text for strip in strips for seg in strip))
        return screens

    screens = asyncio.run(browse())
    assert any("\\u202e" in screen for screen in screens)
    for screen in screens:
        assert UNSAFE.search(screen) is None, repr(UNSAFE.search(screen))


@pytest.mark.parametrize("kind", ["osc title", "csi", "c1 csi", "bidi override", "line feed"])
def test_a_hostile_file_name_is_one_inert_line_on_stderr(
    cli: RunCli, tmp_path: Path, kind: str
) -> None:
    """An input that is missing, and one whose message is skipped, named with hostile text."""
    name = HOSTILE.get(kind, "new\nline")
    missing = tmp_path / f"missing {name}.mbox"
    cut = tmp_path / f"cut {name}.mbox.gz"
    cut.write_bytes(b"\x1f\x8b\x08\x00junk")  # a gzip stream cut short
    result = cli("import", str(missing), str(cut))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("threadlore: ") for line in lines), lines
    assert not UNSAFE.search(result.stderr.replace("\n", "")), result.stderr
