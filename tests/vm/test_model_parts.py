"""The model's parts on their own: vma emulation bookkeeping, the reclaim scan, diffs, bounds."""

from __future__ import annotations

from threadlore.kb.vm.explorer import check
from threadlore.kb.vm.ops_mmap import mmap_region
from threadlore.kb.vm.ops_reclaim import CLUSTER_SIZE, try_to_unmap_nonlinear
from threadlore.kb.vm.primitives import install_pte, page_cache_read
from threadlore.kb.vm.replay import replay_one
from threadlore.kb.vm.state import Process, Pte
from threadlore.kb.vm.trace import diff
from threadlore.kb.vm.workloads import file_state, mapped, nonlinear, with_process


def test_mmap_region_splits_and_merges_like_vma_merge() -> None:
    vm = mapped(with_process(file_state("TMPFS", 8), Process("p")), "p", 0, 8, 0, "read-write")
    middle = mmap_region(vm, "p", 3, 2, 6, "read-write")  # a run elsewhere in the file: 3 vmas
    assert middle is not None and middle.map_count("p") == 3
    back = mmap_region(middle, "p", 3, 2, 3, "read-write")  # the linear pgoff again: one vma
    assert back is not None and back.map_count("p") == 1
    assert back.vmas[0].start == 0 and back.vmas[0].length == 8


def test_mmap_region_refuses_past_max_map_count() -> None:
    vm = with_process(file_state("TMPFS", 8), Process("p", max_map_count=2))
    vm = mapped(vm, "p", 0, 4, 0, "read")
    vm2 = mmap_region(vm, "p", 1, 1, 7, "read")
    assert vm2 is None  # 3 vmas > 2


def test_emulation_uses_one_vma_per_run() -> None:
    outcome = replay_one("W2", "EMULATE_ALL", runs=32)
    assert outcome.result == "emulated"
    assert outcome.costs["vmas_used"] == 32 + 1  # one per run, plus UML's linear physmem view


def test_nonlinear_reclaim_scans_from_the_cursor_and_keeps_it() -> None:
    vm = with_process(file_state("TMPFS", 1), Process("p"))
    vm = mapped(vm, "p", 0, 4 * CLUSTER_SIZE, 0, "read")
    vm = nonlinear(vm, 0, [0] * (4 * CLUSTER_SIZE))
    vm, pfn = page_cache_read(vm, 0)
    last = 4 * CLUSTER_SIZE - 1
    vm = install_pte(vm, vm.vma(0), last, pfn, write_fault=False)
    vm = try_to_unmap_nonlinear(vm, pfn)
    assert vm.pages[pfn].mapcount == 0
    assert vm.metrics.reclaim_work == 4 * CLUSTER_SIZE  # every slot up to the page
    assert vm.vma(0).nl_cursor == 4 * CLUSTER_SIZE
    assert vm.vma(0).ptes[last] == Pte("file", pgoff=0)


def test_diff_names_the_leaf_that_changed() -> None:
    vm = file_state("DISK", 2, cached=(0,))
    after = vm.with_page(0, dirty=True)
    assert diff(vm, after) == [("pages[0].dirty", False, True)]


def test_explorer_cost_grows_with_threads_and_can_be_bounded() -> None:
    one, two = check("W5", "LOCK_PAGE_IN_FAULT"), check("W5", "LOCK_PAGE_IN_FAULT", threads=2)
    assert two.distinct_states > 5 * one.distinct_states
    bounded = check("W5", "LOCK_PAGE_IN_FAULT", threads=2, max_states=100)
    assert bounded.verdict == "incomplete"


def test_traces_show_state_not_caches() -> None:
    trace = check("W7", "LOCK_PAGE_IN_FAULT").trace
    paths = [path for step in trace for path, _, _ in step.changes]
    assert paths and not any("_hash" in path for path in paths)
