"""The command line at its edges: a store URL no store can keep, numbers that name no thread,
a search with no hits — each one line and a code a script can test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from seed_store import import_seed

from threadlore.cli.main import threadlore
from threadlore.cli.store_render import thread_lines
from threadlore.db.views import ThreadSummary


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://u@h/db", "SQLite or PostgreSQL, not mysql"),
        ("sqlite://", "an in-memory store is lost"),
        ("sqlite:///:memory:", "an in-memory store is lost"),
        ("sqlite:////nonexistent/folder/x.sqlite", "no folder /nonexistent/folder"),
        ("not a url", "is not a database URL"),
    ],
)
def test_a_store_url_that_cannot_keep_anything_is_refused_in_one_line(
    url: str, problem: str
) -> None:
    for args in (["threads", "--db", url], ["--db", url, "threads"], ["import", "x", "--db", url]):
        result = CliRunner().invoke(threadlore, args)
        assert result.exit_code == 1, result.output
        assert problem in result.output and len(result.output.strip().splitlines()) == 1
    assert not Path("/nonexistent").exists()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('edges') / 'store.sqlite'}"
    import_seed(url, with_map=False)
    return url


@pytest.mark.parametrize(
    ("number", "problem"), [("7", "no thread 7"), ("9" * 30, "no thread or message")]
)
def test_a_number_that_names_no_thread_says_so(seeded: str, number: str, problem: str) -> None:
    result = CliRunner().invoke(threadlore, ["tree", number, "--db", seeded])
    assert result.exit_code == 1 and problem in result.output


def test_a_search_without_hits_exits_1_with_json_or_without(seeded: str) -> None:
    quiet = CliRunner().invoke(threadlore, ["search", "zzqqxx", "--db", seeded])
    assert quiet.exit_code == 1 and "no messages match" in quiet.output
    data = CliRunner().invoke(threadlore, ["search", "zzqqxx", "--json", "--db", seeded])
    assert data.exit_code == 1 and data.stdout.strip() == "[]"
    found = CliRunner().invoke(threadlore, ["search", "nonlinear", "--db", seeded])
    assert found.exit_code == 0 and found.output.strip()


@pytest.mark.parametrize("columns", [80, 100])
@pytest.mark.parametrize(
    "command", [["threads"], ["tree", "1"], ["search", "nonlinear"], ["decisions", "--topic", "x"]]
)
def test_piped_output_fits_the_width_columns_says(
    seeded: str, command: list[str], columns: int
) -> None:
    result = CliRunner().invoke(
        threadlore, [*command, "--db", seeded], env={"COLUMNS": str(columns)}
    )
    lines = result.stdout.splitlines()
    assert lines or command[0] == "decisions"
    assert all(len(line) <= columns for line in lines), max(lines, key=len)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["export", "1"], "give -o for the md file"),
        (["export", "1", "--format", "mbox"], "give -o for the mbox"),
        (["tui"], "the UI has no JSON output"),
    ],
)
def test_json_where_a_command_writes_no_json_on_stdout_is_refused(
    seeded: str, args: list[str], problem: str
) -> None:
    result = CliRunner().invoke(threadlore, [*args, "--json", "--db", seeded])
    assert result.exit_code in (1, 2) and problem in result.output
    assert not result.stdout.strip().startswith(("#", "From "))


@pytest.mark.parametrize("command", [["threads"], ["people"], ["threads", "--filter", "x"]])
def test_an_empty_listing_says_so_on_stderr_and_leaves_stdout_to_scripts(
    new_store_url: Callable[..., str], command: list[str]
) -> None:
    url = new_store_url(migrated=True)
    result = CliRunner().invoke(threadlore, [*command, "--db", url])
    assert result.exit_code == 0
    assert result.stdout == ""
    said = "no threads match" if "--filter" in command else f"no {command[0]}: the store is empty"
    assert result.stderr == f"threadlore: {said}\n"
    listed = CliRunner().invoke(threadlore, [*command, "--db", url, "--json"])
    assert (listed.exit_code, listed.stdout, listed.stderr) == (0, "[]\n", "")


def _thread(number: int, subject: str) -> ThreadSummary:
    day = datetime(2007, 3, number, 12, 0, tzinfo=UTC)
    return ThreadSummary(number, subject, None, 3, ("Nick Piggin",), day, day)


def test_a_thread_listing_keeps_one_shape_when_one_subject_is_too_long() -> None:
    threads = [_thread(1, "short"), _thread(2, "a subject far too long " * 4)]
    wide = thread_lines(threads, 400)
    assert all("3 messages, 1 person" in line for line in wide)
    narrow = thread_lines(threads, 80)
    assert all(" 3 msg   1 ppl  " in line and len(line) <= 80 for line in narrow), narrow
    assert narrow[0].endswith("short")


def test_the_output_width_is_what_shutil_would_say(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from threadlore.cli.terminal import output_width

    for columns in ("132", "0", "", "wide", "-5"):
        monkeypatch.setenv("COLUMNS", columns)
        assert output_width() == shutil.get_terminal_size((80, 24)).columns
