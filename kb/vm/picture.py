"""What a picture of a model state shows, as data: where each thread stands, which locks are held,
and which parts of the state a step changed (for the UI to highlight).

The UI draws these; they are kept here so that what the picture says is tested without a screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from threadlore.kb.vm.machine import Context, ThreadState, Wait, next_frame, run_step
from threadlore.kb.vm.operations import OPERATIONS
from threadlore.kb.vm.policies import Semantics
from threadlore.kb.vm.state import VM
from threadlore.kb.vm.trace import Change


@dataclass(frozen=True)
class ThreadPlace:
    """Where a thread stands: done, about to run a step, or waiting (on a page lock, or
    spinning); which call of its program it is in."""

    name: str
    process: str
    status: str  # done | runs | waits
    label: str | None = None  # the next step's label
    function: str | None = None  # and its kernel function
    waits_on: int | None = None  # the page it sleeps on (None while spinning)
    call: int = 0  # 1-based position in the program of the call in progress (or next)
    calls: int = 0
    operation: str | None = None  # the call's operation

    def describe(self) -> str:
        where = f"call {self.call}/{self.calls} {self.operation}" if self.operation else ""
        if self.status == "done":
            return "done"
        if self.status == "waits":
            on = f"page {self.waits_on}" if self.waits_on is not None else "a seqcount (spins)"
            return f"waits on {on} before {self.label} {self.function} · {where}"
        return f"next {self.label} {self.function} · {where}"


def thread_places(
    vm: VM, threads: tuple[ThreadState, ...], semantics: Semantics, mmap_sem: frozenset[str]
) -> list[ThreadPlace]:
    """Every thread's place in `vm`; waiting is found by trying the next step."""
    places = []
    for thread in threads:
        frame = next_frame(thread, OPERATIONS)
        calls = len(thread.program)
        if frame is None:
            places.append(ThreadPlace(thread.name, thread.process, "done", calls=calls))
            continue
        step = OPERATIONS[frame.op].steps[frame.step]
        call = thread.pc if thread.stack else thread.pc + 1
        operation = thread.program[call - 1][0]
        context = Context(semantics, thread.name, thread.process, thread.process in mmap_sem)
        outcome = run_step(context, vm, thread, OPERATIONS)
        waiting = isinstance(outcome, Wait)
        places.append(
            ThreadPlace(
                thread.name,
                thread.process,
                "waits" if waiting else "runs",
                step.label,
                step.function,
                outcome.pfn if isinstance(outcome, Wait) else None,
                call,
                calls,
                operation,
            )
        )
    return places


@dataclass(frozen=True)
class HeldLock:
    """A lock held in a state: a page lock by a thread, mmap_sem by readers, a seqcount writer."""

    lock: str
    holder: str


def held_locks(vm: VM) -> list[HeldLock]:
    locks = [
        HeldLock(f"page {page.pfn} lock", page.locked_by)
        for page in vm.pages
        if page.locked_by is not None
    ]
    for process in vm.processes:
        if process.mmap_readers:
            locks.append(HeldLock(f"{process.name} mmap_sem", f"{process.mmap_readers} reader(s)"))
    if vm.inode.seqcount % 2:
        locks.append(HeldLock("the file's seqcount", "a truncate (write side)"))
    return locks


_PATH = re.compile(r"^(?P<area>[a-z_]+)(\[(?P<key>-?\d+)\])?(\.(?P<rest>.*))?$")
_PTE = re.compile(r"^ptes\[(?P<slot>\d+)\](\.(?P<field>\w+))?$")
VM_AREAS = frozenset({"pages", "vmas", "inode", "processes", "events", "metrics", "clock"})


def changed_parts(changes: list[Change]) -> set[tuple[str, ...]]:
    """The parts of the state a step changed, as keys the picture highlights:
    ("page", pfn, field), ("pte", vid, slot), ("vma", vid, field), ("inode", field),
    ("process", index, field), ("event", index), ("metric", name), ("thread", name)."""
    parts: set[tuple[str, ...]] = set()
    for path, _, _ in changes:
        found = _PATH.match(path)
        if found is None or found.group("area") not in VM_AREAS:
            parts.add(("thread", path.split(".")[0]))  # a thread's local: "fault0.pfn"
            continue
        area, key, rest = found.group("area"), found.group("key"), found.group("rest") or ""
        field = rest.split(".")[0] or "*"
        if area == "vmas" and key is not None:
            pte = _PTE.match(rest)
            parts.add(("pte", key, pte.group("slot")) if pte else ("vma", key, field))
        elif area == "pages" and key is not None:
            parts.add(("page", key, field))
        elif area == "processes" and key is not None:
            parts.add(("process", key, field))
        elif area == "events" and key is not None:
            parts.add(("event", key))
        elif area in ("inode", "metrics"):
            parts.add((area.rstrip("s"), field))
        else:
            parts.add((area,))
    return parts
