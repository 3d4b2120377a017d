"""VM-MODEL.md §6 claims 1–4 and 13: the races, found or ruled out by exhaustive exploration."""

from __future__ import annotations

import pytest

from threadlore.kb.vm.explorer import check
from threadlore.kb.vm.invariants import orphan_mappings
from threadlore.kb.vm.machine import Context, Executed, ThreadState, run_step
from threadlore.kb.vm.operations import OPERATIONS
from threadlore.kb.vm.policies import resolve
from threadlore.kb.vm.state import VM
from threadlore.kb.vm.workloads import get_workload


def test_claim1_status_quo_w5_orphans_a_mapped_page() -> None:
    result = check("W5", "STATUS_QUO")
    assert (result.verdict, result.invariant) == ("violated", "INV1")
    steps = [(s.thread, s.operation, s.label) for s in result.trace]
    # The fault looks the page up without its lock, invalidate removes it, the fault maps it.
    assert ("fault0", "filemap_nopage", "F3") in steps
    assert steps[-2:] == [
        ("dio", "invalidate_complete_page2", "I7"),
        ("fault0", "do_no_page", "F4"),
    ]
    assert ("pages[0].mapping", "file", None) in result.trace[-2].changes


def _violation_within(depth: int) -> bool:
    """An independent depth-limited DFS over all interleavings: INV1 broken within `depth`?"""
    setup = get_workload("W5").setup()
    semantics = resolve("STATUS_QUO")

    def search(vm: VM, threads: tuple[ThreadState, ...], left: int) -> bool:
        if any(v.invariant == "INV1" for v in orphan_mappings(vm)):
            return True
        if left == 0:
            return False
        for position, thread in enumerate(threads):
            outcome = run_step(
                Context(semantics, thread.name, thread.process), vm, thread, OPERATIONS
            )
            if isinstance(outcome, Executed):
                moved = (*threads[:position], outcome.thread, *threads[position + 1 :])
                if search(outcome.vm, moved, left - 1):
                    return True
        return False

    return search(setup.vm, setup.threads, depth)


def test_claim1_trace_is_the_shortest() -> None:
    length = len(check("W5", "STATUS_QUO").trace)
    assert _violation_within(length)
    assert not _violation_within(length - 1)


@pytest.mark.parametrize("policy", ["LOCK_PAGE_IN_FAULT", "SEQLOCK", "PAGE_FLAG"])
def test_claim2_race_fixes_hold_on_w5_exhaustively(policy: str) -> None:
    result = check("W5", policy)
    assert result.verdict == "held"
    assert result.distinct_states > 50
    assert result.states >= result.distinct_states


def test_claim2_holds_with_two_faulting_threads() -> None:
    assert check("W5", "LOCK_PAGE_IN_FAULT", threads=2).verdict == "held"
    assert check("W5", "STATUS_QUO", threads=2).invariant == "INV1"


def test_claim3_truncate_count_catches_linear_truncate() -> None:
    assert check("W6-linear", "STATUS_QUO").verdict == "held"


def test_claim4_hole_punch_races_the_old_nonlinear_fault() -> None:
    result = check("W6", "STATUS_QUO")
    assert (result.verdict, result.invariant) == ("violated", "INV1")
    assert ("fault0", "install_page", "P2") in [
        (s.thread, s.operation, s.label) for s in result.trace
    ]


def test_claim4_locked_fault_fixes_hole_punch() -> None:
    assert check("W6", "LOCK_PAGE_IN_FAULT").verdict == "held"
    assert check("W6", "LOCK_PAGE_IN_FAULT", pages=2, threads=2).verdict == "held"


def test_truncate_to_zero_with_nonlinear_fault_is_caught_by_install_page_size_check() -> None:
    # The thread says "even a regular truncate with nonlinear pages"; in this sequentially
    # consistent model install_page's i_size check under the pte lock catches it (see report).
    assert check("W6-truncate", "STATUS_QUO").verdict == "held"


def test_claim13_locked_fault_with_old_buffered_write_deadlocks() -> None:
    result = check("W7", "LOCK_PAGE_IN_FAULT")
    assert (result.verdict, result.invariant) == ("violated", "INV6")
    assert "write waits on page 0 held by write" in result.message
    crosswise = check("W7", "LOCK_PAGE_IN_FAULT", crosswise=1)
    assert crosswise.invariant == "INV6"


def test_claim13_new_write_path_and_status_quo_do_not_deadlock() -> None:
    assert check("W7", "LOCK_PAGE_IN_FAULT+NEW_BUFFERED_WRITE").verdict == "held"
    assert check("W7", "LOCK_PAGE_IN_FAULT+NEW_BUFFERED_WRITE", crosswise=1).verdict == "held"
    assert check("W7", "STATUS_QUO").verdict == "held"
