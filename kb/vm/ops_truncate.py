"""Truncate, hole punch and direct-IO invalidate: vmtruncate, vmtruncate_range, unmap_mapping_range,
truncate_inode_pages_range, generic_file_direct_IO and invalidate_inode_pages2_range (2.6.20).

Labels: T1 set i_size, T2 truncate_count++, T3 zap one pte, T4 lock/remove one page (VM-MODEL.md
§2). The invalidate path has no labels in the spec; it uses I1 (unmap the range), I2 (write back),
I3 (write the new contents), I4 lock, I5 unmap if mapped, I6 launder, I7 remove and unlock;
madvise(MADV_REMOVE) is H1.
The SEQLOCK policy brackets each of them with a write seqcount (odd while inside).
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
from threadlore.kb.vm.primitives import (
    remove_from_page_cache,
    unmap_page_everywhere,
    write_page_to_disk,
    zap_pte,
)
from threadlore.kb.vm.state import VM, Vma

END_OF_FILE = 1 << 30


def _in_range(index: int, start: int, end: int | None) -> bool:
    return start <= index < (END_OF_FILE if end is None else end)


def _seqlock_enter(ctx: Context, vm: VM) -> VM:
    if ctx.semantics.fault == "seqlock":
        return vm.with_inode(seqcount=vm.inode.seqcount + 1)
    return vm


# -- unmap_mapping_range ------------------------------------------------------------------------


def unmap_mapping_range_begin(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """T2: truncate_count++ so that racing faults retry. PAGE_FLAG: first flag every cached page
    of the range, so that a fault finding one before its removal backs off (Andrea's fix)."""
    if ctx.semantics.fault == "page_flag":
        for index, pfn in vm.inode.cache:
            in_range = _in_range(index, frame.get("start"), frame.get("end"))
            if in_range and not vm.pages[pfn].truncated:
                vm = vm.with_page(pfn, truncated=True)
    vm = vm.with_inode(truncate_count=vm.inode.truncate_count + 1)
    return Go(vm, "T3", set_regs(frame.regs, at_vid=-1, slot=0))


def _next_pte_to_zap(vm: VM, frame: Frame) -> tuple[int, int, int] | None:
    """(vid, slot, slots scanned) of the next present pte in range, from the cursor.

    The vmas are walked in the order of their ids (a munmap racing the walk removes one, a
    split adds one with a larger id), the cursor being the vid and slot reached.
    """
    start, end = frame.get("start"), frame.get("end")
    at_vid, at_slot = frame.get("at_vid"), frame.get("slot")
    vmas = vm.vmas if len(vm.vmas) < 2 else sorted(vm.vmas, key=lambda v: v.vid)
    scanned = 0
    for vma in vmas:
        if vma.vid < at_vid:
            continue
        first = at_slot if vma.vid == at_vid else 0
        for slot in range(first, vma.length):
            pte = vma.ptes[slot]
            if vma.nonlinear:
                scanned += 1  # every slot of a nonlinear vma is scanned
                index = vm.pages[pte.pfn].index if pte.kind == "present" else -1
            else:
                index = vma.pgoff + slot
                scanned += int(_in_range(index, start, end))
            if pte.kind == "present" and _in_range(index, start, end):
                return vma.vid, slot, scanned
    return None


def zap_pte_range(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """T3: zap the next mapped pte of the range (nonlinear: its dirty bit goes to PG_dirty)."""
    found = _next_pte_to_zap(vm, frame)
    if found is None:
        return Go(vm, None, frame.regs)
    vid, slot, scanned = found
    vma: Vma = vm.vma(vid)
    vm = zap_pte(vm, vma, slot).bump(unmap_work=scanned)
    return Go(vm, "T3", set_regs(frame.regs, at_vid=vid, slot=slot + 1))


UNMAP_MAPPING_RANGE = Operation(
    "unmap_mapping_range",
    "T2",
    {
        "T2": StepDef("T2", "unmap_mapping_range", unmap_mapping_range_begin),
        "T3": StepDef("T3", "zap_pte_range", zap_pte_range),
    },
)


# -- truncate_inode_pages_range -----------------------------------------------------------------


def _next_cached(vm: VM, frame: Frame) -> tuple[int, int] | None:
    start = max(frame.get("start"), frame.get("next", 0))
    for index, pfn in vm.inode.cache:
        if _in_range(index, start, frame.get("end")):
            return index, pfn
    return None


def _seqlock_leave(ctx: Context, vm: VM, frame: Frame) -> VM:
    if ctx.semantics.fault == "seqlock" and frame.get("seq_end"):
        return vm.with_inode(seqcount=vm.inode.seqcount + 1)
    return vm


def _lock_next_cached(ctx: Context, vm: VM, frame: Frame) -> Outcome | tuple[VM, int, int]:
    """lock_page on the next cached page of the range: the VM with it locked, its index and pfn.

    Returns the step's outcome instead when the range is done (leaving the seqlock) or the
    page is locked by someone else (sleep).
    """
    found = _next_cached(vm, frame)
    if found is None:
        return Go(_seqlock_leave(ctx, vm, frame), None, frame.regs)
    index, pfn = found
    if vm.pages[pfn].locked_by is not None:
        return Wait(pfn)
    return vm.with_page(pfn, locked_by=ctx.thread), index, pfn


def truncate_lock_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """T4: find the next page in range and lock it (sleeps while it is locked)."""
    locked = _lock_next_cached(ctx, vm, frame)
    if not isinstance(locked, tuple):
        return locked
    vm, index, pfn = locked
    mapped = vm.pages[pfn].mapcount > 0
    next_step = "T4.unmap" if mapped and ctx.semantics.truncate_unmaps_locked_page else "T4.remove"
    return Go(vm, next_step, set_regs(frame.regs, pfn=pfn, next=index + 1))


def truncate_unmap_locked_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """T4 (Nick's series): still mapped under the page lock → unmap_mapping_range for the page."""
    vm = vm.with_inode(truncate_count=vm.inode.truncate_count + 1)
    return Go(unmap_page_everywhere(vm, frame.get("pfn")), "T4.remove", frame.regs)


def truncate_complete_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """T4: cancel_dirty_page, remove_from_page_cache, unlock_page."""
    pfn = frame.get("pfn")
    vm = remove_from_page_cache(vm, pfn).with_page(pfn, locked_by=None)
    return Go(vm, "T4", frame.regs)


TRUNCATE_INODE_PAGES_RANGE = Operation(
    "truncate_inode_pages_range",
    "T4",
    {
        "T4": StepDef("T4", "truncate_inode_pages_range", truncate_lock_page, frozenset({"pfn"})),
        "T4.unmap": StepDef("T4", "unmap_mapping_range", truncate_unmap_locked_page),
        "T4.remove": StepDef("T4", "truncate_complete_page", truncate_complete_page),
    },
)


# -- vmtruncate and vmtruncate_range (hole punch) -----------------------------------------------


def vmtruncate_set_size(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """T1: i_size_write(new size), then unmap_mapping_range beyond it."""
    size = frame.get("size")
    vm = _seqlock_enter(ctx, vm.with_inode(i_size=size))
    args = regs(start=size, end=None)
    return Call(
        vm, "unmap_mapping_range", args, "pages", set_regs(frame.regs, start=size, end=None)
    )


def vmtruncate_range_begin(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """Hole punch: no i_size change; unmap_mapping_range over the hole."""
    args = regs(start=frame.get("start"), end=frame.get("end"))
    return Call(_seqlock_enter(ctx, vm), "unmap_mapping_range", args, "pages", frame.regs)


def truncate_pages(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """Then truncate_inode_pages_range over the same range (a tail call)."""
    args = regs(start=frame.get("start"), end=frame.get("end"), seq_end=True)
    return Call(vm, "truncate_inode_pages_range", args, None, frame.regs)


def madvise_remove(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """MADV_REMOVE: EINVAL on VM_LOCKED or VM_NONLINEAR vmas (2.6.20), else vmtruncate_range."""
    start, length = frame.get("start"), frame.get("length")
    vma = vm.vma_at(ctx.process, start)
    if vma is None or vma.locked or vma.nonlinear:
        return Go(vm.note("refused", ctx.thread, "EINVAL (MADV_REMOVE)"), None, frame.regs)
    pgoff = vma.pgoff + (start - vma.start)
    args = regs(start=pgoff, end=pgoff + length)
    return Call(vm, "vmtruncate_range", args, None, frame.regs)


VMTRUNCATE = Operation(
    "vmtruncate",
    "T1",
    {
        "T1": StepDef("T1", "vmtruncate", vmtruncate_set_size),
        "pages": StepDef("T4", "vmtruncate", truncate_pages),
    },
)

VMTRUNCATE_RANGE = Operation(
    "vmtruncate_range",
    "begin",
    {
        "begin": StepDef("T2", "vmtruncate_range", vmtruncate_range_begin),
        "pages": StepDef("T4", "vmtruncate_range", truncate_pages),
    },
)


# -- generic_file_direct_IO + invalidate_inode_pages2_range -------------------------------------


def direct_io_unmap(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """I1: unmap_mapping_range over the written range."""
    args = regs(start=frame.get("start"), end=frame.get("end"))
    return Call(_seqlock_enter(ctx, vm), "unmap_mapping_range", args, "I2", frame.regs)


def filemap_write_and_wait(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """I2: write back the range's dirty pages."""
    for index, pfn in vm.inode.cache:
        if _in_range(index, frame.get("start"), frame.get("end")) and vm.pages[pfn].dirty:
            vm = write_page_to_disk(vm.with_page(pfn, dirty=False), pfn)
    return Go(vm, "I3", frame.regs)


def direct_io_write(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """I3: ->direct_IO writes the new contents to disk, then the cache is invalidated."""
    disk, written = list(vm.inode.disk), list(vm.inode.written)
    for index in range(frame.get("start"), frame.get("end")):
        vm, version = vm.tick()
        disk[index] = written[index] = version
    vm = vm.with_inode(disk=tuple(disk), written=tuple(written)).bump(io=1)
    args = regs(start=frame.get("start"), end=frame.get("end"), seq_end=True)
    return Call(vm, "invalidate_inode_pages2_range", args, None, frame.regs)


def invalidate_lock_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """I4: the next cached page of the range, locked."""
    locked = _lock_next_cached(ctx, vm, frame)
    if not isinstance(locked, tuple):
        return locked
    vm, index, pfn = locked
    return Go(vm, "I5", set_regs(frame.regs, pfn=pfn, next=index + 1))


def invalidate_unmap_if_mapped(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """I5: if page_mapped, unmap_mapping_range for the page (truncate_count++)."""
    pfn = frame.get("pfn")
    if vm.pages[pfn].mapcount > 0:
        vm = vm.with_inode(truncate_count=vm.inode.truncate_count + 1)
        vm = unmap_page_everywhere(vm, pfn)
    return Go(vm, "I6", frame.regs)


def do_launder_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """I6: write the page back if it is dirty."""
    pfn = frame.get("pfn")
    if vm.pages[pfn].dirty:
        vm = write_page_to_disk(vm.with_page(pfn, dirty=False), pfn)
    return Go(vm, "I7", frame.regs)


def invalidate_complete_page2(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """I7: remove from the cache unless re-dirtied (EIO then; a kept page loses the PAGE_FLAG
    flag), unlock."""
    pfn = frame.get("pfn")
    if not vm.pages[pfn].dirty:
        vm = remove_from_page_cache(vm, pfn)
    elif vm.pages[pfn].truncated:
        vm = vm.with_page(pfn, truncated=False)
    return Go(vm.with_page(pfn, locked_by=None), "I4", frame.regs)


DIRECT_IO_WRITE = Operation(
    "generic_file_direct_IO",
    "I1",
    {
        "I1": StepDef("I1", "generic_file_direct_IO", direct_io_unmap),
        "I2": StepDef("I2", "filemap_write_and_wait", filemap_write_and_wait),
        "I3": StepDef("I3", "direct_IO", direct_io_write),
    },
)

INVALIDATE_INODE_PAGES2_RANGE = Operation(
    "invalidate_inode_pages2_range",
    "I4",
    {
        "I4": StepDef(
            "I4", "invalidate_inode_pages2_range", invalidate_lock_page, frozenset({"pfn"})
        ),
        "I5": StepDef("I5", "unmap_mapping_range", invalidate_unmap_if_mapped),
        "I6": StepDef("I6", "do_launder_page", do_launder_page),
        "I7": StepDef("I7", "invalidate_complete_page2", invalidate_complete_page2),
    },
)

MADVISE_REMOVE = Operation(
    "madvise_remove", "H1", {"H1": StepDef("H1", "madvise_remove", madvise_remove)}
)

OPERATIONS = (
    MADVISE_REMOVE,
    UNMAP_MAPPING_RANGE,
    TRUNCATE_INODE_PAGES_RANGE,
    VMTRUNCATE,
    VMTRUNCATE_RANGE,
    DIRECT_IO_WRITE,
    INVALIDATE_INODE_PAGES2_RANGE,
)
