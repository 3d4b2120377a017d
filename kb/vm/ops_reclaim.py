"""Reclaim of one file page: shrink_page_list → try_to_unmap → remove_mapping (2.6.20 mm/rmap.c).

Linear vmas are found through the objrmap (one pte per vma). Nonlinear vmas have no reverse map:
try_to_unmap_nonlinear scans 32-slot clusters from a per-vma cursor, zapping every present pte it
meets, until as many ptes as the page's mapcount are gone — so its cost follows the size of the
nonlinear vmas, not the page (the DoS, [T 03-07 7:00 am Nick]). NONLINEAR_RMAP_TREE finds them
exactly; RECLAIM_HARD searches every nonlinear pte when the scan leaves the page mapped
[T 03-08 7:48 am Miklos]. Labels R1–R3 are ours.
"""

from __future__ import annotations

from threadlore.kb.vm.machine import Context, Frame, Go, Operation, Outcome, StepDef, set_regs
from threadlore.kb.vm.primitives import remove_from_page_cache, write_page_to_disk, zap_pte
from threadlore.kb.vm.state import VM

CLUSTER_SIZE = 32


def shrink_page_trylock(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """R1: TestSetPageLocked; a locked page is skipped."""
    pfn = vm.inode.lookup(frame.get("index"))
    if pfn is None or vm.pages[pfn].locked_by is not None:
        return Go(vm, None, frame.regs)
    return Go(vm.with_page(pfn, locked_by=ctx.thread), "R2", set_regs(frame.regs, pfn=pfn))


def _unmap_linear(vm: VM, pfn: int) -> VM:
    index = vm.pages[pfn].index
    for vma in vm.vmas:
        if vma.nonlinear or not vma.pgoff <= index < vma.pgoff + vma.length:
            continue
        vm = vm.bump(reclaim_work=1)
        slot = index - vma.pgoff
        pte = vma.ptes[slot]
        if pte.kind == "present" and pte.pfn == pfn and not vma.locked:
            vm = zap_pte(vm, vma, slot)
    return vm


def _unmap_nonlinear_exact(vm: VM, pfn: int) -> VM:
    for vma in vm.vmas:
        if not vma.nonlinear or vma.locked:
            continue
        for slot, pte in enumerate(vma.ptes):
            if pte.kind == "present" and pte.pfn == pfn:
                vm = zap_pte(vm.bump(reclaim_work=1), vm.vma(vma.vid), slot)
    return vm


def try_to_unmap_nonlinear(vm: VM, pfn: int) -> VM:
    """The cluster scan of 2.6.20, cursors and all."""
    vids = [v.vid for v in vm.vmas if v.nonlinear and not v.locked]
    if not vids:
        return vm  # SWAP_FAIL: every nonlinear vma is mlocked
    mapcount = vm.pages[pfn].mapcount
    max_nl_cursor = max(vm.vma(vid).nl_cursor for vid in vids) or CLUSTER_SIZE
    max_nl_size = max(vm.vma(vid).length for vid in vids)
    max_nl_size = -(-max_nl_size // CLUSTER_SIZE) * CLUSTER_SIZE
    while max_nl_cursor <= max_nl_size:
        for vid in vids:
            cursor = vm.vma(vid).nl_cursor
            while cursor < max_nl_cursor and cursor < vm.vma(vid).length:
                for slot in range(cursor, min(cursor + CLUSTER_SIZE, vm.vma(vid).length)):
                    vm = vm.bump(reclaim_work=1)
                    if vm.vma(vid).ptes[slot].kind == "present":
                        vm = zap_pte(vm, vm.vma(vid), slot)
                        mapcount -= 1  # try_to_unmap_cluster counts every pte it zaps
                cursor += CLUSTER_SIZE
                vm = vm.with_vma(vid, nl_cursor=cursor)
                if mapcount <= 0:
                    return vm
            vm = vm.with_vma(vid, nl_cursor=max_nl_cursor)
        max_nl_cursor += CLUSTER_SIZE
    for vid in vids:
        vm = vm.with_vma(vid, nl_cursor=0)
    return vm


def _unmap_nonlinear_searching(vm: VM, pfn: int) -> VM:
    """RECLAIM_HARD: every slot of every unlocked nonlinear vma examined for the page's ptes."""
    for vma in vm.vmas:
        if not vma.nonlinear or vma.locked:
            continue
        vm = vm.bump(reclaim_work=vma.length)
        for slot, pte in enumerate(vma.ptes):
            if pte.kind == "present" and pte.pfn == pfn:
                vm = zap_pte(vm, vm.vma(vma.vid), slot)
    return vm


def try_to_unmap(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """R2: unmap the page everywhere; still mapped → give up (unlock). RECLAIM_HARD: a cluster
    scan that leaves the page mapped is followed by a search of every nonlinear pte."""
    pfn = frame.get("pfn")
    vm = _unmap_linear(vm, pfn)
    if vm.pages[pfn].mapcount > 0:
        if ctx.semantics.mkclean_scope == "rmap_tree":
            vm = _unmap_nonlinear_exact(vm, pfn)
        else:
            vm = try_to_unmap_nonlinear(vm, pfn)
            if vm.pages[pfn].mapcount > 0 and ctx.semantics.reclaim_hard:
                vm = _unmap_nonlinear_searching(vm, pfn)
    if vm.pages[pfn].mapcount > 0:
        return Go(vm.with_page(pfn, locked_by=None), None, frame.regs)
    return Go(vm, "R3", frame.regs)


def remove_mapping(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """R3: pageout if dirty (to disk, or to swap for tmpfs/shm: shmem_writepage), then free the
    page from the cache; unlock. A dirty ramfs page has no ->writepage: it stays."""
    pfn = frame.get("pfn")
    if vm.pages[pfn].dirty and vm.inode.device == "RAMFS":
        return Go(vm.with_page(pfn, locked_by=None), None, frame.regs)
    if vm.pages[pfn].dirty:
        vm = write_page_to_disk(vm.with_page(pfn, dirty=False), pfn)
    vm = remove_from_page_cache(vm, pfn).with_page(pfn, locked_by=None)
    return Go(vm.bump(freed_pages=1), None, frame.regs)


SHRINK_PAGE = Operation(
    "shrink_page_list",
    "R1",
    {
        "R1": StepDef("R1", "shrink_page_list", shrink_page_trylock),
        "R2": StepDef("R2", "try_to_unmap", try_to_unmap),
        "R3": StepDef("R3", "remove_mapping", remove_mapping),
    },
)

OPERATIONS = (SHRINK_PAGE,)
