"""VM-MODEL.md §6 claims 5–12 and 14: nonlinear mappings, dirty tracking, limits, by replaying."""

from __future__ import annotations

import itertools

from threadlore.kb.vm.explorer import check
from threadlore.kb.vm.replay import cost_growth, growth_exponents, replay, replay_one


def test_claim5_status_quo_w4_leaves_the_nonlinear_pte_dirty_after_writeout() -> None:
    result = check("W4", "STATUS_QUO")
    assert (result.verdict, result.invariant) == ("violated", "INV2")
    assert result.trace[-1].operation == "writepage"  # at rest right after the writeout
    assert "pte dirty but page 0 not PG_dirty" in result.message


def test_claim5_without_msync_scan_the_second_write_is_lost() -> None:
    outcome = replay_one("W4", "STATUS_QUO")
    assert outcome.invariants["INV2b"] is False
    assert "msync(MS_SYNC) returned" in outcome.findings["INV2b"].message


def test_claim6_msync_scan_keeps_msync_but_writes_twice() -> None:
    outcome = replay_one("W4", "MSYNC_SCAN")
    assert outcome.invariants["INV2b"] is True
    assert outcome.invariants["INV3"] is False
    assert outcome.costs["double_io"] == 1
    labels = [(s.operation, s.label) for s in outcome.findings["INV3"].trace]
    # Peter's sequence: write fault, writeout (mkclean misses), msync finds the pte, writes again.
    assert labels.index(("TestClearPageDirty", "W3")) < labels.index(("sys_msync", "M1"))


def test_claim6_peters_patch_keeps_msync_without_the_double_io() -> None:
    # Resetting vm_page_prot on conversion maps the page writable at install_page, so the write
    # takes no fault and sets no PG_dirty for writeout to write before msync finds the pte.
    outcome = replay_one("W4", "ROOT_ONLY_IF_WRITEBACK")
    assert outcome.result == "allowed"  # W4 runs as root
    assert outcome.invariants["INV2b"] is True
    assert outcome.invariants["INV3"] is True


def test_claim7_full_scan_mkclean_keeps_dirty_tracking() -> None:
    outcome = replay_one("W4", "FULL_SCAN_MKCLEAN")
    assert all(outcome.invariants.values())
    assert outcome.costs["redundant_io"] == 0


def test_claim7_mkclean_work_grows_with_the_nonlinear_vma() -> None:
    points = cost_growth("W4", "FULL_SCAN_MKCLEAN", [4, 16, 64])
    work = [p.costs["mkclean_work"] for p in points]
    assert work[0] < work[1] < work[2]
    assert work[2] // work[1] == 4  # linear in the vma's size
    status_quo = [p.costs["mkclean_work"] for p in cost_growth("W4", "STATUS_QUO", [4, 64])]
    assert status_quo[0] == status_quo[1]


def test_claim8_reclaim_work_grows_linearly_with_the_vma_for_a_fixed_file() -> None:
    points = cost_growth("W3", "STATUS_QUO", [64, 128, 256, 512])
    work = [p.costs["reclaim_work_per_freed_page"] for p in points]
    assert [w2 / w1 for w1, w2 in itertools.pairwise(work)] == [2.0, 2.0, 2.0]


def test_claim8_reclaim_work_is_bounded_under_limit_and_mlock_policies() -> None:
    assert growth_exponents(cost_growth("W3", "STATUS_QUO", [64, 512]))["reclaim_work"] == 1.0
    for policy in ("NONLINEAR_LIMIT", "MLOCK_FOR_NONROOT"):
        points = cost_growth("W3", policy, [64, 512])
        assert points[0].costs["reclaim_work"] == points[1].costs["reclaim_work"] <= 2, policy
        assert growth_exponents(points)["reclaim_work"] == 0.0


def test_claim9_root_only_refuses_database_and_uml() -> None:
    outcomes = {o.workload: o for o in replay("ROOT_ONLY")}
    for name in ("W1", "W2"):
        assert (outcomes[name].result, outcomes[name].errno) == ("refused", "EPERM")
        assert outcomes[name].invariants["INV8"] is False
    assert outcomes["W4"].result == "allowed"  # root


def test_claim10_mlock_for_nonroot_costs_uml_its_swappability() -> None:
    unlocked = replay_one("W2", "MLOCK_FOR_NONROOT")
    assert unlocked.result == "emulated" and unlocked.invariants["INV7"] is False
    locked = replay_one("W2-mlocked", "MLOCK_FOR_NONROOT")
    assert locked.result == "allowed" and locked.invariants["INV7"] is True
    assert locked.invariants["INV8"] is False
    assert "not swappable" in locked.findings["INV8"].message


def test_claim11_emulate_all_exceeds_max_map_count_for_uml() -> None:
    outcome = replay_one("W2", "EMULATE_ALL")
    assert outcome.result == "emulated"
    assert outcome.invariants["INV7"] is False
    assert "max_map_count" in outcome.findings["INV7"].message
    # Below the limit, emulation is fine: the cost is what grows with the runs.
    assert replay_one("W2", "EMULATE_ALL", runs=32).invariants["INV7"] is True


def test_claim12_no_writeback_only() -> None:
    outcomes = {o.workload: o for o in replay("NO_WRITEBACK_ONLY")}
    for name in ("W1", "W2"):
        assert outcomes[name].result == "allowed"
        assert all(outcomes[name].invariants.values()), name
    assert outcomes["W4"].result == "emulated"
    assert all(outcomes["W4"].invariants.values())


def test_claim14_remap_prot_loses_prot_write_under_writenotify() -> None:
    result = check("W4-prot", "REMAP_PROT")
    assert (result.verdict, result.invariant) == ("violated", "INV5")
    assert check("W2-prot", "REMAP_PROT").verdict == "held"  # UML's PROT_NONE start: unaffected
    refused = replay_one("W4-prot", "REMAP_PROT_NO_WRITENOTIFY")
    assert (refused.result, refused.errno) == ("refused", "EINVAL")
    assert refused.invariants["INV5"] is True


def test_policies_change_outcomes_not_tables() -> None:
    # The same workload, two policies, two computed results.
    assert replay_one("W3", "STATUS_QUO").result == "allowed"
    assert replay_one("W3", "NO_NONLINEAR").errno == "ENOSYS"
    assert replay_one("W3", "SHMEM_ONLY_MLOCKED").errno == "ENOMEM"  # 256 pages > memlock 16
