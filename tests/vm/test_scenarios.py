"""Scenario files: the shipped workloads are such files, a person can write one, and a mistake in
one is a single line naming the file, line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from threadlore.cli.main import threadlore
from threadlore.cli.options import EXIT_FAILURE, EXIT_OK, EXIT_VIOLATION
from threadlore.kb.vm.scenario import ScenarioError, workloads_from_text
from threadlore.kb.vm.workloads import SCENARIOS, WORKLOADS

EXAMPLES = SCENARIOS / "examples"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(threadlore, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_every_shipped_workload_is_a_scenario_file() -> None:
    files = {Path(w.source).name for w in WORKLOADS.values() if w.source}
    assert files == {path.name for path in SCENARIOS.glob("*.scenario")}
    assert list(WORKLOADS)[:4] == ["W1", "W2", "W2-mlocked", "W2-prot"]
    assert {"W5", "W6", "W6-linear", "W6-truncate", "W7", "W8"} <= set(WORKLOADS)


MINIMAL = """\
scenario mine "two faults and a truncate"   # a comment
param pages = 2
size pages
param faults = 2
device tmpfs
file pages=pages cached=0..pages-1
process app memlock=4 {
  vma start=10 pages=pages pgoff=0 prot=read nonlinear=pages-1..0 step -1
}
thread cut in app {
  truncate 0
}
thread f in app for i in 0..faults-1 {
  repeat j in 0..1 {
    if j == 0 {
      load 10 + i
    } else {
      store 10 + (i + 1) % pages
    }
  }
}
check INV1 INV6
bounds max_states=5000
policy NONLINEAR_LIMIT cap=4
variant mine-small "one page" pages=1 description="the same on one page"
"""


def test_a_scenario_builds_processes_vmas_and_threads() -> None:
    mine, small = workloads_from_text(MINIMAL, "mine.scenario")
    assert (mine.name, mine.kind, mine.size_param) == ("mine", "race", "pages")
    assert (mine.policy, dict(mine.policy_params), mine.max_states) == (
        "NONLINEAR_LIMIT",
        {"cap": 4},
        5000,
    )
    setup = mine.setup()
    assert setup.invariants == frozenset({"INV1", "INV6"})
    (vma,) = setup.vm.vmas
    assert (vma.start, vma.nonlinear, [p.pgoff for p in vma.ptes]) == (10, True, [1, 0])
    assert setup.vm.processes[0].memlock_limit == 4
    names = [t.name for t in setup.threads]
    assert names == ["cut", "f0", "f1"]
    f1 = setup.threads[2].program
    assert [(op, dict(args)) for op, args in f1] == [
        ("handle_mm_fault", {"address": 11, "write": False}),
        ("handle_mm_fault", {"address": 10, "write": True}),
    ]
    assert (small.name, small.defaults["pages"], small.description) == (
        "mine-small",
        1,
        "the same on one page",
    )
    assert len(small.setup().vm.inode.cache) == 1


@pytest.mark.parametrize(
    ("mistake", "line", "column", "says"),
    [
        ("file pages=pages cached=0..pages-1", 6, 1, None),  # the original, for reference
        ("file pages=pages cached=0..", 6, 28, "unexpected end of line"),
        ("file pages=pages cached=0..pages-1 colour=red", 6, 36, "file takes no 'colour'"),
        ("device floppy", 5, 8, "device is one of"),
        ("vma start=10 pages=pages prot=rw", 8, 31, "a protection is none, read or write"),
        ("thread cut in nobody {", 10, 15, "no process 'nobody'"),
        ("  truncate", 11, 3, "truncate needs size="),
        ("  trunkate 0", 11, 3, "unknown operation 'trunkate'"),
        ("check INV1 INV99", 22, 12, "no invariant INV99"),
        ("policy NONLINEAR_LIMIT cap=4 depth=2", 24, 30, "takes no 'depth'"),
        ("policy NONSENSE", 24, 8, "unknown policy"),
        ("      load 10 + i / 0", 16, 17, "division by zero"),
        ("      load 10 + nowhere", 16, 17, "'nowhere' is not a number"),
    ],
)
def test_a_mistake_is_one_line_with_file_line_and_column(
    mistake: str, line: int, column: int, says: str | None
) -> None:
    lines = MINIMAL.splitlines()
    original = mistake.strip().split()[0]
    target = line - 1
    assert lines[target].strip().split()[0] == original or original in {"trunkate", "truncate"}
    lines[target] = mistake
    text = "\n".join(lines) + "\n"
    if says is None:
        workloads_from_text(text, "mine.scenario")
        return
    with pytest.raises(ScenarioError) as caught:
        workloads_from_text(text, "mine.scenario")
    error = caught.value
    assert str(error).startswith(f"mine.scenario:{line}:{column}: "), str(error)
    assert says in str(error) and "\n" not in str(error)


def test_model_run_says_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.scenario"
    broken.write_text(MINIMAL.replace("truncate 0", "truncate 0 0"))
    code, _, err = run("model", "run", str(broken))
    assert code == EXIT_FAILURE
    assert err == f"threadlore: {broken}:11:14: truncate takes 1 arguments\n"
    code, _, err = run("model", "run", str(tmp_path / "missing.scenario"))
    assert code == EXIT_FAILURE and err.startswith("threadlore: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("example", "fixed_by", "invariant"),
    [
        ("truncate-race", "LOCK_PAGE_IN_FAULT", "INV1"),
        ("writeback-race", "FIX_CPDFIO_RACE", "INV2b"),
        ("write-deadlock", "LOCK_PAGE_IN_FAULT+NEW_BUFFERED_WRITE", "INV6"),
    ],
)
def test_each_example_breaks_and_its_fix_holds(example: str, fixed_by: str, invariant: str) -> None:
    path = str(EXAMPLES / f"{example}.scenario")
    code, out, _ = run("model", "run", path, "--json")
    assert code == EXIT_VIOLATION
    data = json.loads(out)
    assert (data["verdict"], data["invariant"]) == ("violated", invariant)
    assert data["trace"]
    code, out, _ = run("model", "run", path, "--policy", fixed_by)
    assert code == EXIT_OK and "held" in out


def test_model_run_takes_variants_and_parameters() -> None:
    path = str(SCENARIOS / "w6-hole-punch.scenario")
    code, out, _ = run("model", "run", path, "--variant", "W6-linear", "-p", "pages=2")
    assert code == EXIT_OK and "W6-linear" in out and "pages=2" in out
    code, _, err = run("model", "run", path, "--variant", "W9")
    assert code == EXIT_FAILURE and "no variant 'W9'" in err


def test_a_shipped_scenario_run_as_a_file_equals_its_workload() -> None:
    code, out, _ = run("model", "run", str(SCENARIOS / "w5-invalidate.scenario"), "--json")
    by_name = run("model", "check", "W5", "--json")[1]
    first, second = json.loads(out), json.loads(by_name)
    assert code == EXIT_VIOLATION
    for data in (first, second):
        data.pop("seconds")
    assert first == second
