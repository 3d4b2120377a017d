"""The model's CLI: every command through click's runner, text and JSON, exit codes, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from readme_json import documented_fields

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
    outcomes = json.loads(out)
    assert {o["workload"] for o in outcomes} >= {"W1", "W2", "W3", "W4", "W5", "W6", "W7"}
    assert {o["policy"] for o in outcomes} == {"NO_WRITEBACK_ONLY"}


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
        ("model", "run"),
        ("replay",),
    ):
        code, out, _ = run(*args, "--help")
        assert code == EXIT_OK and "Example" in out


def test_policy_parameters_are_set_with_p() -> None:
    code, out, _ = run("model", "check", "W3", "--policy", "NONLINEAR_LIMIT", "-p", "cap=512")
    assert code == EXIT_OK and "cap=512" in out
    data = json.loads(run("replay", "NONLINEAR_LIMIT", "-p", "cap=512", "--json")[1])
    assert {o["workload"]: o["result"] for o in data}["W3"] == "allowed"  # 256 pages < 512
    code, _, err = run("model", "check", "W3", "--policy", "NONLINEAR_LIMIT", "-p", "depth=1")
    assert code == EXIT_FAILURE and "unknown parameter 'depth'" in err


def test_json_given_to_threadlore_itself_is_honoured() -> None:
    code, out, _ = run("--json", "model", "policies")
    assert code == EXIT_OK
    policies = json.loads(out)
    assert {p["era"] for p in policies} == {"thread", "later"}
    limit = next(p for p in policies if p["name"] == "NONLINEAR_LIMIT")
    assert limit["parameters"] == [
        {"name": "cap", "default": 16, "meaning": "nonlinear pages per mm"}
    ]


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("model check", ("model", "check", "W5")),
        ("replay", ("replay", "STATUS_QUO")),
        ("model policies", ("model", "policies")),
    ],
)
def test_the_json_is_what_the_readme_documents(command: str, args: tuple[str, ...]) -> None:
    _, out, _ = run(*args, "--json")
    data = json.loads(out)
    first = data[0] if isinstance(data, list) else data
    assert set(first) == documented_fields(command)


def test_replay_all_is_the_replay_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from threadlore.cli import model_commands
    from threadlore.kb.vm.policies import POLICIES

    two = {name: POLICIES[name] for name in ("STATUS_QUO", "LOCK_PAGE_IN_FAULT")}
    monkeypatch.setattr(model_commands, "POLICIES", two)
    code, out, _ = run("replay", "--all")
    assert code == EXIT_OK
    assert "STATUS_QUO" in out and "W5 a ✗INV1" in out and "a allowed" in out
    code, _, err = run("replay")
    assert code == EXIT_FAILURE and "name a POLICY, or give --all" in err
