"""The VM state of VM-MODEL.md §1 as frozen, hashable values: pages, inode, vmas, ptes, processes.

Every value is immutable so a whole machine state hashes canonically (the explorer's visited set)
and a step replaces only what it changes (no deep copies on the hot path).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


_FIELDS: dict[type, tuple[Callable[[Any], tuple[Any, ...]], dict[str, int]]] = {}
"""Per record class: a getter of all its init fields at once, and each field's position."""


def evolve(record: T, **changes: Any) -> T:
    """dataclasses.replace without its checks, for the explorer's hot path."""
    cls = type(record)
    known = _FIELDS.get(cls)
    if known is None:
        names: tuple[str, ...] = cls.__match_args__  # type: ignore[attr-defined]
        getter = attrgetter(*names) if len(names) > 1 else lambda r: (getattr(r, names[0]),)
        known = _FIELDS[cls] = (getter, {name: i for i, name in enumerate(names)})
    getter, positions = known
    values = list(getter(record))
    for name, value in changes.items():
        values[positions[name]] = value
    return cls(*values)


def _field_hash(record: Any) -> int:
    """The hash of a record's compared fields (its __init__ fields), in order."""
    return hash(tuple(getattr(record, n) for n in type(record).__match_args__))


DEVICES = ("DISK", "TMPFS", "SHM", "RAMFS")

DIRTY_ACCOUNTING_DEVICES = frozenset({"DISK"})
"""Devices whose backing_dev_info accounts dirty pages (`mapping_cap_account_dirty`)."""

WRITEBACK_DEVICES = frozenset({"DISK"})
"""Devices that write dirty pages back to a disk (`mapping_cap_writeback_dirty`): tmpfs, shm
and ramfs set BDI_CAP_NO_WRITEBACK, so writeout and msync(MS_SYNC) write nothing there."""

SWAP_BACKED_DEVICES = frozenset({"TMPFS", "SHM"})
"""Devices whose pages reclaim moves to swap (shmem_writepage); ramfs pages are never reclaimed
while dirty (no ->writepage), and the others are written back by pageout."""

MAX_MAP_COUNT = 65536


@dataclass(frozen=True, slots=True)
class Page:
    """A struct page of the file: `mapping` is the inode's name, or None once removed."""

    pfn: int
    index: int
    mapping: str | None
    locked_by: str | None = None
    uptodate: bool = True
    dirty: bool = False
    writeback: bool = False
    mapcount: int = 0
    count: int = 1
    data: int = 0
    truncated: bool = False  # Andrea's per-page flag (PAGE_FLAG policy only)


@dataclass(frozen=True, slots=True)
class Pte:
    """none | present(pfn, write, dirty) | file(pgoff); `prot` is a per-pte protection or None."""

    kind: str = "none"
    pfn: int = -1
    pgoff: int = -1
    write: bool = False
    dirty: bool = False
    prot: str | None = None


NO_PTE = Pte()


@dataclass(frozen=True, slots=True)
class Vma:
    """A vm_area_struct over the file: virtual pages [start, start+length), one pte per page."""

    vid: int
    process: str
    start: int
    pgoff: int
    ptes: tuple[Pte, ...]
    prot: str = "read-write"  # what the user asked: none | read | read-write
    page_prot: str = "read-write"  # vm_page_prot: what a fresh pte gets
    shared: bool = True
    nonlinear: bool = False
    locked: bool = False
    manyprots: bool = False
    writenotify: bool = False
    nl_cursor: int = 0  # try_to_unmap_nonlinear's per-vma cursor (vm_private_data)
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        """Computed once: a vma is shared by many states, each hashed by the explorer."""
        if not self._hash:
            object.__setattr__(self, "_hash", _field_hash(self) or 1)
        return self._hash

    @property
    def length(self) -> int:
        return len(self.ptes)

    @property
    def writable(self) -> bool:
        return self.prot == "read-write"


@dataclass(frozen=True, slots=True)
class Inode:
    """The file and its address_space: size, truncate_count, page cache, on-disk versions."""

    name: str
    device: str
    i_size: int
    disk: tuple[int, ...]  # on-disk contents per index, as a data version
    cache: tuple[tuple[int, int], ...] = ()  # (index, pfn), sorted by index
    truncate_count: int = 0
    seqcount: int = 0  # the SEQLOCK policy's write seqcount
    written: tuple[int, ...] = ()  # latest version a user wrote at each index (for INV2b)
    # Pages (pfns) whose writeout cleared PG_dirty while a dirty pte of theirs survived in a
    # nonlinear vma, where page_mkclean does not look: writing the same data again because of
    # it is Peter's double IO (INV3). Kept here, not in Page: it changes rarely, pages often.
    survivors: tuple[int, ...] = ()
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        """Computed once, as for Vma."""
        if not self._hash:
            object.__setattr__(self, "_hash", _field_hash(self) or 1)
        return self._hash

    @property
    def accounts_dirty(self) -> bool:
        return self.device in DIRTY_ACCOUNTING_DEVICES

    @property
    def writes_back(self) -> bool:
        return self.device in WRITEBACK_DEVICES

    def lookup(self, index: int) -> int | None:
        """find_get_page: the pfn cached at `index`, or None."""
        for cached_index, pfn in self.cache:
            if cached_index == index:
                return pfn
        return None


@dataclass(frozen=True, slots=True)
class Process:
    """A task's mm: privilege, limits, and what it has used."""

    name: str
    root: bool = False
    memlock_limit: int = 16
    locked_pages: int = 0
    max_map_count: int = MAX_MAP_COUNT
    mmap_readers: int = 0  # threads inside a fault (down_read(mmap_sem)); see Context.mmap_sem


@dataclass(frozen=True, slots=True)
class Metrics:
    """Work counters that the replay reports as costs."""

    io: int = 0
    redundant_io: int = 0  # any write of data the disk already held
    double_io: int = 0  # those of them that rewrote a page whose dirty pte survived a writeout
    reclaim_work: int = 0
    freed_pages: int = 0
    mkclean_work: int = 0
    msync_work: int = 0
    unmap_work: int = 0
    max_map_count: int = 0
    rmap_nodes: int = 0  # NONLINEAR_RMAP_TREE: most reverse-map entries held at once


@dataclass(frozen=True, slots=True)
class Event:
    """Something a step reports for the invariants: a signal, a refusal, a limit hit."""

    kind: str  # SIGBUS | SIGSEGV | refused | emulated | allowed | limit | msync_lost | locked
    thread: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class VM:
    """The whole shared state; `events` are facts invariants read (signals, refusals, limits)."""

    inode: Inode
    pages: tuple[Page, ...] = ()
    vmas: tuple[Vma, ...] = ()
    processes: tuple[Process, ...] = ()
    metrics: Metrics = field(default_factory=Metrics)
    events: tuple[Event, ...] = ()
    clock: int = 0  # data versions: every user or direct-IO write takes the next one
    next_vid: int = 0
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        """Computed once: the explorer hashes each state several times."""
        if not self._hash:
            value = hash(
                (
                    self.inode,
                    self.pages,
                    self.vmas,
                    self.processes,
                    self.metrics,
                    self.events,
                    self.clock,
                    self.next_vid,
                )
            )
            object.__setattr__(self, "_hash", value or 1)
        return self._hash

    # -- reading -------------------------------------------------------------------------------
    def process(self, name: str) -> Process:
        for proc in self.processes:
            if proc.name == name:
                return proc
        raise KeyError(name)

    def vma(self, vid: int) -> Vma:
        for vma in self.vmas:
            if vma.vid == vid:
                return vma
        raise KeyError(vid)

    def vma_at(self, process: str, address: int) -> Vma | None:
        """find_vma: the vma of `process` containing virtual page `address`."""
        for vma in self.vmas:
            if vma.process == process and vma.start <= address < vma.start + vma.length:
                return vma
        return None

    def map_count(self, process: str) -> int:
        return sum(1 for vma in self.vmas if vma.process == process)

    # -- replace-on-write ------------------------------------------------------------------------
    def with_page(self, pfn: int, **changes: Any) -> VM:
        pages = list(self.pages)
        pages[pfn] = evolve(pages[pfn], **changes)
        return evolve(self, pages=tuple(pages))

    def with_inode(self, **changes: Any) -> VM:
        return evolve(self, inode=evolve(self.inode, **changes))

    def with_vma(self, vid: int, **changes: Any) -> VM:
        return evolve(
            self, vmas=tuple(evolve(v, **changes) if v.vid == vid else v for v in self.vmas)
        )

    def with_pte(self, vid: int, slot: int, pte: Pte) -> VM:
        vma = self.vma(vid)
        ptes = (*vma.ptes[:slot], pte, *vma.ptes[slot + 1 :])
        return self.with_vma(vid, ptes=ptes)

    def with_process(self, name: str, **changes: Any) -> VM:
        return evolve(
            self,
            processes=tuple(evolve(p, **changes) if p.name == name else p for p in self.processes),
        )

    def bump(self, **increments: int) -> VM:
        metrics = self.metrics
        values = {name: getattr(metrics, name) + n for name, n in increments.items()}
        return evolve(self, metrics=evolve(metrics, **values))

    def note(self, kind: str, thread: str, detail: str = "") -> VM:
        return evolve(self, events=(*self.events, Event(kind, thread, detail)))

    def tick(self) -> tuple[VM, int]:
        """A fresh data version for a write."""
        return evolve(self, clock=self.clock + 1), self.clock + 1
