"""A reply chain thousands deep (each message answering the one before) is shown whole by
`tree`, `tree --json` and the UI's thread screen: no recursion on the depth of the input."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from hostile_support import RunCli
from textual.widgets import OptionList

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.store_reader import SessionStoreReader

DEPTH = 3_000  # past Python's recursion limit


@pytest.fixture
def chain(engine_cli: RunCli, tmp_path: Path) -> RunCli:
    path = tmp_path / "chain.mbox"
    with path.open("w") as out:
        for n in range(DEPTH):
            parent = f"In-Reply-To: <c{n - 1}@x>\n" if n else ""
            out.write(
                f"From a Mon Feb 26 10:00:00 2007\nFrom: a@example.org\nMessage-ID: <c{n}@x>\n"
                f"{parent}Subject: chain\nDate: Mon, 26 Feb 2007 10:{n // 60 % 60:02}:{n % 60:02}"
                f" +0000\n\nlink {n}\n\n"
            )
    result = engine_cli("import", str(path))
    assert result.exit_code == 0, result.output
    return engine_cli


def test_tree_shows_every_link_of_a_deep_chain(chain: RunCli) -> None:
    shown = chain("tree", "1")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.count("\n") == DEPTH and "<c2999@x>" in shown.stdout
    printed = chain("tree", "1", "--json").stdout
    rows = json.loads(printed)
    assert [row["depth"] for row in rows] == list(range(DEPTH))
    assert len(printed) < DEPTH * 1_000  # a row's size does not grow with its depth


def test_the_ui_shows_a_deep_chain(chain: RunCli, engine_url: str) -> None:
    async def rows() -> int:
        app = ThreadloreApp(SessionStoreReader.open(engine_url))
        async with app.run_test(size=(120, 36)) as pilot:
            for keys in ([], ["enter"]):  # the thread list loads, then the thread opens
                await pilot.press(*keys)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
            return app.screen.query_one("#reply-tree", OptionList).option_count

    assert asyncio.run(rows()) == DEPTH
