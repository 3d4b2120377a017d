"""The workloads of VM-MODEL.md §5 as programs: an initial state and each thread's system calls.

A workload says what a program does, never what happens to it: the policy and the explorer decide
that. Sizes are parameters a user can raise. W2's 64K vma limit is scaled down (max_map_count 64,
65 runs) so that it runs in milliseconds; the ratio, runs > max_map_count, is what matters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from threadlore.kb.vm.machine import Regs, ThreadState, regs
from threadlore.kb.vm.ops_mmap import mmap_region
from threadlore.kb.vm.primitives import page_cache_read
from threadlore.kb.vm.state import VM, Inode, Process, Pte, evolve

Params = Mapping[str, int]


@dataclass(frozen=True)
class Setup:
    """What a workload starts from: the state, the threads, and what it needs (INV8)."""

    vm: VM
    threads: tuple[ThreadState, ...]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workload:
    """A named workload: how to build it from parameters, and which parameter is its size."""

    name: str
    title: str
    kind: str  # "simulation" (one fixed sequence) | "race" (threads interleaved)
    description: str
    build: Callable[[Params], Setup]
    defaults: Mapping[str, int] = field(default_factory=dict)
    size_param: str | None = None

    def setup(self, **params: int) -> Setup:
        unknown = set(params) - set(self.defaults)
        if unknown:
            known = ", ".join(sorted(self.defaults)) or "none"
            raise ValueError(f"{self.name}: unknown parameter {sorted(unknown)[0]!r} ({known})")
        return self.build({**self.defaults, **params})

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "kind": self.kind,
            "description": self.description,
            "parameters": dict(self.defaults),
            "size_parameter": self.size_param,
        }


# -- building blocks -----------------------------------------------------------------------------


def file_state(device: str, pages: int, cached: range | tuple[int, ...] = ()) -> VM:
    """A file of `pages` pages on `device`, the given indices already in the page cache."""
    inode = Inode("file", device, i_size=pages, disk=(0,) * pages, written=(0,) * pages)
    vm = VM(inode=inode)
    for index in cached:
        vm, _ = page_cache_read(vm, index)
    return evolve(vm, metrics=evolve(vm.metrics, io=0))


def with_process(vm: VM, process: Process) -> VM:
    return evolve(vm, processes=(*vm.processes, process))


def mapped(vm: VM, process: str, start: int, length: int, pgoff: int, prot: str) -> VM:
    result = mmap_region(vm, process, start, length, pgoff, prot)
    if result is None:
        raise ValueError(f"initial mmap of {length} pages exceeds max_map_count")
    return result


def nonlinear(vm: VM, vid: int, pgoffs: list[int]) -> VM:
    """The vma already remapped: VM_NONLINEAR with a file pte per slot."""
    vm = vm.with_vma(vid, nonlinear=True)
    return vm.with_vma(vid, ptes=tuple(Pte("file", pgoff=p) for p in pgoffs))


def call(op: str, **args: Any) -> tuple[str, Regs]:
    return (op, regs(**args))


def thread(name: str, process: str, *program: tuple[str, Regs]) -> ThreadState:
    return ThreadState(name=name, process=process, program=tuple(program))


def load(address: int) -> tuple[str, Regs]:
    return call("handle_mm_fault", address=address, write=False)


def store(address: int) -> tuple[str, Regs]:
    return call("handle_mm_fault", address=address, write=True)


# -- W1–W4: fixed sequences ----------------------------------------------------------------------


def database(p: Params) -> Setup:
    """W1: Oracle-like windows into a large shm object, mlocked, used as direct-IO buffers."""
    window, objects = p["window"], p["object_pages"]
    vm = with_process(file_state("SHM", objects), Process("oracle", memlock_limit=window))
    vm = mapped(vm, "oracle", 0, window, 0, "read-write")
    program = [call("sys_mlock", start=0, length=window)]
    for w in range(p["windows"]):
        program.append(
            call(
                "sys_remap_file_pages",
                start=0,
                size=window,
                pgoff=(w * window + 1) % (objects - window + 1),
                prot=None,
            )
        )
        program.append(store(w % window))  # a direct-IO read lands in the window
    return Setup(vm, (thread("oracle", "oracle", *program),), ("no_refusal",))


def uml(p: Params) -> Setup:
    """W2: UML's physical memory, an unlinked tmpfs file; more runs than max_map_count."""
    runs, prot = p["runs"], bool(p["per_page_prot"])
    proc = Process("uml", max_map_count=p["max_map_count"], memlock_limit=runs)
    vm = with_process(file_state("TMPFS", 2 * runs), proc)
    vm = mapped(vm, "uml", 0, runs, 0, "none" if prot else "read-write")
    physmem = 2 * runs  # the UML kernel's own linear view of the whole file
    vm = mapped(vm, "uml", physmem, 2 * runs, 0, "read-write")
    program = [call("sys_mlock", start=0, length=runs)] if p["mlock"] else []
    for run in range(runs):  # pgoffs 2*run never continue one another: no vma merging
        program.append(
            call(
                "sys_remap_file_pages",
                start=run,
                size=1,
                pgoff=2 * run,
                prot="read-write" if prot else None,
            )
        )
    program.append(store(0))
    program.append(store(physmem + 1))  # a page the guest then frees: MADV_REMOVE
    program.append(call("madvise_remove", start=physmem + 1, length=1))
    return Setup(vm, (thread("uml", "uml", *program),), ("no_refusal", "swappable"))


def reclaim_attacker(p: Params) -> Setup:
    """W3: one large unlocked nonlinear vma over a one-page file; the page is reclaimed."""
    size = p["vma_pages"]
    vm = with_process(file_state("TMPFS", 1, cached=(0,)), Process("attacker"))
    vm = mapped(vm, "attacker", 0, size, 0, "read")
    program = (
        call("sys_remap_file_pages", start=size - 1, size=1, pgoff=0, prot=None),
        load(size - 1),
        call("shrink_page_list", index=0),
    )
    return Setup(vm, (thread("attacker", "attacker", *program),))


def root_writeback(p: Params) -> Setup:
    """W4: Peter's sequence on a disk file: write, writeout, msync; write again, msync."""
    size = p["vma_pages"]
    vm = with_process(file_state("DISK", size), Process("db", root=True))
    vm = mapped(vm, "db", 0, size, 0, "read-write")
    program = (
        call("sys_remap_file_pages", start=0, size=1, pgoff=size - 1, prot=None),
        store(0),
        call("writeout", index=size - 1),
        call("sys_msync", sync=True),
        store(0),
        call("sys_msync", sync=True),
    )
    return Setup(vm, (thread("db", "db", *program),))


def root_writeback_prot(p: Params) -> Setup:
    """W4-prot: per-page protection on a disk file; then a write to a page never remapped."""
    size = p["vma_pages"]
    vm = with_process(file_state("DISK", size), Process("db", root=True))
    vm = mapped(vm, "db", 0, size, 0, "read-write")
    program = (
        call("sys_remap_file_pages", start=1, size=1, pgoff=1, prot="read"),
        store(0),
    )
    return Setup(vm, (thread("db", "db", *program),))


# -- W5–W7: races ----------------------------------------------------------------------------------


def faulters(count: int, pages: int, process: str) -> list[ThreadState]:
    return [thread(f"fault{i}", process, load(i % pages)) for i in range(count)]


def invalidate_vs_fault(p: Params) -> Setup:
    """W5: direct-IO write (invalidate_inode_pages2_range) racing a fault, linear mapping."""
    pages = p["pages"]
    vm = with_process(file_state("DISK", pages, cached=range(pages)), Process("app"))
    vm = mapped(vm, "app", 0, pages, 0, "read")
    writer = thread("dio", "app", call("generic_file_direct_IO", start=0, end=pages))
    return Setup(vm, (writer, *faulters(p["threads"], pages, "app")))


def _nonlinear_tmpfs(p: Params) -> VM:
    pages = p["pages"]
    vm = with_process(file_state("TMPFS", pages, cached=range(pages)), Process("app"))
    vm = mapped(vm, "app", 0, pages, 0, "read")
    return nonlinear(vm, vm.vmas[0].vid, list(reversed(range(pages))))


def hole_punch_vs_fault(p: Params) -> Setup:
    """W6: MADV_REMOVE (vmtruncate_range) racing a fault on a nonlinear tmpfs mapping."""
    punch = thread("punch", "app", call("vmtruncate_range", start=0, end=p["pages"]))
    vm = _nonlinear_tmpfs(p)
    return Setup(vm, (punch, *faulters(p["threads"], p["pages"], "app")))


def truncate_vs_nonlinear_fault(p: Params) -> Setup:
    """W6-truncate: truncate to zero racing a fault on a nonlinear tmpfs mapping."""
    vm = _nonlinear_tmpfs(p)
    truncate = thread("truncate", "app", call("vmtruncate", size=0))
    return Setup(vm, (truncate, *faulters(p["threads"], p["pages"], "app")))


def truncate_vs_linear_fault(p: Params) -> Setup:
    """W6-linear: the control — truncate to zero racing a fault on a linear mapping."""
    pages = p["pages"]
    vm = with_process(file_state("TMPFS", pages, cached=range(pages)), Process("app"))
    vm = mapped(vm, "app", 0, pages, 0, "read")
    truncate = thread("truncate", "app", call("vmtruncate", size=0))
    return Setup(vm, (truncate, *faulters(p["threads"], pages, "app")))


def write_from_own_mapping(p: Params) -> Setup:
    """W7: write() whose source is a mapped page of the same file, its pte zapped meanwhile."""
    vm = with_process(file_state("DISK", 2, cached=(0, 1)), Process("app"))
    vm = mapped(vm, "app", 0, 2, 0, "read")
    if p["crosswise"]:
        writers = [
            thread("writeA", "app", call("generic_file_buffered_write", index=0, source=1)),
            thread("writeB", "app", call("generic_file_buffered_write", index=1, source=0)),
        ]
    else:
        writers = [thread("write", "app", call("generic_file_buffered_write", index=0, source=0))]
    zapper = thread("madvise", "app", call("zap_page_range", start=0, length=2))
    return Setup(vm, (*writers, zapper))


_ALL = (
    Workload(
        "W1",
        "database (Oracle-like)",
        "simulation",
        "non-root; shm windows into a larger object; mlocked; direct-IO buffers; no msync",
        database,
        {"window": 4, "object_pages": 16, "windows": 3},
    ),
    Workload(
        "W2",
        "UML",
        "simulation",
        "non-root; unlinked tmpfs file; more runs than max_map_count; must stay swappable; "
        "frees pages with MADV_REMOVE through its linear view of the file",
        uml,
        {"runs": 65, "max_map_count": 64, "mlock": 0, "per_page_prot": 0},
        "runs",
    ),
    Workload(
        "W2-mlocked",
        "UML, mlocked to keep nonlinear",
        "simulation",
        "W2 with its memory mlocked first (what MLOCK_FOR_NONROOT would require)",
        uml,
        {"runs": 65, "max_map_count": 64, "mlock": 1, "per_page_prot": 0},
        "runs",
    ),
    Workload(
        "W2-prot",
        "UML with per-page protections",
        "simulation",
        "W2 with an initial PROT_NONE mmap and remap_file_pages_prot per run",
        uml,
        {"runs": 65, "max_map_count": 64, "mlock": 0, "per_page_prot": 1},
        "runs",
    ),
    Workload(
        "W3",
        "reclaim attacker",
        "simulation",
        "unprivileged; a large unlocked nonlinear vma over a 1-page file; the page reclaimed",
        reclaim_attacker,
        {"vma_pages": 256},
        "vma_pages",
    ),
    Workload(
        "W4",
        "root writeback on a disk file",
        "simulation",
        "shared writable disk mapping remapped nonlinearly; write, writeout, msync, "
        "write, msync (Peter's sequence)",
        root_writeback,
        {"vma_pages": 4},
        "vma_pages",
    ),
    Workload(
        "W4-prot",
        "per-page protection on a disk file",
        "simulation",
        "root; remap_file_pages_prot one page read-only, then write a never-remapped page",
        root_writeback_prot,
        {"vma_pages": 4},
        "vma_pages",
    ),
    Workload(
        "W5",
        "direct IO invalidate racing a fault",
        "race",
        "generic_file_direct_IO (invalidate_inode_pages2_range) vs faults, linear mapping",
        invalidate_vs_fault,
        {"pages": 1, "threads": 1},
        "pages",
    ),
    Workload(
        "W6",
        "hole punch racing a nonlinear fault",
        "race",
        "vmtruncate_range (MADV_REMOVE) vs faults on a nonlinear tmpfs mapping",
        hole_punch_vs_fault,
        {"pages": 1, "threads": 1},
        "pages",
    ),
    Workload(
        "W6-truncate",
        "truncate racing a nonlinear fault",
        "race",
        "vmtruncate to 0 vs faults on a nonlinear tmpfs mapping",
        truncate_vs_nonlinear_fault,
        {"pages": 1, "threads": 1},
        "pages",
    ),
    Workload(
        "W6-linear",
        "truncate racing a linear fault (control)",
        "race",
        "vmtruncate to 0 vs faults on a linear mapping: truncate_count catches it",
        truncate_vs_linear_fault,
        {"pages": 1, "threads": 1},
        "pages",
    ),
    Workload(
        "W7",
        "write() from the writer's own mapping",
        "race",
        "buffered write whose source page is the destination, its pte zapped meanwhile "
        "(crosswise=1: two writers, each from the other's page)",
        write_from_own_mapping,
        {"crosswise": 0},
    ),
)

WORKLOADS: Mapping[str, Workload] = MappingProxyType({w.name: w for w in _ALL})


def get_workload(name: str) -> Workload:
    """The workload by name (case-insensitive); KeyError with the known names."""
    for key, workload in WORKLOADS.items():
        if key.lower() == name.lower():
            return workload
    raise KeyError(f"unknown workload {name!r} (one of {', '.join(WORKLOADS)})")
