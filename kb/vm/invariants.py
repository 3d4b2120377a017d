"""The invariants of VM-MODEL.md §3, checked on states the explorer reaches.

INV1, INV2b, INV3, INV5 and INV7 hold on every state; INV2 only at rest (no operation in progress);
INV8 when every thread has finished; INV6 (deadlock) needs the threads and lives in the explorer.
INV4 (reclaim cost) is a number, reported as a cost, not a verdict. INV2b and INV3 concern a disk:
they can only break on a device that writes back (tmpfs, shm and ramfs have none).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from threadlore.kb.vm.state import VM

INVARIANTS = {
    "INV1": "orphan: no page removed from the cache while mapped; mappings agree",
    "INV2": "dirty tracking: at rest, a writable or dirty pte implies PG_dirty (dirty-accounting)",
    "INV2b": "msync: after MS_SYNC returns, disk holds every write made before it began",
    "INV3": "double IO: no page is written again, unchanged, because a writeout missed its "
    "dirty pte (Peter's sequence)",
    "INV5": "lost PROT_WRITE: writing a never-remapped page of a PROT_WRITE vma does not SIGSEGV",
    "INV6": "deadlock: no cycle of threads waiting on page locks; something can always move",
    "INV7": "limits: no call hits max_map_count or RLIMIT_MEMLOCK, and no process holds "
    "more locked pages than its limit",
    "INV8": "needs: the workload's needs hold (no refusal, stays swappable)",
}


@dataclass(frozen=True)
class Violation:
    """An invariant broken in a state, with what the model saw."""

    invariant: str
    message: str


def orphan_mappings(vm: VM) -> Iterable[Violation]:
    """INV1: every present pte maps the page the cache holds for its index."""
    for vma in vm.vmas:
        for slot, pte in enumerate(vma.ptes):
            if pte.kind != "present":
                continue
            page = vm.pages[pte.pfn]
            where = f"vma {vma.vid} slot {slot} maps page {pte.pfn} (index {page.index})"
            if page.mapping is None:
                yield Violation("INV1", f"{where}, which was removed from the page cache")
            elif vm.inode.lookup(page.index) != pte.pfn:
                cached = vm.inode.lookup(page.index)
                yield Violation("INV1", f"{where}, but the cache holds page {cached} there")


def untracked_dirty_ptes(vm: VM) -> Iterable[Violation]:
    """INV2: on a dirty-accounting device, a writable or dirty pte implies PG_dirty."""
    if not vm.inode.accounts_dirty:
        return
    for vma in vm.vmas:
        for slot, pte in enumerate(vma.ptes):
            if pte.kind != "present" or not (pte.write or pte.dirty):
                continue
            page = vm.pages[pte.pfn]
            if page.mapping is not None and not page.dirty:
                state = "dirty" if pte.dirty else "writable"
                yield Violation(
                    "INV2",
                    f"vma {vma.vid} slot {slot}: pte {state} but page {pte.pfn} not PG_dirty",
                )


def reported_events(vm: VM) -> Iterable[Violation]:
    """INV2b, INV5, INV7 from what steps reported; INV3 from the redundant-IO counter."""
    for event in vm.events:
        if event.kind == "msync_lost":
            yield Violation("INV2b", f"{event.thread}: msync(MS_SYNC) returned with {event.detail}")
        elif event.kind == "SIGSEGV" and "never remapped" in event.detail:
            yield Violation("INV5", f"{event.thread}: SIGSEGV on write at {event.detail}")
        elif event.kind == "limit":
            yield Violation("INV7", f"{event.thread}: {event.detail}")
    if vm.metrics.double_io:
        yield Violation(
            "INV3",
            f"{vm.metrics.double_io} write(s) of data the disk already held, from a dirty pte "
            "a writeout had missed",
        )


def exceeded_limits(vm: VM) -> Iterable[Violation]:
    """INV7 on the state: a non-root process holding more locked pages than RLIMIT_MEMLOCK
    (max_map_count needs no such check: mmap_region is its only way up, and it refuses)."""
    for proc in vm.processes:
        if not proc.root and proc.locked_pages > proc.memlock_limit:
            yield Violation(
                "INV7",
                f"{proc.name} holds {proc.locked_pages} locked pages > memlock limit "
                f"{proc.memlock_limit}",
            )


def unmet_needs(vm: VM, needs: tuple[str, ...], processes: Iterable[str]) -> Iterable[Violation]:
    """INV8: at the end, the workload got what it needs."""
    names = set(processes)
    if "no_refusal" in needs:
        for event in vm.events:
            if event.kind == "refused":
                yield Violation(
                    "INV8", f"{event.thread}: remap_file_pages refused ({event.detail})"
                )
    if "swappable" in needs:
        for vma in vm.vmas:
            if vma.process in names and vma.locked:
                yield Violation("INV8", f"vma {vma.vid} of {vma.process} is mlocked: not swappable")


def check_state(
    vm: VM,
    *,
    at_rest: bool,
    finished: bool,
    needs: tuple[str, ...] = (),
    processes: Iterable[str] = (),
) -> list[Violation]:
    """Every invariant that applies to this state, broken ones returned (first per invariant)."""
    found: dict[str, Violation] = {}
    checks: list[Iterable[Violation]] = [
        orphan_mappings(vm),
        reported_events(vm),
        exceeded_limits(vm),
    ]
    if at_rest:
        checks.append(untracked_dirty_ptes(vm))
    if finished:
        checks.append(unmet_needs(vm, needs, processes))
    for check in checks:
        for violation in check:
            found.setdefault(violation.invariant, violation)
    return list(found.values())
