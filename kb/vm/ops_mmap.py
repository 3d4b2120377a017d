"""Address-space operations: mmap_region, sys_remap_file_pages (gated by the policy), sys_mlock,
do_munmap, exit_mmap and sys_mprotect (2.6.20 mm/mmap.c, mm/fremap.c, mm/mlock.c, mm/mprotect.c).

remap_file_pages either converts the vma to VM_NONLINEAR (irreversibly) and installs file ptes for
the run — the accesses that follow fault them in — or emulates the run with a linear vma
(mmap_region, ENOMEM past max_map_count), or is refused with an errno: the policy's gate decides.
Each call is one step under mmap_sem held for writing: it waits while a fault of its process
holds mmap_sem for reading (counted only when such a race is possible, see Context.mmap_sem).
Labels R1 (remap), L1 (mlock), U1 (munmap), X1 (exit), MP1 (mprotect) are ours.
"""

from __future__ import annotations

from threadlore.kb.vm.machine import Context, Frame, Go, Operation, Outcome, StepDef, Wait
from threadlore.kb.vm.policies import Semantics
from threadlore.kb.vm.primitives import zap_pte
from threadlore.kb.vm.state import NO_PTE, VM, Process, Pte, Vma, evolve

RAM_BACKED = frozenset({"TMPFS", "SHM", "RAMFS"})


def new_vma(vm: VM, process: str, start: int, length: int, pgoff: int, prot: str) -> Vma:
    """A shared file vma as do_mmap_pgoff makes it: writenotify maps writable pages read-only."""
    writenotify = prot == "read-write" and vm.inode.accounts_dirty
    return Vma(
        vid=vm.next_vid,
        process=process,
        start=start,
        pgoff=pgoff,
        ptes=(NO_PTE,) * length,
        prot=prot,
        page_prot="read" if writenotify else prot,
        writenotify=writenotify,
    )


def _split(vm: VM, vid: int, address: int) -> VM:
    """split_vma: a vma with `address` strictly inside becomes two; the tail gets a new vid."""
    vma = vm.vma(vid)
    cut = address - vma.start
    if not 0 < cut < vma.length:
        return vm
    head = evolve(vma, ptes=vma.ptes[:cut])
    tail = evolve(vma, vid=vm.next_vid, start=address, pgoff=vma.pgoff + cut, ptes=vma.ptes[cut:])
    vmas = (*(head if v.vid == vid else v for v in vm.vmas), tail)
    return evolve(vm, vmas=vmas, next_vid=vm.next_vid + 1)


def isolate(vm: VM, process: str, start: int, end: int) -> tuple[VM, list[int]]:
    """Split the process's vmas at `start` and `end`: the vids of the vmas inside [start, end)."""
    for boundary in (start, end):
        for vma in vm.vmas:
            if vma.process == process and vma.start < boundary < vma.start + vma.length:
                vm = _split(vm, vma.vid, boundary)
                break
    inside = [
        v.vid
        for v in vm.vmas
        if v.process == process and start <= v.start and v.start + v.length <= end
    ]
    return vm, inside


def unmap_vmas(vm: VM, vids: list[int]) -> VM:
    """unmap_region + remove_vma: zap every pte (dirty bits to PG_dirty, mapcounts down), drop
    the vmas, and give back their mlocked pages (munlock_vma_pages_all)."""
    for vid in vids:
        vma = vm.vma(vid)
        for slot, pte in enumerate(vma.ptes):
            if pte.kind == "present":
                vm = zap_pte(vm, vm.vma(vid), slot)
        if vma.locked:
            proc = vm.process(vma.process)
            vm = vm.with_process(proc.name, locked_pages=max(0, proc.locked_pages - vma.length))
    gone = set(vids)
    return evolve(vm, vmas=tuple(v for v in vm.vmas if v.vid not in gone))


def _merge_with_neighbours(vm: VM, vma: Vma) -> VM:
    """vma_merge: absorb an adjacent linear vma of the same file whose pgoff continues."""
    for other in vm.vmas:
        same = (
            other.vid != vma.vid
            and other.process == vma.process
            and not other.nonlinear
            and (other.prot, other.locked) == (vma.prot, vma.locked)
        )
        if (
            same
            and other.start + other.length == vma.start
            and other.pgoff + other.length == vma.pgoff
        ):
            merged = evolve(other, ptes=other.ptes + vma.ptes)
        elif (
            same and vma.start + vma.length == other.start and vma.pgoff + vma.length == other.pgoff
        ):
            merged = evolve(vma, vid=other.vid, ptes=vma.ptes + other.ptes)
        else:
            continue
        kept = tuple(v for v in vm.vmas if v.vid not in (other.vid, vma.vid))
        return _merge_with_neighbours(evolve(vm, vmas=(*kept, merged)), merged)
    return vm


def mmap_region(
    vm: VM, process: str, start: int, length: int, pgoff: int, prot: str, locked: bool = False
) -> VM | None:
    """MAP_SHARED|MAP_FIXED of the file at [start, start+length); None is ENOMEM (max_map_count).

    Whatever was mapped there is unmapped first (do_munmap); a VM_LOCKED mapping is accounted
    in locked_vm again, as mmap_region does (the limit is checked by its callers).
    """
    vm, inside = isolate(vm, process, start, start + length)
    vm = unmap_vmas(vm, inside)
    vma = evolve(new_vma(vm, process, start, length, pgoff, prot), locked=locked)
    vm = evolve(vm, vmas=(*vm.vmas, vma), next_vid=vm.next_vid + 1)
    if locked:
        proc = vm.process(process)
        vm = vm.with_process(process, locked_pages=proc.locked_pages + length)
    vm = _merge_with_neighbours(vm, vma)
    count = vm.map_count(process)
    if count > vm.process(process).max_map_count:
        return None
    return (
        vm
        if count <= vm.metrics.max_map_count
        else evolve(vm, metrics=evolve(vm.metrics, max_map_count=count))
    )


def nonlinear_pages(vm: VM, process: str) -> int:
    """Pages of the process's nonlinear vmas (what NONLINEAR_LIMIT counts, per mm)."""
    return sum(v.length for v in vm.vmas if v.process == process and v.nonlinear)


def remap_gate(sem: Semantics, vm: VM, proc: Process, vma: Vma, prot: str | None) -> str:
    """What the policy does with this call: "allowed", "emulated" or "refused <errno>"."""
    inode = vm.inode
    if not sem.remap_available:
        return "refused ENOSYS"
    if prot is not None and not sem.remap_prot:
        return "refused EINVAL"  # 2.6.20: the prot argument must be 0
    if prot is not None and sem.remap_prot_refuse_writenotify and vma.writenotify:
        return "refused EINVAL"
    if sem.remap_refuse_nonroot and not proc.root:
        return "refused EPERM"
    if sem.remap_refuse_nonroot_writenotify and not proc.root and vma.writenotify:
        return "refused EPERM"
    if sem.remap_shmem_only_mlocked and inode.device not in RAM_BACKED - {"RAMFS"}:
        return "refused EINVAL"
    if vma.nonlinear:
        return "allowed"
    if (
        sem.remap_shmem_only_mlocked
        and not proc.root
        and not vma.locked
        and proc.locked_pages + vma.length > proc.memlock_limit
    ):
        return "refused ENOMEM"  # the implicit mlock is held to RLIMIT_MEMLOCK like mlock(2)
    emulate = (
        sem.remap_emulate_all
        or (sem.remap_emulate_dirty_accounting and inode.accounts_dirty)
        or (sem.remap_emulate_nonroot_unlocked and not proc.root and not vma.locked)
        or (
            sem.remap_nonlinear_limit is not None
            and not proc.root
            and nonlinear_pages(vm, proc.name) + vma.length > sem.remap_nonlinear_limit
        )
    )
    return "emulated" if emulate else "allowed"


def _make_nonlinear(ctx: Context, vm: VM, vma: Vma) -> VM:
    """The vma moves to i_mmap_nonlinear, for good; SHMEM_ONLY_MLOCKED also mlocks it."""
    changes: dict[str, object] = {"nonlinear": True}
    if ctx.semantics.nonlinear_reset_prot:
        changes["page_prot"] = vma.prot
    if ctx.semantics.remap_shmem_only_mlocked and not vma.locked:
        changes["locked"] = True
        proc = vm.process(ctx.process)
        vm = vm.with_process(ctx.process, locked_pages=proc.locked_pages + vma.length)
    return vm.with_vma(vma.vid, **changes)


def _writer_waits(ctx: Context, vm: VM) -> bool:
    """down_write(mmap_sem) sleeps while a fault of the process holds it for reading."""
    return ctx.mmap_sem and vm.process(ctx.process).mmap_readers > 0


def _rmap_nodes(vm: VM) -> VM:
    """NONLINEAR_RMAP_TREE's memory: one tree node per mapped slot of every nonlinear vma."""
    nodes = sum(1 for v in vm.vmas if v.nonlinear for pte in v.ptes if pte.kind != "none")
    if nodes <= vm.metrics.rmap_nodes:
        return vm
    return evolve(vm, metrics=evolve(vm.metrics, rmap_nodes=nodes))


def sys_remap_file_pages(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """R1: remap [start, start+size) to file pages from pgoff, per the policy's gate."""
    if _writer_waits(ctx, vm):
        return Wait(None)
    start, size, pgoff, prot = (frame.get(k) for k in ("start", "size", "pgoff", "prot"))
    vma = vm.vma_at(ctx.process, start)
    if vma is None or start + size > vma.start + vma.length:
        return Go(vm.note("refused", ctx.thread, "EINVAL"), None, frame.regs)
    proc = vm.process(ctx.process)
    decision = remap_gate(ctx.semantics, vm, proc, vma, prot)
    if decision == "refused ENOMEM":
        detail = f"locked {proc.locked_pages + vma.length} > memlock limit {proc.memlock_limit}"
        vm = vm.note("limit", ctx.thread, f"{detail}: ENOMEM")
    if decision.startswith("refused"):
        return Go(vm.note("refused", ctx.thread, decision.split()[1]), None, frame.regs)
    if decision == "emulated":
        emulated = mmap_region(vm, ctx.process, start, size, pgoff, vma.prot, vma.locked)
        if emulated is None:
            count = vm.map_count(ctx.process) + 1
            return Go(
                vm.note("limit", ctx.thread, f"map_count {count} > max_map_count: ENOMEM"),
                None,
                frame.regs,
            )
        return Go(emulated.note("emulated", ctx.thread), None, frame.regs)
    vm = _make_nonlinear(ctx, vm, vma)
    if prot is not None:
        vm = vm.with_vma(vma.vid, manyprots=True)
    for offset in range(size):
        slot = start - vma.start + offset
        vm = zap_pte(vm, vm.vma(vma.vid), slot)
        vm = vm.with_pte(vma.vid, slot, Pte("file", pgoff=pgoff + offset, prot=prot))
    if ctx.semantics.mkclean_scope == "rmap_tree":
        vm = _rmap_nodes(vm)
    return Go(vm.note("allowed", ctx.thread), None, frame.regs)


def sys_mlock(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """L1: mlock [start, start+length): EPERM without a memlock limit, ENOMEM past it, for
    non-root (sys_mlock, can_do_mlock); the vmas are split at the range and marked VM_LOCKED."""
    if _writer_waits(ctx, vm):
        return Wait(None)
    start, length = frame.get("start"), frame.get("length")
    proc = vm.process(ctx.process)
    if not proc.root and proc.memlock_limit == 0:
        return Go(vm.note("limit", ctx.thread, "memlock limit 0: EPERM"), None, frame.regs)
    if not proc.root and proc.locked_pages + length > proc.memlock_limit:
        detail = f"locked {proc.locked_pages + length} > memlock limit {proc.memlock_limit}"
        return Go(vm.note("limit", ctx.thread, f"{detail}: ENOMEM"), None, frame.regs)
    vm, inside = isolate(vm, ctx.process, start, start + length)
    newly = 0
    for vid in inside:
        if not vm.vma(vid).locked:
            newly += vm.vma(vid).length
            vm = vm.with_vma(vid, locked=True)
    vm = vm.with_process(ctx.process, locked_pages=proc.locked_pages + newly)
    return Go(vm.note("locked", ctx.thread, f"{newly} pages"), None, frame.regs)


def do_munmap(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """U1: munmap [start, start+length): each pte zapped (its dirty bit to PG_dirty), the vmas
    split at the range and removed (do_munmap → unmap_region)."""
    if _writer_waits(ctx, vm):
        return Wait(None)
    start = frame.get("start")
    vm, inside = isolate(vm, ctx.process, start, start + frame.get("length"))
    return Go(unmap_vmas(vm, inside), None, frame.regs)


def exit_mmap(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """X1: the process exits: every vma unmapped, as munmap does (exit_mmap)."""
    if _writer_waits(ctx, vm):
        return Wait(None)
    vids = [v.vid for v in vm.vmas if v.process == ctx.process]
    return Go(unmap_vmas(vm, vids), None, frame.regs)


def sys_mprotect(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """MP1: mprotect [start, start+length) to `prot` (mprotect_fixup, change_pte_range).

    vm_page_prot is recomputed (read-only where writenotify holds, so a nonlinear vma loses
    Peter's reset); present ptes take it, except that a dirty pte stays writable where dirty
    pages are accounted ("avoid taking write faults for pages we know to be dirty"). Per-page
    protections (VM_MANYPROTS) give way to the one protection asked for.
    """
    if _writer_waits(ctx, vm):
        return Wait(None)
    start, prot = frame.get("start"), frame.get("prot")
    vm, inside = isolate(vm, ctx.process, start, start + frame.get("length"))
    writenotify = prot == "read-write" and vm.inode.accounts_dirty
    page_prot = "read" if writenotify else prot
    for vid in inside:
        vma = vm.vma(vid)
        ptes = tuple(
            evolve(
                pte,
                write=page_prot == "read-write" or (writenotify and pte.dirty),
                prot=None,
            )
            if pte.kind == "present"
            else evolve(pte, prot=None)
            for pte in vma.ptes
        )
        vm = vm.with_vma(vid, prot=prot, page_prot=page_prot, writenotify=writenotify, ptes=ptes)
    return Go(vm, None, frame.regs)


REMAP_FILE_PAGES = Operation(
    "sys_remap_file_pages",
    "R1",
    {"R1": StepDef("R1", "sys_remap_file_pages", sys_remap_file_pages)},
)
MLOCK = Operation("sys_mlock", "L1", {"L1": StepDef("L1", "sys_mlock", sys_mlock)})
MUNMAP = Operation("do_munmap", "U1", {"U1": StepDef("U1", "do_munmap", do_munmap)})
EXIT = Operation("exit_mmap", "X1", {"X1": StepDef("X1", "exit_mmap", exit_mmap)})
MPROTECT = Operation("sys_mprotect", "MP1", {"MP1": StepDef("MP1", "sys_mprotect", sys_mprotect)})

OPERATIONS = (REMAP_FILE_PAGES, MLOCK, MUNMAP, EXIT, MPROTECT)

MMAP_SEM_WRITERS = frozenset(op.name for op in OPERATIONS)
"""The operations that take mmap_sem for writing."""
