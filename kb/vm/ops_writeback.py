"""Dirty tracking and writeback: page_mkclean, writeout (clear_page_dirty_for_io, writepage), msync.

page_mkclean visits only the linear vmas of i_mmap in 2.6.20 [C mm/rmap.c]; FULL_SCAN_MKCLEAN
scans every slot of every nonlinear vma and NONLINEAR_RMAP_TREE finds the nonlinear ptes exactly.
clear_page_dirty_for_io [C mm/page-writeback.c@2.6.20] runs page_mkclean and then
TestClearPageDirty as two steps: its FIXME says a fault may map the page dirty in between.
Devices without writeback (tmpfs, shm, ramfs: BDI_CAP_NO_WRITEBACK) are skipped by writeout and
msync, as __filemap_fdatawrite_range skips them. msync is a no-op for MS_ASYNC since 2.6.19;
MS_SYNC writes PG_dirty pages; the `scan` mode first moves the dirty bits of nonlinear ptes to
PG_dirty (what Peter's patch restores). Labels W1–W4 and M1–M3 are ours.
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


def page_mkclean(vm: VM, pfn: int, scope: str) -> tuple[VM, bool, int]:
    """Write-protect every pte of the page page_mkclean can find: whether one was dirty, and how
    many ptes of the page it found."""
    index = vm.pages[pfn].index
    found_dirty = False
    found = 0
    work = 0
    for vma in vm.vmas:
        if not vma.nonlinear:
            if vma.pgoff <= index < vma.pgoff + vma.length:  # objrmap: one vma, one pte
                work += 1
                slot = index - vma.pgoff
                if vma.ptes[slot].kind == "present" and vma.ptes[slot].pfn == pfn:
                    found += 1
                    vm, dirty = _clean_slot(vm, vma, slot)
                    found_dirty |= dirty
            continue
        if scope == "linear":
            continue  # i_mmap_nonlinear is never visited [T 03-07 5:25 am Miklos]
        for slot, pte in enumerate(vma.ptes):
            maps_page = pte.kind == "present" and pte.pfn == pfn
            work += 1 if scope == "full_scan" else int(maps_page)
            if maps_page:
                found += 1
                vm, dirty = _clean_slot(vm, vm.vma(vma.vid), slot)
                found_dirty |= dirty
    return vm.bump(mkclean_work=work), found_dirty, found


def scan_nonlinear_dirty(vm: VM, process: str | None) -> VM:
    """The pre-2.6.19 msync pte walk over nonlinear vmas (of `process`, or of every process):
    move each present pte's dirty bit to PG_dirty (msync_pte_range; the pte stays writable)."""
    for vma in vm.vmas:
        if not vma.nonlinear or (process is not None and vma.process != process):
            continue
        for slot, pte in enumerate(vma.ptes):
            if pte.kind == "present" and pte.dirty:
                vm = vm.with_pte(vma.vid, slot, evolve(pte, dirty=False))
                vm = vm.with_page(pte.pfn, dirty=True)
        vm = vm.bump(msync_work=vma.length)
    return vm


def _unseen_dirty_pte(vm: VM, pfn: int, scope: str) -> bool:
    """Whether a dirty pte maps the page where page_mkclean does not look (a nonlinear vma,
    under 2.6.20's linear-only walk): the seed of Peter's double IO."""
    if scope != "linear":
        return False
    return any(
        pte.kind == "present" and pte.pfn == pfn and pte.dirty
        for vma in vm.vmas
        if vma.nonlinear
        for pte in vma.ptes
    )


def writeout_lock_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """W1: the page to write, locked (nothing to do on a device without writeback)."""
    pfn = vm.inode.lookup(frame.get("index"))
    if pfn is None or not vm.inode.writes_back:
        return Go(vm, None, frame.regs)
    if vm.pages[pfn].locked_by is not None:
        return Wait(pfn)
    return Go(vm.with_page(pfn, locked_by=ctx.thread), "W2", set_regs(frame.regs, pfn=pfn))


def clear_page_dirty_for_io_mkclean(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """W2: clear_page_dirty_for_io, first half: page_mkclean, set_page_dirty if a pte was dirty.

    GUESS_DIRTY: when the page has more mappings than page_mkclean found, some are nonlinear:
    force the old msync scan over the nonlinear vmas [T 03-07 9:52 am Peter].
    """
    pfn = frame.get("pfn")
    if vm.inode.accounts_dirty:
        vm, pte_dirty, found = page_mkclean(vm, pfn, ctx.semantics.mkclean_scope)
        if pte_dirty:
            vm = vm.with_page(pfn, dirty=True)
        if ctx.semantics.writeout_guesses_nonlinear and vm.pages[pfn].mapcount > found:
            vm = scan_nonlinear_dirty(vm, None)
    return Go(vm, "W3", frame.regs)


def clear_dirty_flag_for_io(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """W3: clear_page_dirty_for_io, second half: TestClearPageDirty. A dirty pte left behind
    where page_mkclean cannot see it is remembered: writing the same data again because of it
    is Peter's double IO."""
    pfn = frame.get("pfn")
    page = vm.pages[pfn]
    survived = _unseen_dirty_pte(vm, pfn, ctx.semantics.mkclean_scope)
    before = pfn in vm.inode.survivors
    if page.dirty:
        # A page to write stays visible to a sync walk (its radix-tree dirty tag, then
        # PG_writeback) until it is written: `writeback` stands for both.
        vm = vm.with_page(pfn, dirty=False, writeback=True)
    if survived != before:
        others = tuple(p for p in vm.inode.survivors if p != pfn)
        vm = vm.with_inode(survivors=tuple(sorted((*others, pfn))) if survived else others)
    return Go(vm, "W4", set_regs(frame.regs, was_dirty=page.dirty, survived=before))


def writepage(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """W4: write it if it was dirty (counting redundant and double IO), unlock."""
    pfn = frame.get("pfn")
    if frame.get("was_dirty"):
        vm = write_page_to_disk(vm, pfn, survived=frame.get("survived"))
        return Go(vm.with_page(pfn, locked_by=None, writeback=False), None, frame.regs)
    return Go(vm.with_page(pfn, locked_by=None), None, frame.regs)


WRITEOUT = Operation(
    "writeout",
    "W1",
    {
        "W1": StepDef("W1", "lock_page", writeout_lock_page),
        "W2": StepDef("W2", "page_mkclean", clear_page_dirty_for_io_mkclean),
        "W3": StepDef("W3", "TestClearPageDirty", clear_dirty_flag_for_io),
        "W4": StepDef("W4", "writepage", writepage),
    },
)


def msync_begin(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """M1: note what has been written so far; `scan` mode moves nonlinear pte dirty bits."""
    if ctx.semantics.msync == "scan":
        vm = scan_nonlinear_dirty(vm, ctx.process)
    return Go(vm, "M2", set_regs(frame.regs, before=vm.inode.written, next=0))


def msync_write_dirty(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """M2: MS_SYNC → do_fsync writes each page tagged dirty, waiting for one a writeout is
    writing (WB_SYNC_ALL locks the page, then filemap_fdatawait); MS_ASYNC does nothing, nor
    does a device without writeback (there is no disk to sync)."""
    if not frame.get("sync") or not vm.inode.writes_back:
        return Go(vm, None, frame.regs)
    for index, pfn in vm.inode.cache:
        page = vm.pages[pfn]
        if index >= frame.get("next") and (page.dirty or page.writeback):
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
