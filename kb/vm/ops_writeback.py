"""Dirty tracking and writeback: page_mkclean, writeout (clear_page_dirty_for_io, writepage), msync.

page_mkclean visits only the linear vmas of i_mmap in 2.6.20 [C mm/rmap.c]; FULL_SCAN_MKCLEAN
scans every slot of every nonlinear vma and NONLINEAR_RMAP_TREE finds the nonlinear ptes exactly.
msync is a no-op for MS_ASYNC since 2.6.19; MS_SYNC writes PG_dirty pages; the `scan` mode first
moves the dirty bits of nonlinear ptes to PG_dirty (what Peter's patch restores). Labels W1–W3 and
M1–M3 are ours.
"""

from __future__ import annotations

from threadlore.kb.vm.machine import (
    Call,
    Context,
    Frame,
    Go,
    Operation,
    Outcome,
    StepDef,
    Wait,
    regs,
    set_regs,
)
from threadlore.kb.vm.primitives import write_page_to_disk
from threadlore.kb.vm.state import VM, Vma, evolve


def _clean_slot(vm: VM, vma: Vma, slot: int) -> tuple[VM, bool]:
    """page_mkclean_one: write-protect and clean one pte; whether it was dirty."""
    pte = vma.ptes[slot]
    if not (pte.write or pte.dirty):
        return vm, False
    return vm.with_pte(vma.vid, slot, evolve(pte, write=False, dirty=False)), pte.dirty


def page_mkclean(vm: VM, pfn: int, scope: str) -> tuple[VM, bool]:
    """Write-protect every pte of the page page_mkclean can find; whether one was dirty."""
    index = vm.pages[pfn].index
    found_dirty = False
    work = 0
    for vma in vm.vmas:
        if not vma.nonlinear:
            if vma.pgoff <= index < vma.pgoff + vma.length:  # objrmap: one vma, one pte
                work += 1
                slot = index - vma.pgoff
                if vma.ptes[slot].kind == "present" and vma.ptes[slot].pfn == pfn:
                    vm, dirty = _clean_slot(vm, vma, slot)
                    found_dirty |= dirty
            continue
        if scope == "linear":
            continue  # i_mmap_nonlinear is never visited [T 03-07 5:25 am Miklos]
        for slot, pte in enumerate(vma.ptes):
            maps_page = pte.kind == "present" and pte.pfn == pfn
            work += 1 if scope == "full_scan" else int(maps_page)
            if maps_page:
                vm, dirty = _clean_slot(vm, vm.vma(vma.vid), slot)
                found_dirty |= dirty
    return vm.bump(mkclean_work=work), found_dirty


def writeout_lock_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """W1: the page to write, locked."""
    pfn = vm.inode.lookup(frame.get("index"))
    if pfn is None:
        return Go(vm, None, frame.regs)
    if vm.pages[pfn].locked_by is not None:
        return Wait(pfn)
    return Go(vm.with_page(pfn, locked_by=ctx.thread), "W2", set_regs(frame.regs, pfn=pfn))


def clear_page_dirty_for_io(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """W2: page_mkclean (dirty-accounting devices), keep dirty if a pte was, test-and-clear."""
    pfn = frame.get("pfn")
    if vm.inode.accounts_dirty:
        vm, pte_dirty = page_mkclean(vm, pfn, ctx.semantics.mkclean_scope)
        if pte_dirty:
            vm = vm.with_page(pfn, dirty=True)
    was_dirty = vm.pages[pfn].dirty
    vm = vm.with_page(pfn, dirty=False)
    return Go(vm, "W3", set_regs(frame.regs, was_dirty=was_dirty))


def writepage(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """W3: write it if it was dirty (counting redundant IO), unlock."""
    pfn = frame.get("pfn")
    if frame.get("was_dirty"):
        vm = write_page_to_disk(vm, pfn)
    return Go(vm.with_page(pfn, locked_by=None), None, frame.regs)


WRITEOUT = Operation(
    "writeout",
    "W1",
    {
        "W1": StepDef("W1", "lock_page", writeout_lock_page),
        "W2": StepDef("W2", "clear_page_dirty_for_io", clear_page_dirty_for_io),
        "W3": StepDef("W3", "writepage", writepage),
    },
)


def msync_begin(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """M1: note what has been written so far; `scan` mode moves nonlinear pte dirty bits."""
    if ctx.semantics.msync == "scan":
        for vma in vm.vmas:
            if vma.process != ctx.process or not vma.nonlinear:
                continue
            for slot, pte in enumerate(vma.ptes):
                if pte.kind == "present" and pte.dirty:  # msync_pte_range
                    vm = vm.with_pte(vma.vid, slot, evolve(pte, dirty=False))
                    vm = vm.with_page(pte.pfn, dirty=True)
            vm = vm.bump(msync_work=vma.length)
    return Go(vm, "M2", set_regs(frame.regs, before=vm.inode.written, next=0))


def msync_write_dirty(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """M2: MS_SYNC → do_fsync writes each PG_dirty page; MS_ASYNC does nothing."""
    if not frame.get("sync"):
        return Go(vm, None, frame.regs)
    for index, pfn in vm.inode.cache:
        if index >= frame.get("next") and vm.pages[pfn].dirty:
            again = set_regs(frame.regs, next=index + 1)
            return Call(vm, "writeout", regs(index=index), "M2", again)
    return Go(vm, "M3", frame.regs)


def msync_check(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """M3: MS_SYNC returns; record any write made before it that the disk lacks (INV2b)."""
    before = frame.get("before")
    for index, version in enumerate(before):
        if vm.inode.disk[index] < version:
            vm = vm.note(
                "msync_lost",
                ctx.thread,
                f"index {index}: disk v{vm.inode.disk[index]} < written v{version}",
            )
    return Go(vm, None, frame.regs)


MSYNC = Operation(
    "sys_msync",
    "M1",
    {
        "M1": StepDef("M1", "sys_msync", msync_begin),
        "M2": StepDef("M2", "do_fsync", msync_write_dirty),
        "M3": StepDef("M3", "filemap_fdatawait", msync_check),
    },
)

OPERATIONS = (WRITEOUT, MSYNC)
