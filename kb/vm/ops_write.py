"""write(2) through the page cache (generic_file_buffered_write) and madvise(MADV_DONTNEED).

Old (2.6.20): prefault the source, lock the destination page, copy — faulting the source *while
holding the destination's lock* if its pte was zapped meanwhile — commit, unlock. With a fault path
that locks the page, a source that is the destination (or two writers cross-wise) deadlocks
[T 02-27 1:32 am Andrew; 4:50 am Nick]. New (2.6.24): copy with faults disabled; on a short copy,
unlock and start over. Labels B1–B4 and Z1 are ours.
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
from threadlore.kb.vm.primitives import find_get_page, put_page, set_page_dirty, zap_pte
from threadlore.kb.vm.state import VM


def fault_in_pages_readable(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """B1: touch the source so the copy should not fault."""
    args = regs(address=frame.get("source"), write=False)
    return Call(vm, "handle_mm_fault", args, "B2", frame.regs)


def grab_cache_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """B2: __grab_cache_page: the destination page, locked (sleeps while locked)."""
    index = frame.get("index")
    pfn = vm.inode.lookup(index)
    if pfn is not None and vm.pages[pfn].locked_by is not None:
        return Wait(pfn)
    vm, pfn = find_get_page(vm, index)
    return Go(vm.with_page(pfn, locked_by=ctx.thread), "B3", set_regs(frame.regs, pfn=pfn))


def filemap_copy_from_user(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """B3: copy from the source; a zapped source pte faults (old) or gives a short copy (new)."""
    source = frame.get("source")
    vma = vm.vma_at(ctx.process, source)
    present = vma is not None and vma.ptes[source - vma.start].kind == "present"
    if not present:
        if ctx.semantics.buffered_write == "new":  # short copy: unlock, retry from B1
            pfn = frame.get("pfn")
            return Go(put_page(vm.with_page(pfn, locked_by=None), pfn), "B1", frame.regs)
        args = regs(address=source, write=False)
        return Call(vm, "handle_mm_fault", args, "B3", frame.regs)
    pfn = frame.get("pfn")
    index = vm.pages[pfn].index
    vm, version = vm.tick()
    written = list(vm.inode.written)
    written[index] = version
    vm = vm.with_page(pfn, data=version).with_inode(written=tuple(written))
    return Go(vm, "B4", frame.regs)


def commit_write(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """B4: generic_commit_write (set_page_dirty), unlock_page."""
    pfn = frame.get("pfn")
    vm = put_page(set_page_dirty(vm, pfn).with_page(pfn, locked_by=None), pfn)
    return Go(vm, None, frame.regs)


BUFFERED_WRITE = Operation(
    "generic_file_buffered_write",
    "B1",
    {
        "B1": StepDef("B1", "fault_in_pages_readable", fault_in_pages_readable),
        "B2": StepDef("B2", "__grab_cache_page", grab_cache_page),
        "B3": StepDef("B3", "filemap_copy_from_user", filemap_copy_from_user),
        "B4": StepDef("B4", "generic_commit_write", commit_write),
    },
)


def zap_page_range(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """Z1: madvise(MADV_DONTNEED): zap the ptes of [start, start+length)."""
    start = frame.get("start")
    for address in range(start, start + frame.get("length")):
        vma = vm.vma_at(ctx.process, address)
        if vma is not None:
            vm = zap_pte(vm, vma, address - vma.start)
    return Go(vm, None, frame.regs)


ZAP_PAGE_RANGE = Operation(
    "zap_page_range", "Z1", {"Z1": StepDef("Z1", "zap_page_range", zap_page_range)}
)

OPERATIONS = (BUFFERED_WRITE, ZAP_PAGE_RANGE)
