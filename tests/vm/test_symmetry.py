"""Symmetry reduction keeps verdicts and shortest-trace lengths, and explores fewer states."""

from __future__ import annotations

from typing import Any

import pytest

from threadlore.kb.vm.explorer import check
from threadlore.kb.vm.machine import Context, Executed, run_step
from threadlore.kb.vm.operations import OPERATIONS
from threadlore.kb.vm.policies import RACE_POLICIES, resolve
from threadlore.kb.vm.reduction import Reducer
from threadlore.kb.vm.symmetry import interchangeable_groups
from threadlore.kb.vm.workloads import get_workload


@pytest.mark.parametrize("workload", ["W5", "W6"])
@pytest.mark.parametrize("policy", RACE_POLICIES)
def test_symmetry_keeps_the_verdict(workload: str, policy: str) -> None:
    plain = check(workload, policy, threads=2, reduction=False)
    reduced = check(workload, policy, threads=2, symmetry=True, reduction=False)
    assert (reduced.verdict, reduced.invariant) == (plain.verdict, plain.invariant)
    assert len(reduced.trace) == len(plain.trace)
    assert reduced.distinct_states < plain.distinct_states


SYMMETRIC_CASES = [
    ("W5", {"threads": 3}),
    ("W5", {"pages": 2, "threads": 2}),
    ("W6", {"threads": 3}),
    ("W6", {"pages": 2, "threads": 2}),
    ("W6-linear", {"threads": 3}),
    ("W6-truncate", {"threads": 3}),
]


@pytest.mark.parametrize("policy", RACE_POLICIES)
@pytest.mark.parametrize(("workload", "params"), SYMMETRIC_CASES)
def test_symmetry_with_partial_order_reduction_keeps_the_verdict(
    workload: str, params: dict[str, Any], policy: str
) -> None:
    full = check(workload, policy, reduction=False, **params)
    reduced = check(workload, policy, symmetry=True, **params)
    assert (reduced.verdict, reduced.invariant) == (full.verdict, full.invariant)
    assert reduced.distinct_states < full.distinct_states


def test_the_key_identifies_states_equal_up_to_swapping_identical_threads() -> None:
    setup = get_workload("W5").setup(threads=3)
    semantics = resolve("LOCK_PAGE_IN_FAULT")
    groups = interchangeable_groups(setup.threads)
    assert groups == [[1, 2, 3]]
    reducer = Reducer(OPERATIONS, semantics, watch_rest=True, groups=groups)
    vm, threads = setup.vm, list(setup.threads)
    # fault1 runs until it holds the page lock; so, in a second run, does fault2.
    runs = []
    for position in (2, 3):
        state_vm, moved = vm, list(threads)
        while not any(p.locked_by for p in state_vm.pages):
            ctx = Context(semantics, moved[position].name, moved[position].process)
            outcome = run_step(ctx, state_vm, moved[position], OPERATIONS)
            assert isinstance(outcome, Executed)
            state_vm, moved[position] = outcome.vm, outcome.thread
        runs.append((state_vm, tuple(moved)))
    assert runs[0] != runs[1]
    assert reducer.key(runs[0]) == reducer.key(runs[1])
    assert reducer.key(runs[0]) != reducer.key((vm, setup.threads))


def test_a_reduced_trace_is_a_real_path_with_consistent_names() -> None:
    result = check("W5", "STATUS_QUO", threads=3, symmetry=True)
    assert result.verdict == "violated"
    assert {step.thread for step in result.trace} <= {"dio", "fault0", "fault1", "fault2"}
    # Each thread's steps follow its own program: the fault that installs is one that looked up.
    installer = result.trace[-1].thread
    labels = [s.label for s in result.trace if s.thread == installer]
    assert labels[-3:] == ["F2", "F3", "F4"]
