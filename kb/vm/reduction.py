"""Partial-order reduction: what each step may read and write, and when one thread may go alone.

Each step of the race operations declares a footprint over coarse parts of the VM state (bits
below): what it reads (including what decides whether it is enabled), what it overwrites, and
which counters it only increments (adds commute with each other, not with reads or writes of the
same counter). An operation's footprint is the union over its steps and the operations it calls.
A step or operation with no declaration touches everything, so it is never reduced.

Footprints also show that no step reads `Page.count` or `Metrics` (only INV3 reads whether
double IO happened), nor, unless the search runs an operation that reads them, the inode's
truncate_count and seqcount; so states differing only there are merged (`Reducer.key`), as are
states equal up to renaming interchangeable threads.

At a state, the explorer may expand one thread's next step alone (a singleton persistent set)
when that step is independent of every step the other threads can still take (their remaining
operations), when it changes nothing an invariant reads (invisible), and when its successor is
not an already-seen state at the same or a smaller depth (the breadth-first cycle proviso).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Generic, Literal, NamedTuple, TypeVar

from threadlore.kb.vm.machine import Frame, Operation, ThreadState, next_frame
from threadlore.kb.vm.ops_fault import fault_operations
from threadlore.kb.vm.policies import Semantics
from threadlore.kb.vm.state import VM, Event, Inode, Page, Process, Vma, evolve

I_SIZE = 1 << 0  # inode.i_size
TRUNCATE_COUNT = 1 << 1  # inode.truncate_count
SEQCOUNT = 1 << 2  # inode.seqcount
CACHE = 1 << 3  # inode.cache, the page array's length, Page.mapping and Page.index
LOCK = 1 << 4  # Page.locked_by, Page.truncated
COUNT = 1 << 5  # Page.count
MAPCOUNT = 1 << 6  # Page.mapcount
DIRTY = 1 << 7  # Page.dirty, Page.data
VMAS = 1 << 8  # the vma list and each vma's layout and flags
PTES = 1 << 9  # the ptes inside the vmas
DISK = 1 << 10  # inode.disk, inode.written, the data-version clock
METRICS = 1 << 11  # the cost counters
EVENTS = 1 << 12  # reported events (their order is part of the state)
MM = 1 << 13  # the processes' records (mmap_sem readers, locked pages, limits)
EVERYTHING = (1 << 14) - 1

INODE_COUNTERS = {"truncate_count": TRUNCATE_COUNT, "seqcount": SEQCOUNT}
"""Inode counters that keys leave out when no step of the search reads them (no invariant does)."""


class Footprint(NamedTuple):
    """Parts of the state a step reads, overwrites, and only adds to."""

    reads: int = 0
    writes: int = 0
    adds: int = 0

    def __or__(self, other: object) -> Footprint:
        assert isinstance(other, Footprint)
        return Footprint(
            self.reads | other.reads, self.writes | other.writes, self.adds | other.adds
        )

    def conflicts(self, other: Footprint) -> bool:
        """Whether some step with this footprint may be dependent on one with the other."""
        return bool(
            self.reads & (other.writes | other.adds)
            | self.writes & (other.reads | other.writes | other.adds)
            | self.adds & (other.reads | other.writes)
        )


UNKNOWN = Footprint(EVERYTHING, EVERYTHING)
NOTHING = Footprint()

_FIND_GET_PAGE = Footprint(VMAS | PTES | CACHE | DISK, CACHE, COUNT | METRICS)
_UNMAP_PAGE = Footprint(
    VMAS | PTES | CACHE | DIRTY | MAPCOUNT,
    PTES | MAPCOUNT | DIRTY,
    TRUNCATE_COUNT | COUNT | METRICS,
)


@functools.cache
def step_footprints(semantics: Semantics) -> dict[tuple[str, str], Footprint]:
    """Declared footprints of the steps the race workloads run, by (operation, step).

    Some reads and writes happen only under a policy: the seqcount (SEQLOCK), the truncated
    flag (PAGE_FLAG). Computed once per semantics (callers only read the table).
    """
    seq = SEQCOUNT if semantics.fault == "seqlock" else 0
    flag = LOCK if semantics.fault == "page_flag" else 0
    wait = LOCK if semantics.dirty_waits_on_page_lock else 0  # 79352894's wait_on_page_locked
    return {
        # ops_fault
        ("handle_mm_fault", "A1"): Footprint(
            VMAS | PTES | CACHE | DISK, PTES | DIRTY | DISK | EVENTS, MM
        ),
        ("do_wp_page", "WP1"): Footprint(VMAS | PTES, PTES),
        ("do_wp_page", "WP2"): Footprint(wait, DIRTY),
        ("do_no_page", "F1"): Footprint(TRUNCATE_COUNT | seq),
        ("do_no_page", "F2"): Footprint(VMAS | PTES | I_SIZE),
        ("do_no_page", "F3"): _FIND_GET_PAGE,
        ("do_no_page", "F4"): Footprint(
            TRUNCATE_COUNT | seq | flag | VMAS | PTES | MAPCOUNT, PTES | MAPCOUNT, COUNT
        ),
        ("do_no_page", "F5"): Footprint(wait, DIRTY),
        ("do_file_page", "P1"): Footprint(
            seq | VMAS | PTES | I_SIZE | CACHE | DISK, CACHE, COUNT | METRICS
        ),
        ("do_file_page", "P2"): Footprint(
            seq | flag | CACHE | I_SIZE | VMAS | PTES | MAPCOUNT, PTES | MAPCOUNT, COUNT
        ),
        ("__do_fault", "S1"): Footprint(VMAS | PTES | I_SIZE),
        ("__do_fault", "S2"): _FIND_GET_PAGE,
        ("__do_fault", "S2.lock"): Footprint(LOCK | CACHE, LOCK, COUNT),
        ("__do_fault", "S3"): Footprint(I_SIZE, LOCK, COUNT),  # a page's index never changes
        ("__do_fault", "S4"): Footprint(VMAS | PTES | MAPCOUNT, PTES | MAPCOUNT, COUNT),
        ("__do_fault", "S5"): Footprint(0, LOCK),
        ("__do_fault", "S6"): Footprint(0, DIRTY),
        # ops_truncate
        ("unmap_mapping_range", "T2"): Footprint(CACHE if flag else 0, flag, TRUNCATE_COUNT),
        ("unmap_mapping_range", "T3"): Footprint(
            VMAS | PTES | CACHE | DIRTY | MAPCOUNT, PTES | MAPCOUNT | DIRTY, COUNT | METRICS
        ),
        ("truncate_inode_pages_range", "T4"): Footprint(CACHE | LOCK | MAPCOUNT | seq, LOCK | seq),
        ("truncate_inode_pages_range", "T4.unmap"): _UNMAP_PAGE,
        ("truncate_inode_pages_range", "T4.remove"): Footprint(CACHE, CACHE | DIRTY | LOCK, COUNT),
        ("vmtruncate", "T1"): Footprint(seq, I_SIZE | seq),
        ("vmtruncate", "pages"): NOTHING,
        ("vmtruncate_range", "begin"): Footprint(seq, seq),
        ("vmtruncate_range", "pages"): NOTHING,
        ("madvise_remove", "H1"): Footprint(VMAS | PTES, EVENTS),
        ("generic_file_direct_IO", "I1"): Footprint(seq, seq),
        ("generic_file_direct_IO", "I2"): Footprint(CACHE | DIRTY | DISK, DIRTY | DISK, METRICS),
        ("generic_file_direct_IO", "I3"): Footprint(DISK, DISK, METRICS),
        ("invalidate_inode_pages2_range", "I4"): Footprint(CACHE | LOCK | seq, LOCK | seq),
        ("invalidate_inode_pages2_range", "I5"): _UNMAP_PAGE,
        ("invalidate_inode_pages2_range", "I6"): Footprint(
            CACHE | DIRTY | DISK, DIRTY | DISK, METRICS
        ),
        ("invalidate_inode_pages2_range", "I7"): Footprint(
            CACHE | DIRTY, CACHE | DIRTY | LOCK, COUNT
        ),
        # ops_write
        ("generic_file_buffered_write", "B1"): NOTHING,
        ("generic_file_buffered_write", "B2"): Footprint(
            CACHE | LOCK | DISK, CACHE | LOCK, COUNT | METRICS
        ),
        ("generic_file_buffered_write", "B3"): Footprint(
            VMAS | PTES | CACHE | DISK, LOCK | DIRTY | DISK, COUNT
        ),
        ("generic_file_buffered_write", "B4"): Footprint(0, DIRTY | LOCK, COUNT),
        ("zap_page_range", "Z1"): Footprint(
            VMAS | PTES | CACHE | DIRTY | MAPCOUNT, PTES | MAPCOUNT | DIRTY, COUNT | METRICS
        ),
    }


@functools.cache
def path_footprints(semantics: Semantics) -> dict[tuple[str, str, str | None], Footprint]:
    """Footprints of single paths through a step, where they write less than the step may.

    By (operation, step, where the step went: the operation's next step, or None when it
    returned). A path reads what its step reads (the reads decide the path), so the explorer
    may use the path's writes for a step whose reads no other thread can change.
    """
    return {
        ("__do_fault", "S3", "S4"): Footprint(I_SIZE),  # within i_size: no unlock, no put_page
    }


def where_next(before: ThreadState, after: ThreadState, op: str) -> str | Literal[False] | None:
    """Where the step of `op` that took a thread from `before` to `after` went: the operation's
    next step, None when the operation returned, False when it tail-called another one."""
    depth = max(len(before.stack), 1)
    if len(after.stack) < depth:
        return None
    frame = after.stack[depth - 1]
    return frame.step if frame.op == op else False


@functools.cache
def calls(semantics: Semantics) -> dict[str, tuple[str, ...]]:
    """The operations each declared operation may call; an operation missing here is UNKNOWN."""
    return {
        "handle_mm_fault": (*fault_operations(semantics), "do_wp_page"),
        "do_wp_page": (),
        "do_no_page": (),
        "do_file_page": (),
        "__do_fault": (),
        "unmap_mapping_range": (),
        "truncate_inode_pages_range": (),
        "vmtruncate": ("unmap_mapping_range", "truncate_inode_pages_range"),
        "vmtruncate_range": ("unmap_mapping_range", "truncate_inode_pages_range"),
        "madvise_remove": ("vmtruncate_range",),
        "generic_file_direct_IO": ("unmap_mapping_range", "invalidate_inode_pages2_range"),
        "invalidate_inode_pages2_range": (),
        "generic_file_buffered_write": ("handle_mm_fault",),
        "zap_page_range": (),
    }


PGOFF_LOOKUPS = frozenset(
    {("do_no_page", "F2"), ("do_no_page", "F3"), ("do_file_page", "P1")}
    | {("__do_fault", "S1"), ("__do_fault", "S2")}
)
"""Steps that read a slot's pte only to find the file page of a nonlinear vma (pgoff_of)."""


MEMO_LIMIT = 1 << 16
"""Entries a memo by object id holds before it starts again (each keeps its object alive)."""


StateKey = tuple[object, ...]
"""A state's key: its VM part's number, the threads named in the VM, each thread's local state's
number (Reducer.key)."""

VmPart = tuple[int, tuple[str, ...], tuple[Event, ...]]
"""A VM's part of a state key: its number, its locked pages' owners, its events."""

Numbered = TypeVar("Numbered")


class Numbering(Generic[Numbered]):
    """Small numbers for objects, equal by `value` (the object itself by default).

    Memoized by object id, the object kept alive with its number so its id is not reused; the
    memo starts again when large, the numbers stay.
    """

    __slots__ = ("_by_id", "_by_value", "_value")

    def __init__(self, value: Callable[[Numbered], Hashable] | None = None) -> None:
        self._by_id: dict[int, tuple[Numbered, int]] = {}
        self._by_value: dict[Hashable, int] = {}
        self._value = value

    def of(self, obj: Numbered) -> int:
        known = self._by_id.get(id(obj))
        if known is None:
            if len(self._by_id) >= MEMO_LIMIT:
                self._by_id.clear()
            value = obj if self._value is None else self._value(obj)
            number = self._by_value.setdefault(value, len(self._by_value))
            known = self._by_id[id(obj)] = (obj, number)
        return known[1]


def page_behaviour(page: Page) -> tuple[object, ...]:
    """A page without its reference count, and without its lock owner's name (only whether
    it is locked: keys name the owner by its position among the threads)."""
    return (
        page.index,
        page.mapping,
        page.locked_by is not None,
        page.uptodate,
        page.dirty,
        page.writeback,
        page.mapcount,
        page.data,
        page.truncated,
    )


def observed_differ(vm: VM, after: VM) -> bool:
    """Whether two states differ in what the invariants read (kb/vm/invariants.py): the vmas and
    their ptes, the cache, each page's mapping and PG_dirty, the events, whether double IO
    happened, the locked pages. Parts a step did not touch are the same objects: checked first."""
    if after is vm:
        return False
    if after.vmas is not vm.vmas and after.vmas != vm.vmas:
        return True
    if after.events is not vm.events and after.events != vm.events:
        return True
    if after.inode is not vm.inode and after.inode.cache != vm.inode.cache:
        return True
    if after.pages is not vm.pages:
        if len(after.pages) != len(vm.pages):
            return True
        for old, new in zip(vm.pages, after.pages, strict=True):
            if old is not new and (old.mapping != new.mapping or old.dirty != new.dirty):
                return True
    if (after.metrics.double_io > 0) != (vm.metrics.double_io > 0):
        return True
    if after.processes is not vm.processes:
        return [p.locked_pages for p in after.processes] != [p.locked_pages for p in vm.processes]
    return False


class Reducer:
    """Footprints of operations and of each thread's remaining work, memoized for one search.

    `watch_rest`: INV2 applies at rest, so a step that starts or ends an operation is visible.
    `groups`: positions of interchangeable threads (kb/vm/symmetry.py), which keys identify.
    `threads`: the search's threads at the start; the inode counters none of them can read
    (`unread_inode_counters`) are left out of keys. None: every part may be read.
    """

    def __init__(
        self,
        operations: Mapping[str, Operation],
        semantics: Semantics,
        *,
        watch_rest: bool,
        groups: Sequence[Sequence[int]] = (),
        threads: Sequence[ThreadState] | None = None,
    ) -> None:
        self._operations = operations
        self._groups = [list(group) for group in groups]
        self._steps = step_footprints(semantics)
        self._paths = path_footprints(semantics)
        self._calls = calls(semantics)
        self._watch_rest = watch_rest
        self._by_operation: dict[str, Footprint] = {}
        # Memos by id(thread), the thread kept alive with its entry (the explorer interns
        # threads, so equal threads are one object).
        self._remaining: dict[int, tuple[ThreadState, Footprint]] = {}
        # id(thread) → (thread, its next step's footprint, the vid it looks up, (op, step))
        self._next: dict[
            int, tuple[ThreadState, Footprint, int | None, tuple[str, str] | None]
        ] = {}
        self._others: dict[tuple[Footprint, ...], list[Footprint]] = {}
        # Memos by id, the object kept alive with its entry; cleared when they grow large.
        self._vms: dict[int, tuple[VM, VmPart]] = {}  # id(vm) → (vm, its part of a key)
        self._locals: dict[tuple[int, tuple[Frame, ...]], int] = {}  # (pc, stack) → a number
        self._locals_by_id: dict[int, tuple[ThreadState, int]] = {}  # id(thread) → its number
        self._page_numbers: Numbering[Page] = Numbering(page_behaviour)
        # Each position's name (they never change): how a key names threads in the order given,
        # and in each order of the symmetry groups.
        self._positions: dict[str, int] | None = None
        self._positions_by_order: dict[tuple[int, ...], dict[str, int]] = {}
        read = EVERYTHING
        if threads is not None:
            self._positions = {thread.name: number for number, thread in enumerate(threads)}
            read = 0
            for thread in threads:
                read |= self.remaining(thread).reads
        unread = {name: 0 for name, part in INODE_COUNTERS.items() if not read & part}
        self.unread_inode_counters = frozenset(unread)
        self._inode_numbers: Numbering[Inode] = Numbering(
            (lambda inode: evolve(inode, **unread)) if unread else None
        )
        self._vmas_numbers: Numbering[tuple[Vma, ...]] = Numbering()
        self._process_numbers: Numbering[tuple[Process, ...]] = Numbering()
        self._parts: dict[tuple[object, ...], int] = {}  # a VM's part of a key → its number

    def key(self, state: tuple[VM, tuple[ThreadState, ...]]) -> StateKey:
        """The state without what no step reads, its interchangeable threads in a canonical order.

        Page reference counts, the cost counters and the unread inode counters are left out:
        two states differing only there have the same steps and the same verdicts (INV3 reads
        only whether double IO happened), as pan leaves write-only variables out of its state
        vector. A thread appears by the number of its local state (pc and stack: a position's
        name and program never change). Threads of one symmetry group are sorted by those
        numbers, and a thread named in the VM (a page lock's owner, an event) is named by its
        position in that order: a state and its renamings have one key, and are equivalent
        (kb/vm/symmetry.py). A key is a short tuple of small numbers, quick to hash and compare.
        """
        vm, threads = state
        get = self._locals_by_id.get
        numbers = [
            hit[1] if (hit := get(id(thread))) is not None else self._local_number(thread)
            for thread in threads
        ]
        order: list[int] | None = None
        for group in self._groups:
            if len(group) == 2:  # the common case, without sorting
                first, second = group
                if numbers[second] < numbers[first]:
                    order = order or list(range(len(threads)))
                    order[first], order[second] = second, first
                continue
            if len(group) == 3:  # next most common: already in order, no sorting
                first, second, third = group
                if numbers[first] <= numbers[second] <= numbers[third]:
                    continue
            ranked = sorted(group, key=numbers.__getitem__)
            if ranked != group:
                order = order or list(range(len(threads)))
                for target, source in zip(group, ranked, strict=True):
                    order[target] = source
        if order is not None:
            numbers = [numbers[position] for position in order]
        part, owners, events = self._vm_part(vm)
        if not owners and not events:
            return (part, (), *numbers)
        if order is None:
            position = self._positions or {t.name: place for place, t in enumerate(threads)}
        else:
            ranks = tuple(order)
            position = self._positions_by_order.get(ranks) or {}
            if not position:
                position = {threads[source].name: place for place, source in enumerate(order)}
                self._positions_by_order[ranks] = position
        named = (
            tuple([position.get(owner, owner) for owner in owners]),
            tuple([(e.kind, position.get(e.thread, e.thread), e.detail) for e in events]),
        )
        return (part, named, *numbers)

    def _local_number(self, thread: ThreadState) -> int:
        """The number of the thread's local state (pc, stack), memoized by thread."""
        if len(self._locals_by_id) >= MEMO_LIMIT:
            self._locals_by_id.clear()
        number = self._locals.setdefault((thread.pc, thread.stack), len(self._locals))
        self._locals_by_id[id(thread)] = (thread, number)
        return number

    def _vm_part(self, vm: VM) -> VmPart:
        """The number of the VM's part of its key (without thread names), the lock owners of
        its locked pages in page order, and its events; memoized for the VMs seen lately.

        The inode, the vma list, the processes and each page are numbered by value, memoized
        by object (VMs share them), so that a part is a short tuple of small numbers, quick to
        hash and to compare, and numbered in turn.
        """
        known = self._vms.get(id(vm))
        if known is not None:
            return known[1]
        if len(self._vms) >= MEMO_LIMIT:
            self._vms.clear()
        pages = self._page_numbers
        part = (
            self._inode_numbers.of(vm.inode),
            self._vmas_numbers.of(vm.vmas),
            self._process_numbers.of(vm.processes),
            vm.clock,
            vm.metrics.double_io > 0,
            *[pages.of(page) for page in vm.pages],
        )
        number = self._parts.setdefault(part, len(self._parts))
        owners = tuple(owner for page in vm.pages if (owner := page.locked_by) is not None)
        result = (number, owners, vm.events)
        self._vms[id(vm)] = (vm, result)
        return result

    def operation(self, op: str) -> Footprint:
        """The union over an operation's steps and, transitively, the operations it calls."""
        known = self._by_operation.get(op)
        if known is not None:
            return known
        pending, seen, total = [op], {op}, NOTHING
        while pending:
            name = pending.pop()
            if name not in self._calls or name not in self._operations:
                total = UNKNOWN
                break
            for step in self._operations[name].steps:
                total = total | self._steps.get((name, step), UNKNOWN)
            for callee in self._calls[name]:
                if callee not in seen:
                    seen.add(callee)
                    pending.append(callee)
        self._by_operation[op] = total
        return total

    def remaining(self, thread: ThreadState) -> Footprint:
        """Everything the thread may still touch: the operations on its stack and still to call."""
        known = self._remaining.get(id(thread))
        if known is None:
            if len(self._remaining) >= MEMO_LIMIT:
                self._remaining.clear()
            footprint = NOTHING
            for frame in thread.stack:
                footprint = footprint | self.operation(frame.op)
            for op, _ in thread.program[thread.pc :]:
                footprint = footprint | self.operation(op)
            known = self._remaining[id(thread)] = (thread, footprint)
        return known[1]

    def next_step(self, thread: ThreadState, vm: VM) -> Footprint:
        """The footprint of the step the thread runs next in `vm` (NOTHING once it is done).

        A pgoff lookup in a linear vma does not read the pte; whether the vma is linear is
        itself read (VMAS), so this stays true while no other thread may write VMAS.
        """
        known = self._next.get(id(thread))
        if known is None:
            if len(self._next) >= MEMO_LIMIT:
                self._next.clear()
            frame = next_frame(thread, self._operations)
            if frame is None:
                known = (thread, NOTHING, None, None)
            else:
                key = (frame.op, frame.step)
                vid = frame.get("vid") if key in PGOFF_LOOKUPS else None
                known = (thread, self._steps.get(key, UNKNOWN), vid, key)
            self._next[id(thread)] = known
        _, footprint, vid, _ = known
        if vid is not None and not vm.vma(vid).nonlinear:
            return Footprint(footprint.reads & ~PTES, footprint.writes, footprint.adds)
        return footprint

    def taken(self, thread: ThreadState, moved: ThreadState, vm: VM) -> Footprint:
        """The footprint of the step that took `thread` (in `vm`) to `moved`: its path's, when
        one is declared for where it went, else the step's (`next_step`)."""
        footprint = self.next_step(thread, vm)
        step = self._next[id(thread)][3]
        if step is None:
            return footprint
        went = where_next(thread, moved, step[0])
        path = None if went is False else self._paths.get((*step, went))
        if path is None:
            return footprint
        return Footprint(footprint.reads, path.writes, path.adds)

    def others(self, threads: tuple[ThreadState, ...]) -> list[Footprint]:
        """For each thread, the union of what all the other threads may still touch."""
        memo = self._remaining
        remaining = tuple(
            [hit[1] if (hit := memo.get(id(t))) else self.remaining(t) for t in threads]
        )
        known = self._others.get(remaining)
        if known is None:
            known = []
            for position in range(len(threads)):
                reads = writes = adds = 0
                for other, footprint in enumerate(remaining):
                    if other != position:
                        reads |= footprint.reads
                        writes |= footprint.writes
                        adds |= footprint.adds
                known.append(Footprint(reads, writes, adds))
            self._others[remaining] = known
        return known

    def visible(self, vm: VM, after: VM, thread: ThreadState, moved: ThreadState) -> bool:
        """Whether the step changed something an invariant reads (or, for INV2, being at rest)."""
        if self._watch_rest and bool(thread.stack) != bool(moved.stack):
            return True
        return observed_differ(vm, after)
