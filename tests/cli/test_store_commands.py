"""The store's commands through the CLI runner: output, --json fields, one-line errors, help."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from threadlore.cli.main import threadlore
from threadlore.cli.read_commands import COMMANDS as READ_COMMANDS
from threadlore.cli.store_commands import COMMANDS
from threadlore.cli.terminal import inert
from threadlore.tui.text import unsafe_characters

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"


@pytest.fixture
def db(new_store_url: Callable[..., str]) -> str:
    """An empty store on each engine (tests/conftest.py)."""
    return new_store_url()


def run(db: str, *args: str) -> Result:
    """A command as on a wide terminal, so what it says is not cut to fit (tests/cli/
    test_cli_edges.py checks the fitting)."""
    return CliRunner().invoke(threadlore, [*args, "--db", db], env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def seeded(new_store_url: Callable[..., str]) -> str:
    """One store per engine with the seed imported, shared by the module's read-only tests."""
    db = new_store_url()
    result = run(db, "import", str(SEED))
    assert result.exit_code == 0, result.output
    return db


def test_import_prints_a_summary_and_is_idempotent(db: str) -> None:
    first = run(db, "import", str(SEED))
    assert first.exit_code == 0
    assert first.stdout.strip() == "read 99 messages: 99 added, 0 already stored, 1 threads touched"
    again = run(db, "import", str(SEED), "--json")
    assert json.loads(again.stdout) == {
        "seen": 99,
        "added": 0,
        "unchanged": 99,
        "redated": 0,
        "deleted": 0,
        "threads_touched": 0,
        "warnings": [],
        "skipped": [],
        "errors": [],
        "interrupted": False,
    }


def test_import_of_a_missing_file_is_one_line_on_stderr(db: str, tmp_path: Path) -> None:
    result = run(db, "import", str(tmp_path / "nope.mbox"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "nope.mbox" in result.stderr and "Traceback" not in result.stderr


def test_threads_lists_the_seed_thread(seeded: str) -> None:
    result = run(seeded, "threads")
    assert "[patch 0/6] fault vs truncate/invalidate race fix  (99 messages, 11 people" in (
        result.stdout
    )
    (thread,) = json.loads(run(seeded, "threads", "--json").stdout)
    assert {"id", "subject", "root", "messages", "people", "first", "last"} <= set(thread)


def test_tree_draws_branches_and_inferred_authors(seeded: str) -> None:
    lines = run(seeded, "tree", "1").stdout.splitlines()
    assert len(lines) == 99
    assert "Nick Piggin (inferred" in lines[0]
    assert any("├─>P " in line for line in lines)
    assert any("│ └─>" in line for line in lines)
    rows = json.loads(run(seeded, "tree", "1", "--json").stdout)
    assert rows[0]["depth"] == 0 and rows[1]["message"]["parent"] == rows[0]["message"]["id"]


def test_show_gives_headers_place_inferences_and_body(seeded: str) -> None:
    (thread,) = json.loads(run(seeded, "threads", "--json").stdout)
    root = thread["root"]
    text = run(seeded, "show", root[:6]).stdout
    assert f"Message: <{root}>" in text
    assert "Parent: (none)" in text and "Reply: <" in text
    assert "Inferred author: Nick Piggin" in text
    assert "The following set of patches are based on current git." in text
    shown = json.loads(run(seeded, "show", root, "--json").stdout)
    summary = shown["summary"]
    assert {"id", "position", "author", "parent", "date", "subject", "has_patch"} <= set(summary)
    assert summary["date"].startswith("2007-02-21T00:49:00")


def test_search_finds_miklos_on_page_mkclean(seeded: str) -> None:
    result = run(seeded, "search", "f:miklos page_mkclean")
    assert result.exit_code == 0
    assert result.stdout and all("Miklos Szeredi" in line for line in result.stdout.splitlines())
    found = json.loads(run(seeded, "search", "f:miklos page_mkclean", "--json").stdout)
    dates = [m["date"] for m in found]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", '"unbalanced'), "threadlore: bad query: unbalanced quote at character 1\n"),
        (("search", "zz:top"), "threadlore: bad query: unknown prefix 'zz:'"),
        (("show", "no-such-message"), "threadlore: no message 'no-such-message'\n"),
        (("tree", "999"), "threadlore: no thread 999 (threadlore threads lists them)\n"),
    ],
)
def test_errors_are_one_line_with_exit_1(seeded: str, args: tuple[str, ...], message: str) -> None:
    result = run(seeded, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_people_lists_humans_then_lists(seeded: str) -> None:
    text = run(seeded, "people").stdout
    humans, lists = text.split("Mailing lists (messages received):")
    assert "Paolo 'Blaisorblade' Giarrusso  (blaisorblade@..., Blaisorblade)" in humans
    assert "Linux Memory Management" in lists and "Linux Memory Management" not in humans
    people = json.loads(run(seeded, "people", "--json").stdout)
    assert sum(1 for p in people if not p["is_list"] and p["messages"]) == 11


def test_message_text_is_inert() -> None:
    assert inert("a\x1b[31mred\x07\u202e") == "a\\x1b[31mred\\x07\\u202e"
    assert inert("two\nlines\tand\x9b") == "two\\x0alines\\x09and\\x9b"
    assert inert("two\nlines", multiline=True) == "two\nlines"


def test_printable_text_has_nothing_to_escape() -> None:
    """`inert` passes printable text through as it is: no character it escapes is printable."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    escaped = set(unsafe_characters().findall(every)) | {"\t", "\n"}
    assert len(escaped) > 200 and not any(char.isprintable() for char in escaped)


def test_a_hostile_subject_is_escaped_in_every_listing(db: str, tmp_path: Path) -> None:
    mail = tmp_path / "hostile.eml"
    mail.write_bytes(
        b"From: Eve <eve@example.org>\nTo: x@example.org\nMessage-ID: <evil@example.org>\n"
        b"Date: Wed, 7 Mar 2007 10:00:00 +0100\nSubject: \x1b]0;pwned\x07 title\n\n"
        b"body \x1b[2J cleared\n"
    )
    assert run(db, "import", str(mail)).exit_code == 0
    for args in (("threads",), ("tree", "evil"), ("show", "evil"), ("search", "title")):
        output = run(db, *args).stdout
        assert "title" in output, args
        assert "\x1b" not in output and "\x07" not in output, args
    assert "body \\x1b[2J cleared" in run(db, "show", "evil").stdout


@pytest.mark.parametrize("command", [*COMMANDS, *READ_COMMANDS], ids=lambda c: c.name)
def test_every_command_has_help_ending_in_an_example(command: click.Command) -> None:
    result = CliRunner().invoke(threadlore, [command.name or "", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert (command.help or "").rstrip().splitlines()[-1].strip().startswith("threadlore ")


ODD_PAGE = (
    "Re: a thread\n\nTo: <a@...>\nDate: Monday, March 5, 2007 - 9:00 am\n\nfirst\n-\n\n"
    "Date: Monday, March 5, 2007 - 9:10 am\n\nsecond, with no To: or Cc:\n-\n\n"
    "To: <b@...>\nDate: Monday, March 5, 2007 - 9:20 am\n\nthird\n-\n"
)


def test_a_message_stored_with_a_warning_exits_4_and_strict_stops_at_it(
    db: str, tmp_path: Path
) -> None:
    page = tmp_path / "odd.txt"
    page.write_text(ODD_PAGE)
    at = ODD_PAGE.index("Date: Monday, March 5, 2007 - 9:10")
    strict = run(db, "import", str(page), "--strict")
    assert strict.exit_code == 1
    assert strict.stdout.startswith("read 2 messages: 1 added")
    assert strict.stderr == (
        f"threadlore: {page}: message 2, byte {at}, line 9: no To: or Cc: header (--strict)\n"
    )
    lenient = run(db, "import", str(page))
    assert lenient.exit_code == 4
    assert lenient.stdout.startswith("read 3 messages: 2 added, 1 already stored")
    assert ", 1 warning\n" in lenient.stdout
    assert lenient.stderr == (
        f"threadlore: warning: {page}: message 2, byte {at}, line 9: no To: or Cc: header\n"
    )


def test_archive_tz_sets_the_clock_and_re_dates(db: str) -> None:
    assert run(db, "import", str(SEED)).exit_code == 0
    moved = run(db, "import", str(SEED), "--archive-tz", "UTC")
    assert moved.exit_code == 0 and ", 99 re-dated on their source's clock" in moved.stdout
    shown = json.loads(run(db, "show", "594eb4b898", "--json").stdout)
    assert shown["summary"]["date"] == "2007-02-21T00:49:00+00:00"
    bad = run(db, "import", str(SEED), "--archive-tz", "Mars/Olympus")
    assert bad.exit_code == 2 and "Mars/Olympus" in bad.output


def test_tree_orders(seeded: str) -> None:
    series = run(seeded, "tree", "1").stdout.splitlines()
    archive = run(seeded, "tree", "1", "--order", "archive").stdout.splitlines()
    ids = [[line.rsplit("<", 1)[1] for line in rows] for rows in (series, archive)]
    assert sorted(ids[0]) == sorted(ids[1]) and ids[0] != ids[1]
    patches = [line for line in series if "[patch " in line and "Re:" not in line]
    assert [line.split("[patch ")[1][:3] for line in patches] == [
        "0/6", "1/6", "2/6", "3/6", "4/6", "5/6", "6/6"
    ]  # fmt: skip


def test_json_on_a_terminal_escapes_c1_and_bidi_controls_and_stays_json() -> None:
    import json

    from threadlore.cli.terminal import terminal_safe_json

    value = {"name": "Mallory \u202eexe.txt \x9b31m \u061c \U000e0041 \x7f"}
    written = terminal_safe_json(json.dumps(value, ensure_ascii=False))
    assert json.loads(written) == value
    assert "\u202e" not in written and "\x9b" not in written and "\U000e0041" not in written
    assert "\\u202e" in written and "\\udb40\\udc41" in written


def test_highlighted_matches_are_reverse_video_only_on_a_terminal() -> None:
    from threadlore.cli.terminal import MATCH_OFF, MATCH_ON, highlighted

    assert highlighted("lock the page\x1b", ((5, 8),), colour=True) == (
        f"lock {MATCH_ON}the{MATCH_OFF} page\\x1b"
    )
    assert highlighted("lock the page", ((5, 8),), colour=False) == "lock the page"
