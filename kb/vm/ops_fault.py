"""Page faults: the user access, the old linear and nonlinear faults, and Nick's locked __do_fault.

Step labels follow VM-MODEL.md §2: F1–F5 for do_no_page + filemap_nopage (2.6.20), P1–P2 for
do_file_page → populate → install_page (2.6.20, no truncate_count check, maps with vm_page_prot
and never dirties), S1–S6 for __do_fault (2.6.24, the page locked across the install), WP1–WP2
for do_wp_page (2.6.20: the pte made writable and dirty under the pte lock, set_page_dirty after
it). A1 is the access itself (handle_mm_fault).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from threadlore.kb.vm.machine import (
    Call,
    Context,
    Frame,
    Go,
    Operation,
    Outcome,
    Regs,
    StepDef,
    Wait,
    set_regs,
)
from threadlore.kb.vm.primitives import (
    find_get_page,
    install_pte,
    pgoff_of,
    put_page,
    set_page_dirty,
)
from threadlore.kb.vm.state import VM, evolve

if TYPE_CHECKING:
    from threadlore.kb.vm.policies import Semantics

SIGBUS = "SIGBUS"


def fault_operations(semantics: Semantics) -> tuple[str, str]:
    """The fault handlers of (linear, nonlinear) vmas under these semantics."""
    if semantics.fault == "__do_fault":
        return ("__do_fault", "__do_fault")
    return ("do_no_page", "do_file_page")


def _fault_op(ctx: Context, nonlinear: bool) -> str:
    return fault_operations(ctx.semantics)[int(nonlinear)]


def down_read_mmap_sem(ctx: Context, vm: VM) -> VM:
    """A fault takes mmap_sem for reading (counted only when a writer may race it)."""
    if not ctx.mmap_sem:
        return vm
    return vm.with_process(ctx.process, mmap_readers=vm.process(ctx.process).mmap_readers + 1)


def up_read_mmap_sem(ctx: Context, vm: VM) -> VM:
    if not ctx.mmap_sem:
        return vm
    return vm.with_process(ctx.process, mmap_readers=vm.process(ctx.process).mmap_readers - 1)


def handle_mm_fault(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """A1: a user load or store at a virtual page; faults when the pte is not present, takes
    the write-protect fault (do_wp_page) on a read-only pte of a writable vma, then accesses.
    """
    address, write = frame.get("address"), frame.get("write")
    regs = frame.regs
    if ctx.mmap_sem and frame.get("in_fault"):  # back from a fault: up_read(mmap_sem)
        vm = up_read_mmap_sem(ctx, vm)
        regs = tuple(item for item in regs if item[0] != "in_fault")
    if frame.get("ret") == SIGBUS:
        return Go(vm.note(SIGBUS, ctx.thread, f"address {address}"), None, regs)
    vma = vm.vma_at(ctx.process, address)
    if vma is None:
        return Go(vm.note("SIGSEGV", ctx.thread, f"address {address}: no vma"), None, regs)
    slot = address - vma.start
    pte = vma.ptes[slot]
    if pte.kind != "present":
        return _fault(ctx, vm, regs, _fault_op(ctx, vma.nonlinear), vma.vid, slot)
    if not write:
        return Go(vm, None, regs)
    if vma.manyprots:
        allowed = (pte.prot or ("read-write" if pte.write else "read")) == "read-write"
    else:
        allowed = vma.writable
    if not allowed:
        never_remapped = pte.prot is None and vma.prot == "read-write"
        detail = f"address {address}" + (
            ": never remapped, vma PROT_WRITE" if never_remapped else ""
        )
        return Go(vm.note("SIGSEGV", ctx.thread, detail), None, regs)
    if not pte.write:  # a shared writable vma's read-only pte: the write-protect fault
        return _fault(ctx, vm, regs, "do_wp_page", vma.vid, slot)
    page = vm.pages[pte.pfn]
    vm, version = vm.tick()
    if not pte.dirty:  # the MMU sets the dirty bit; the kernel is not told
        vm = vm.with_pte(vma.vid, slot, evolve(pte, dirty=True))
    vm = vm.with_page(pte.pfn, data=version)
    written = list(vm.inode.written)
    written[page.index] = version
    return Go(vm.with_inode(written=tuple(written)), None, regs)


def _fault(ctx: Context, vm: VM, regs: Regs, op: str, vid: int, slot: int) -> Outcome:
    """Call a fault handler for (vid, slot); A1 runs again when it returns."""
    args = set_regs(regs, vid=vid, slot=slot, ret=None)
    if not ctx.mmap_sem:
        return Call(vm, op, args, "A1", set_regs(regs, ret=None))
    back = set_regs(regs, ret=None, in_fault=True)
    return Call(down_read_mmap_sem(ctx, vm), op, args, "A1", back)


# -- do_wp_page (2.6.20): a write to a read-only pte of a shared writable vma ------------------


def do_wp_page_reuse(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """WP1: under the pte lock, if the pte is unchanged: make it writable and dirty."""
    vma = vm.vma(frame.get("vid"))
    pte = vma.ptes[frame.get("slot")]
    if pte.kind != "present" or pte.write:  # changed meanwhile: the access is retried
        return Go(vm, None, frame.regs)
    vm = vm.with_pte(vma.vid, frame.get("slot"), evolve(pte, write=True, dirty=True))
    return Go(vm, "WP2", set_regs(frame.regs, pfn=pte.pfn))


def do_wp_page_set_dirty(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """WP2: after the pte lock, set_page_dirty_balance (79352894: wait_on_page_locked first)."""
    pfn = frame.get("pfn")
    if ctx.semantics.dirty_waits_on_page_lock and vm.pages[pfn].locked_by is not None:
        return Wait(pfn)
    return Go(set_page_dirty(vm, pfn), None, frame.regs)


DO_WP_PAGE = Operation(
    "do_wp_page",
    "WP1",
    {
        "WP1": StepDef("WP1", "do_wp_page", do_wp_page_reuse),
        "WP2": StepDef("WP2", "set_page_dirty_balance", do_wp_page_set_dirty),
    },
)


# -- do_no_page + filemap_nopage (2.6.20), with the SEQLOCK and PAGE_FLAG variants ---------------


def do_no_page_read_count(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """F1: sequence = mapping->truncate_count (SEQLOCK: spin while a writer is inside)."""
    if ctx.semantics.fault != "seqlock":
        return Go(vm, "F2", set_regs(frame.regs, seq=vm.inode.truncate_count))
    if vm.inode.seqcount % 2:
        return Wait(None)
    regs = set_regs(frame.regs, seq=vm.inode.truncate_count, seqcount=vm.inode.seqcount)
    return Go(vm, "F2", regs)


def filemap_nopage_check_size(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """F2: beyond i_size → SIGBUS."""
    vma = vm.vma(frame.get("vid"))
    if pgoff_of(vma, frame.get("slot")) >= vm.inode.i_size:
        return Go(vm, None, set_regs(frame.regs, ret=SIGBUS))
    return Go(vm, "F3", frame.regs)


def filemap_nopage_find_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """F3: find_get_page (read it in if absent) — no page lock."""
    vma = vm.vma(frame.get("vid"))
    vm, pfn = find_get_page(vm, pgoff_of(vma, frame.get("slot")))
    return Go(vm, "F4", set_regs(frame.regs, pfn=pfn))


def do_no_page_install(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """F4: under the pte lock, retry if truncate_count moved, else install the pte."""
    pfn, slot = frame.get("pfn"), frame.get("slot")
    vma = vm.vma(frame.get("vid"))
    moved = vm.inode.truncate_count != frame.get("seq")
    if ctx.semantics.fault == "seqlock":
        moved = moved or vm.inode.seqcount != frame.get("seqcount")
    if ctx.semantics.fault == "page_flag":
        moved = moved or vm.pages[pfn].truncated
    if moved:
        return Go(put_page(vm, pfn), "F1", frame.regs)
    if vma.ptes[slot].kind == "present":
        return Go(put_page(vm, pfn), None, frame.regs)
    vm = install_pte(vm, vma, slot, pfn, frame.get("write"))
    return Go(vm, "F5" if frame.get("write") else None, frame.regs)


def set_page_dirty_after_fault(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """F5: a write fault dirties the page after the pte lock (79352894: once it is unlocked)."""
    pfn = frame.get("pfn")
    if ctx.semantics.dirty_waits_on_page_lock and vm.pages[pfn].locked_by is not None:
        return Wait(pfn)
    return Go(set_page_dirty(vm, pfn), None, frame.regs)


def set_page_dirty_after_locked_fault(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """S6: __do_fault dirties the page after unlocking it (installed under the page lock)."""
    return Go(set_page_dirty(vm, frame.get("pfn")), None, frame.regs)


DO_NO_PAGE = Operation(
    "do_no_page",
    "F1",
    {
        "F1": StepDef("F1", "do_no_page", do_no_page_read_count, frozenset({"pfn", "seq"})),
        "F2": StepDef("F2", "filemap_nopage", filemap_nopage_check_size, frozenset({"pfn"})),
        "F3": StepDef("F3", "filemap_nopage", filemap_nopage_find_page, frozenset({"pfn"})),
        "F4": StepDef("F4", "do_no_page", do_no_page_install),
        "F5": StepDef("F5", "set_page_dirty", set_page_dirty_after_fault),
    },
)


# -- do_file_page → populate → install_page (2.6.20 nonlinear) ----------------------------------


def populate_find_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """P1: ->populate looks the page up (no page lock, no truncate_count); SEQLOCK: spin while
    a writer is inside, and remember the count."""
    regs = frame.regs
    if ctx.semantics.fault == "seqlock":
        if vm.inode.seqcount % 2:
            return Wait(None)
        regs = set_regs(regs, seqcount=vm.inode.seqcount)
    vma = vm.vma(frame.get("vid"))
    pgoff = pgoff_of(vma, frame.get("slot"))
    if pgoff >= vm.inode.i_size:
        return Go(vm, None, set_regs(regs, ret=SIGBUS))
    vm, pfn = find_get_page(vm, pgoff)
    return Go(vm, "P2", set_regs(regs, pfn=pfn))


def install_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """P2: under the pte lock, fail if the page left the cache or i_size, else map it with the
    vma's vm_page_prot, clean, and never set_page_dirty (2.6.20's install_page). SEQLOCK and
    PAGE_FLAG (Andrea's fixes cover this path too): retry from P1 if a truncate ran or runs."""
    pfn, slot = frame.get("pfn"), frame.get("slot")
    vma = vm.vma(frame.get("vid"))
    page = vm.pages[pfn]
    sem = ctx.semantics
    if (sem.fault == "seqlock" and vm.inode.seqcount != frame.get("seqcount")) or (
        sem.fault == "page_flag" and page.truncated
    ):
        return Go(put_page(vm, pfn), "P1", frame.regs)
    if page.mapping is None or page.index >= vm.inode.i_size:
        return Go(put_page(vm, pfn), None, set_regs(frame.regs, ret=SIGBUS))
    if vma.ptes[slot].kind == "present":
        return Go(put_page(vm, pfn), None, frame.regs)
    return Go(install_pte(vm, vma, slot, pfn, write_fault=False), None, frame.regs)


DO_FILE_PAGE = Operation(
    "do_file_page",
    "P1",
    {
        "P1": StepDef("P1", "filemap_populate", populate_find_page, frozenset({"pfn"})),
        "P2": StepDef("P2", "install_page", install_page),
    },
)


# -- __do_fault with the page locked (Nick's fix, 2.6.24) ---------------------------------------


def do_fault_check_size(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """S1: beyond i_size → SIGBUS."""
    vma = vm.vma(frame.get("vid"))
    if pgoff_of(vma, frame.get("slot")) >= vm.inode.i_size:
        return Go(vm, None, set_regs(frame.regs, ret=SIGBUS))
    return Go(vm, "S2", frame.regs)


def filemap_fault_find_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """S2: find_get_page (read it in if absent)."""
    vma = vm.vma(frame.get("vid"))
    vm, pfn = find_get_page(vm, pgoff_of(vma, frame.get("slot")))
    return Go(vm, "S2.lock", set_regs(frame.regs, pfn=pfn))


def filemap_fault_lock_page(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """S2: lock_page (sleeps while another holds it); retry if the page left the mapping."""
    pfn = frame.get("pfn")
    page = vm.pages[pfn]
    if page.locked_by is not None:
        return Wait(pfn)
    if page.mapping is None:
        return Go(put_page(vm, pfn), "S1", frame.regs)
    return Go(vm.with_page(pfn, locked_by=ctx.thread), "S3", frame.regs)


def filemap_fault_recheck_size(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """S3: re-check i_size under the page lock."""
    pfn = frame.get("pfn")
    if vm.pages[pfn].index >= vm.inode.i_size:
        vm = put_page(vm.with_page(pfn, locked_by=None), pfn)
        return Go(vm, None, set_regs(frame.regs, ret=SIGBUS))
    return Go(vm, "S4", frame.regs)


def do_fault_install(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """S4: install under the pte lock (the page is locked: truncate cannot be in between)."""
    pfn, slot = frame.get("pfn"), frame.get("slot")
    vma = vm.vma(frame.get("vid"))
    if vma.ptes[slot].kind == "present":
        return Go(put_page(vm, pfn), "S5", set_regs(frame.regs, write=False))
    return Go(install_pte(vm, vma, slot, pfn, frame.get("write")), "S5", frame.regs)


def do_fault_unlock(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """S5: unlock_page."""
    vm = vm.with_page(frame.get("pfn"), locked_by=None)
    return Go(vm, "S6" if frame.get("write") else None, frame.regs)


DO_FAULT = Operation(
    "__do_fault",
    "S1",
    {
        "S1": StepDef("S1", "__do_fault", do_fault_check_size, frozenset({"pfn"})),
        "S2": StepDef("S2", "filemap_fault", filemap_fault_find_page, frozenset({"pfn"})),
        "S2.lock": StepDef("S2", "lock_page", filemap_fault_lock_page),
        "S3": StepDef("S3", "filemap_fault", filemap_fault_recheck_size),
        "S4": StepDef("S4", "__do_fault", do_fault_install),
        "S5": StepDef("S5", "unlock_page", do_fault_unlock),
        "S6": StepDef("S6", "set_page_dirty", set_page_dirty_after_locked_fault),
    },
)

USER_ACCESS = Operation(
    "handle_mm_fault", "A1", {"A1": StepDef("A1", "handle_mm_fault", handle_mm_fault)}
)

OPERATIONS = (USER_ACCESS, DO_WP_PAGE, DO_NO_PAGE, DO_FILE_PAGE, DO_FAULT)
