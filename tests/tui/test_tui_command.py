"""`threadlore tui` and bare `threadlore`: open the app on the store the settings name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tui_real_store import build_store

from threadlore.cli.main import threadlore
from threadlore.tui.app import ThreadloreApp


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[ThreadloreApp]:
    """The apps the command would have run (the terminal is not taken over in tests)."""
    apps: list[ThreadloreApp] = []
    monkeypatch.setattr(ThreadloreApp, "run", lambda self: apps.append(self))
    return apps


def test_bare_threadlore_opens_the_ui_on_the_store(
    tmp_path: Path, started: list[ThreadloreApp]
) -> None:
    url = build_store(tmp_path)
    result = CliRunner().invoke(threadlore, ["--db", url])
    assert result.exit_code == 0, result.output
    (app,) = started
    assert app.start_thread is None
    assert app.store.count_threads() == 2


def test_a_message_id_opens_its_thread_first(tmp_path: Path, started: list[ThreadloreApp]) -> None:
    url = build_store(tmp_path)
    result = CliRunner().invoke(threadlore, ["tui", "t1.3@bench", "--db", url])
    assert result.exit_code == 0, result.output
    assert started[0].start_thread == started[0].store.resolve_thread("t1.0@bench")
    assert started[0].start_message == "t1.3@bench"


def test_an_unknown_thread_is_a_one_line_error(
    tmp_path: Path, started: list[ThreadloreApp]
) -> None:
    url = build_store(tmp_path)
    result = CliRunner().invoke(threadlore, ["tui", "no-such-message", "--db", url])
    assert result.exit_code == 1
    assert (
        result.output.strip() == "threadlore: no thread or message 'no-such-message' in the store"
    )
    assert not started


def test_the_command_has_help_with_an_example() -> None:
    result = CliRunner().invoke(threadlore, ["tui", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "threadlore tui 1 --db sqlite:///lkml.sqlite" in result.output


def test_a_crash_is_one_line_on_stderr_and_exit_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(app: ThreadloreApp) -> None:
        assert app.crash_log_dir is not None and app.crash_log_dir.name == "logs"
        app.crash_message = "the UI stopped on an unexpected error: KeyError: 'x'"
        app._return_code = 1

    monkeypatch.setattr(ThreadloreApp, "run", crash)
    result = CliRunner().invoke(threadlore, ["tui", "--db", build_store(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == "threadlore: the UI stopped on an unexpected error: KeyError: 'x'\n"


def test_json_is_refused_rather_than_ignored(started: list[ThreadloreApp]) -> None:
    result = CliRunner().invoke(threadlore, ["tui", "--json"])
    assert result.exit_code == 1
    assert result.output.strip() == "threadlore: the UI has no JSON output: drop --json"
    assert not started
