"""Where the model departed from 2.6.20 (issue 16), each pinned by a run of the model.

Every test here failed on the model before the fix: it names a behaviour of the 2.6.20 code
(kb/vm/README.md cites the function) and runs the model to see it.
"""

from __future__ import annotations

from threadlore.kb.vm.explorer import check, explore
from threadlore.kb.vm.policies import POLICIES, resolve
from threadlore.kb.vm.replay import cost_growth, growth_exponents, replay_one
from threadlore.kb.vm.scenario import workloads_from_text
from threadlore.kb.vm.workloads import Workload


def scenario(text: str) -> Workload:
    return workloads_from_text(text, "test.scenario")[0]


def final_vms(workload: Workload, policy: str, **params: int) -> list:
    """Every final state's VM of a full exploration."""
    setup = workload.setup()
    found = explore(setup, policy, stop_at_first=False, policy_params=params)
    assert found.complete
    return found.final_vms


# -- clear_page_dirty_for_io: page_mkclean, then TestClearPageDirty, the pte lock dropped between


def test_a_fault_can_land_between_page_mkclean_and_test_clear_page_dirty() -> None:
    result = check("W8", "STATUS_QUO")
    assert (result.verdict, result.invariant) == ("violated", "INV2")
    steps = [(s.thread, s.label) for s in result.trace]
    mkclean, clear = steps.index(("flusher", "W2")), steps.index(("flusher", "W3"))
    between = {label for thread, label in steps[mkclean + 1 : clear] if thread == "writer"}
    assert between & {"F4", "F5", "WP1", "WP2"}, steps


def test_79352894_closes_the_window_and_so_does_2_6_24() -> None:
    assert check("W8", "FIX_CPDFIO_RACE").verdict == "held"
    assert check("W8", "MERGED_2_6_24").verdict == "held"
    # Nick's locked fault alone covers do_no_page, not do_wp_page.
    result = check("W8", "LOCK_PAGE_IN_FAULT")
    assert result.verdict == "violated"
    assert "do_wp_page" in [s.operation for s in result.trace]


# -- install_page maps with vm_page_prot and never calls set_page_dirty -------------------------

TMPFS_NONLINEAR_WRITE = """
scenario t "a write through a nonlinear tmpfs window"
device tmpfs
file pages=2 cached=0..1
process p {
  vma start=0 pages=2 prot=write nonlinear=[1, 0]
}
thread t in p {
  store 0
}
"""


def test_the_old_nonlinear_fault_does_not_dirty_the_page() -> None:
    (vm,) = final_vms(scenario(TMPFS_NONLINEAR_WRITE), "STATUS_QUO")
    pte = vm.vmas[0].ptes[0]
    assert (pte.kind, pte.write, pte.dirty) == ("present", True, True)  # the MMU's dirty bit
    assert not vm.pages[pte.pfn].dirty  # the kernel was never told
    # Nick's __do_fault does dirty it on a write fault.
    (vm,) = final_vms(scenario(TMPFS_NONLINEAR_WRITE), "LOCK_PAGE_IN_FAULT")
    assert vm.pages[vm.vmas[0].ptes[0].pfn].dirty


def test_peters_prot_reset_avoids_the_double_io_that_the_bare_msync_scan_has() -> None:
    # With install_page, a writable vm_page_prot means no write fault, so no PG_dirty for
    # writeout to write before msync finds the pte ("To minimize this reset the protection").
    peter = replay_one("W4", "ROOT_ONLY_IF_WRITEBACK")
    assert peter.invariants["INV3"] and peter.invariants["INV2b"]
    bare = replay_one("W4", "MSYNC_SCAN")
    assert not bare.invariants["INV3"] and bare.invariants["INV2b"]


# -- tmpfs, shm and ramfs have no disk (BDI_CAP_NO_WRITEBACK) -----------------------------------

TMPFS_MSYNC = """
scenario t "write, writeout and msync on tmpfs"
device tmpfs
file pages=1 cached=[0]
process p {
  vma start=0 pages=1 prot=write
}
thread t in p {
  store 0
  writeout 0
  msync sync
}
"""


def test_writeout_and_msync_write_nothing_on_tmpfs() -> None:
    outcome = replay_one(scenario(TMPFS_MSYNC), "STATUS_QUO")
    assert outcome.costs["io"] == 0
    assert all(outcome.invariants.values())


# -- Andrea's seqlock and page flag cover the nonlinear fault too -------------------------------


def test_seqlock_and_page_flag_fix_the_nonlinear_race() -> None:
    for policy in ("SEQLOCK", "PAGE_FLAG"):
        assert check("W6", policy).verdict == "held", policy
        assert check("W6", policy, pages=2, threads=2).verdict == "held", policy
        assert check("W6-truncate", policy).verdict == "held", policy


# -- RLIMIT_MEMLOCK applies to every way of locking pages ---------------------------------------


def test_the_implicit_mlock_is_held_to_the_memlock_limit() -> None:
    outcome = replay_one("W3", "SHMEM_ONLY_MLOCKED")  # 256 pages against a limit of 16
    assert (outcome.result, outcome.errno) == ("refused", "ENOMEM")
    assert "memlock limit 16" in outcome.findings["INV7"].message
    for vm in final_vms(scenario(ATTACKER_256), "SHMEM_ONLY_MLOCKED"):
        assert vm.processes[0].locked_pages <= vm.processes[0].memlock_limit


ATTACKER_256 = """
scenario t "an unprivileged nonlinear vma of 256 pages on tmpfs"
device tmpfs
file pages=1 cached=[0]
process attacker {
  vma start=0 pages=256 prot=read
}
thread t in attacker {
  remap_file_pages start=255 size=1 pgoff=0
}
"""


def test_mlock_fails_with_enomem_past_the_limit_and_eperm_without_one() -> None:
    text = TWO_VMAS.replace("thread t in p {", "thread t in p {\n  mlock 0 16")
    outcome = replay_one(scenario(text.replace("memlock=12", "memlock=8")), "STATUS_QUO")
    assert "ENOMEM" in outcome.findings["INV7"].message
    outcome = replay_one(scenario(text.replace("memlock=12", "memlock=0")), "STATUS_QUO")
    assert "EPERM" in outcome.findings["INV7"].message


# -- INV3 is Peter's double IO, not any rewrite of unchanged data -------------------------------


def test_a_harmless_rewrite_is_a_cost_not_a_broken_invariant() -> None:
    # The write fault dirties the pte before the store; a writeout in between writes the old
    # data again: redundant IO, but no dirty pte hidden from page_mkclean.
    outcome = replay_one("W8", "FIX_CPDFIO_RACE")
    assert outcome.costs["redundant_io"] >= 1
    assert outcome.invariants["INV3"]
    assert outcome.costs["double_io"] == 0


def test_peters_sequence_is_double_io() -> None:
    outcome = replay_one("W4", "MSYNC_SCAN")
    assert not outcome.invariants["INV3"]
    assert outcome.costs["double_io"] == 1
    labels = [(s.operation, s.label) for s in outcome.findings["INV3"].trace]
    first_clear = labels.index(("TestClearPageDirty", "W3"))
    assert first_clear < labels.index(("sys_msync", "M1")) < len(labels) - 1


# -- NONLINEAR_LIMIT: per mm, with a settable cap ----------------------------------------------

TWO_VMAS = """
scenario t "two vmas of 8 pages, each remapped"
device tmpfs
file pages=16 cached=0..15
process p memlock=12 {
  vma start=0 pages=8 prot=read
  vma start=100 pages=8 pgoff=8 prot=read
}
thread t in p {
  remap_file_pages start=0 size=1 pgoff=3
  remap_file_pages start=100 size=1 pgoff=12
}
"""


def test_the_nonlinear_limit_counts_every_vma_of_the_process() -> None:
    (vm,) = final_vms(scenario(TWO_VMAS), "NONLINEAR_LIMIT", cap=12)
    assert sum(v.length for v in vm.vmas if v.nonlinear) == 8  # the second would pass 12
    (vm,) = final_vms(scenario(TWO_VMAS), "NONLINEAR_LIMIT", cap=16)
    assert sum(v.length for v in vm.vmas if v.nonlinear) == 16
    assert resolve("NONLINEAR_LIMIT").remap_nonlinear_limit == 16


def test_the_nonlinear_limit_holds_when_two_threads_race_to_it() -> None:
    text = TWO_VMAS.replace(
        "  remap_file_pages start=100 size=1 pgoff=12\n}",
        "}\nthread u in p {\n  remap_file_pages start=100 size=1 pgoff=12\n}",
    )
    for vm in final_vms(scenario(text), "NONLINEAR_LIMIT", cap=12):
        assert sum(v.length for v in vm.vmas if v.nonlinear) <= 12


# -- munmap, exit and mprotect ------------------------------------------------------------------


def _after(program: str, device: str = "tmpfs", prot: str = "write") -> object:
    text = f"""
scenario t "one thread, then the final state"
device {device}
file pages=2 cached=0..1
process p {{
  vma start=0 pages=2 prot={prot}
}}
thread t in p {{
{program}
}}
"""
    (vm,) = final_vms(scenario(text), "STATUS_QUO")
    return vm


def test_munmap_and_exit_move_dirty_bits_to_pg_dirty() -> None:
    for last in ("munmap 0 2", "exit"):
        vm = _after(f"store 1\n{last}")
        assert not vm.vmas
        assert vm.pages[0].dirty is False  # page 0 was never written
        written = next(p for p in vm.pages if p.index == 1)
        assert written.dirty and written.mapcount == 0


def test_munmap_splits_a_vma() -> None:
    vm = _after("munmap 1 1")
    assert [(v.start, v.length) for v in vm.vmas] == [(0, 1)]


def test_mprotect_write_protects_and_a_write_then_faults() -> None:
    vm = _after("store 0\nmprotect 0 2 read\nstore 0")
    assert not vm.vmas[0].ptes[0].write
    assert any(e.kind == "SIGSEGV" for e in vm.events)


def test_mprotect_on_a_disk_file_keeps_dirty_ptes_writable_and_others_read_only() -> None:
    vm = _after("store 0\nload 1\nmprotect 0 2 read\nmprotect 0 2 write", device="disk")
    assert vm.vmas[0].page_prot == "read" and vm.vmas[0].writenotify
    dirty, clean = vm.vmas[0].ptes
    assert (dirty.write, dirty.dirty) == (True, True)  # "avoid taking write faults …"
    assert (clean.write, clean.dirty) == (False, False)  # the next write will fault


def test_munmap_waits_for_a_fault_of_its_process() -> None:
    text = """
scenario t "munmap racing a fault of another thread of the process"
device disk
file pages=1 cached=[0]
process p {
  vma start=0 pages=1 prot=read
}
thread f in p {
  load 0
}
thread u in p {
  munmap 0 1
}
"""
    result = check(scenario(text), "STATUS_QUO")
    assert result.verdict == "held"  # no fault finds its vma gone half-way


# -- GUESS_DIRTY and RECLAIM_HARD ---------------------------------------------------------------


def test_guess_dirty_finds_the_nonlinear_pte_at_writeout() -> None:
    outcome = replay_one("W4", "GUESS_DIRTY")
    assert outcome.costs["msync_work"] > 0  # the forced scan of the nonlinear vma
    assert outcome.costs["double_io"] == 0
    # The scan leaves the pte writable: the second write reaches neither PG_dirty nor msync.
    assert not outcome.invariants["INV2b"]


CROWDED_WINDOW = """
scenario t "a nonlinear window where other pages come first"
device tmpfs
file pages=40 cached=0..39
process p {
  vma start=0 pages=40 prot=read nonlinear=0..39
}
thread t in p {
  repeat i in 0..39 {
    load i
  }
  reclaim 39
}
"""


def test_reclaim_hard_searches_when_the_cluster_scan_misses() -> None:
    status_quo = replay_one(scenario(CROWDED_WINDOW), "STATUS_QUO")
    assert status_quo.costs["reclaim_work_per_freed_page"] == 0  # nothing freed
    hard = replay_one(scenario(CROWDED_WINDOW), "RECLAIM_HARD")
    assert hard.costs["reclaim_work_per_freed_page"] > 40  # the cluster, then every slot
    # Where the scan finds the page anyway (W3), the DoS is unchanged [T 03-08 8:11 am Peter].
    points = cost_growth("W3", "RECLAIM_HARD", [64, 512])
    assert growth_exponents(points)["reclaim_work"] == 1.0


# -- the rmap tree's memory, SYSCTL_EMULATE's knob ---------------------------------------------


def test_the_rmap_tree_costs_a_node_per_remapped_slot() -> None:
    points = cost_growth("W2", "NONLINEAR_RMAP_TREE", [16, 32])
    assert [p.costs["rmap_nodes"] for p in points] == [16, 32]
    assert replay_one("W2", "STATUS_QUO", runs=16).costs["rmap_nodes"] == 0


def test_sysctl_emulate_is_off_until_the_sysadmin_sets_it() -> None:
    assert replay_one("W3", "SYSCTL_EMULATE").result == "allowed"
    assert replay_one("W3", "SYSCTL_EMULATE", knob=1).result == "emulated"
    assert resolve("SYSCTL_EMULATE") != resolve("EMULATE_ALL")


# -- later history, replayable beside the thread ------------------------------------------------


def test_later_policies_are_replayable() -> None:
    later = [p.name for p in POLICIES.values() if p.era == "later"]
    assert {"FIX_CPDFIO_RACE", "MERGED_2_6_24", "NEW_BUFFERED_WRITE"} <= set(later)
    merged = {w: replay_one(w, "MERGED_2_6_24") for w in ("W4", "W5", "W6", "W7", "W8")}
    assert merged["W4"].result == "emulated"  # nonlinear emulated on a disk file
    assert all(all(o.invariants.values()) for o in merged.values())
