"""Address-space operations: mmap_region, sys_remap_file_pages (gated by the policy), sys_mlock.

remap_file_pages either converts the vma to VM_NONLINEAR (irreversibly) and installs file ptes for
the run — the accesses that follow fault them in — or emulates the run with a linear vma
(mmap_region, ENOMEM past max_map_count), or is refused with an errno: the policy's gate decides.
"""

from __future__ import annotations

from threadlore.kb.vm.machine import Context, Frame, Go, Operation, Outcome, StepDef
from threadlore.kb.vm.policies import Semantics
from threadlore.kb.vm.primitives import zap_pte
from threadlore.kb.vm.state import NO_PTE, VM, Inode, Process, Pte, Vma, evolve

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


def _cut_out(vm: VM, vma: Vma, start: int, end: int) -> VM:
    """Unmap [start, end) from `vma`: zap its ptes there and keep the pieces outside."""
    lo, hi = max(start, vma.start), min(end, vma.start + vma.length)
    for address in range(lo, hi):
        vm = zap_pte(vm, vm.vma(vma.vid), address - vma.start)
    vma = vm.vma(vma.vid)
    pieces = []
    if vma.start < lo:
        pieces.append(evolve(vma, ptes=vma.ptes[: lo - vma.start]))
    if hi < vma.start + vma.length:
        tail_vid = vm.next_vid
        vm = evolve(vm, next_vid=tail_vid + 1)
        tail = evolve(vma, vid=tail_vid, start=hi, ptes=vma.ptes[hi - vma.start :])
        pieces.append(evolve(tail, pgoff=vma.pgoff + (hi - vma.start)))
    others = tuple(v for v in vm.vmas if v.vid != vma.vid)
    return evolve(vm, vmas=(*others, *pieces))


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
    """MAP_SHARED|MAP_FIXED of the file at [start, start+length); None is ENOMEM (max_map_count)."""
    for vma in vm.vmas:
        if vma.process == process and vma.start < start + length and start < vma.start + vma.length:
            vm = _cut_out(vm, vma, start, start + length)
    vma = evolve(new_vma(vm, process, start, length, pgoff, prot), locked=locked)
    vm = evolve(vm, vmas=(*vm.vmas, vma), next_vid=vm.next_vid + 1)
    vm = _merge_with_neighbours(vm, vma)
    count = vm.map_count(process)
    if count > vm.process(process).max_map_count:
        return None
    return (
        vm
        if count <= vm.metrics.max_map_count
        else evolve(vm, metrics=evolve(vm.metrics, max_map_count=count))
    )


def remap_gate(sem: Semantics, proc: Process, vma: Vma, inode: Inode, prot: str | None) -> str:
    """What the policy does with this call: "allowed", "emulated" or "refused <errno>"."""
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
    emulate = (
        sem.remap_emulate_all
        or (sem.remap_emulate_dirty_accounting and inode.accounts_dirty)
        or (sem.remap_emulate_nonroot_unlocked and not proc.root and not vma.locked)
        or (
            sem.remap_nonlinear_limit is not None
            and not proc.root
            and vma.length > sem.remap_nonlinear_limit
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


def sys_remap_file_pages(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """R1: remap [start, start+size) to file pages from pgoff, per the policy's gate."""
    start, size, pgoff, prot = (frame.get(k) for k in ("start", "size", "pgoff", "prot"))
    vma = vm.vma_at(ctx.process, start)
    if vma is None or start + size > vma.start + vma.length:
        return Go(vm.note("refused", ctx.thread, "EINVAL"), None, frame.regs)
    decision = remap_gate(ctx.semantics, vm.process(ctx.process), vma, vm.inode, prot)
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
    return Go(vm.note("allowed", ctx.thread), None, frame.regs)


def sys_mlock(ctx: Context, vm: VM, frame: Frame) -> Outcome:
    """L1: mlock [start, start+length): RLIMIT_MEMLOCK applies to non-root."""
    start, length = frame.get("start"), frame.get("length")
    proc = vm.process(ctx.process)
    if not proc.root and proc.locked_pages + length > proc.memlock_limit:
        detail = f"locked {proc.locked_pages + length} > memlock limit {proc.memlock_limit}: EAGAIN"
        return Go(vm.note("limit", ctx.thread, detail), None, frame.regs)
    for vma in vm.vmas:
        if vma.process == ctx.process and start <= vma.start < start + length:
            vm = vm.with_vma(vma.vid, locked=True)
    vm = vm.with_process(ctx.process, locked_pages=proc.locked_pages + length)
    return Go(vm.note("locked", ctx.thread, f"{length} pages"), None, frame.regs)


REMAP_FILE_PAGES = Operation(
    "sys_remap_file_pages",
    "R1",
    {"R1": StepDef("R1", "sys_remap_file_pages", sys_remap_file_pages)},
)
MLOCK = Operation("sys_mlock", "L1", {"L1": StepDef("L1", "sys_mlock", sys_mlock)})

OPERATIONS = (REMAP_FILE_PAGES, MLOCK)
