"""Symmetry reduction keeps verdicts and shortest-trace lengths, and explores fewer states."""

from __future__ import annotations

import pytest

from kb.vm.explorer import check
from kb.vm.policies import RACE_POLICIES


@pytest.mark.parametrize("workload", ["W5", "W6"])
@pytest.mark.parametrize("policy", RACE_POLICIES)
def test_symmetry_keeps_the_verdict(workload: str, policy: str) -> None:
    plain = check(workload, policy, threads=2, reduction=False)
    reduced = check(workload, policy, threads=2, symmetry=True)
    assert (reduced.verdict, reduced.invariant) == (plain.verdict, plain.invariant)
    assert len(reduced.trace) == len(plain.trace)
    assert reduced.distinct_states < plain.distinct_states


def test_a_reduced_trace_is_a_real_path_with_consistent_names() -> None:
    result = check("W5", "STATUS_QUO", threads=3, symmetry=True)
    assert result.verdict == "violated"
    assert {step.thread for step in result.trace} <= {"dio", "fault0", "fault1", "fault2"}
    # Each thread's steps follow its own program: the fault that installs is one that looked up.
    installer = result.trace[-1].thread
    labels = [s.label for s in result.trace if s.thread == installer]
    assert labels[-3:] == ["F2", "F3", "F4"]
