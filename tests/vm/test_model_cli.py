"""The model's CLI: every command through click's runner, text and JSON, exit codes, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from threadlore.cli.main import threadlore
from threadlore.cli.options import EXIT_FAILURE, EXIT_OK, EXIT_VIOLATION


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(threadlore, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_prints_a_readable_trace_and_exits_3_on_violation() -> None:
    code, out, _ = run("model", "check", "W5", "--policy", "STATUS_QUO")
    assert code == EXIT_VIOLATION
    assert "violated" in out and "INV1" in out
    assert "invalidate_complete_page2" in out and "do_no_page" in out
    assert "pages[0].mapping: 'file' → None" in out


def test_check_held_exits_0_and_reports_states() -> None:
    code, out, _ = run("model", "check", "W5", "--policy", "LOCK_PAGE_IN_FAULT", "-p", "pages=2")
    assert code == EXIT_OK
    assert "held" in out and "distinct" in out


def test_check_json_trace_is_a_list_of_steps_with_diffs() -> None:
    code, out, _ = run("model", "check", "W6", "--policy", "STATUS_QUO", "--json")
    assert code == EXIT_VIOLATION
    data = json.loads(out)
    assert data["verdict"] == "violated" and data["invariant"] == "INV1"
    step = data["trace"][-1]
    assert set(step) == {"thread", "operation", "label", "changes"}
    assert all(set(change) == {"path", "before", "after"} for change in step["changes"])


@pytest.mark.parametrize(
    "args",
    [
        ("model", "check", "W99"),
        ("model", "check", "W5", "--policy", "NOPE"),
        ("model", "check", "W5", "-p", "bogus=1"),
        ("model", "check", "W5", "-p", "pages"),
        ("replay", "NOPE"),
        ("model", "growth", "W7"),
    ],
)
def test_bad_names_are_one_line_errors(args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert code == EXIT_FAILURE
    assert err.startswith("threadlore: ") and err.count("\n") == 1
    assert "Traceback" not in out + err


def test_policies_and_workloads_list_everything() -> None:
    code, out, _ = run("model", "policies", "--json")
    assert code == EXIT_OK
    names = {p["name"] for p in json.loads(out)}
    assert {"STATUS_QUO", "LOCK_PAGE_IN_FAULT", "NO_WRITEBACK_ONLY", "FULL_SCAN_MKCLEAN"} <= names
    code, out, _ = run("model", "workloads")
    assert code == EXIT_OK and "W5" in out and "race" in out


def test_replay_side_by_side() -> None:
    code, out, _ = run("replay", "ROOT_ONLY", "--vs", "NO_WRITEBACK_ONLY")
    assert code == EXIT_OK
    assert "refused (EPERM)" in out and "emulated" in out
    code, out, _ = run("replay", "NO_WRITEBACK_ONLY", "--json")
    outcomes = json.loads(out)["NO_WRITEBACK_ONLY"]
    assert {o["workload"] for o in outcomes} >= {"W1", "W2", "W3", "W4", "W5", "W6", "W7"}


def test_growth_shows_work_against_size() -> None:
    code, out, _ = run("model", "growth", "W3", "--sizes", "32,64", "--json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert [p["costs"]["reclaim_work"] for p in data["points"]] == [32, 64]
    assert data["exponents"]["reclaim_work"] == 1.0
    code, out, _ = run("model", "growth", "W3", "--sizes", "32,64")
    assert "reclaim_work grows as vma_pages^1.00 (linear)" in out


def test_every_model_command_has_help_with_an_example() -> None:
    for args in (
        ("model",),
        ("model", "check"),
        ("model", "policies"),
        ("model", "workloads"),
        ("model", "growth"),
        ("replay",),
    ):
        code, out, _ = run(*args, "--help")
        assert code == EXIT_OK and "Example" in out
