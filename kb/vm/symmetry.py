"""Symmetry reduction: threads running the same program in the same process are interchangeable.

Two states that differ only by a renaming of such threads behave alike (the invariants do not
depend on thread names), so the explorer may keep one of them. The canonical key sorts each group
of interchangeable threads by their local state and renames them, in the threads and in the VM
(page lock owners, events), to the group's names in order. Keys only deduplicate: the explorer
still runs concrete states, so traces stay real paths with consistent names. This is the key of
a full search with symmetry; with the partial-order reduction, `Reducer.key` orders the groups
itself (and leaves out what no step reads).
"""

from __future__ import annotations

from threadlore.kb.vm.machine import State, ThreadState
from threadlore.kb.vm.state import VM, Event, evolve


def interchangeable_groups(threads: tuple[ThreadState, ...]) -> list[list[int]]:
    """Positions of threads with the same process and program, groups of two or more."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for position, thread in enumerate(threads):
        groups.setdefault((thread.process, thread.program), []).append(position)
    return [positions for positions in groups.values() if len(positions) > 1]


def _local(thread: ThreadState) -> str:
    """A total order on a thread's own state (its name excluded)."""
    return repr((thread.pc, thread.stack))


def _rename_in_vm(vm: VM, names: dict[str, str]) -> VM:
    pages = tuple(
        evolve(page, locked_by=names[page.locked_by]) if page.locked_by in names else page
        for page in vm.pages
    )
    events = tuple(
        Event(e.kind, names[e.thread], e.detail) if e.thread in names else e for e in vm.events
    )
    return evolve(vm, pages=pages, events=events)


def canonical(state: State, groups: list[list[int]]) -> State:
    """The representative of the state's symmetry class."""
    vm, threads = state
    renamed = list(threads)
    names: dict[str, str] = {}
    for group in groups:
        ordered = sorted(group, key=lambda position: _local(threads[position]))
        for target, source in zip(group, ordered, strict=True):
            old, new = threads[source].name, threads[target].name
            if old != new:
                names[old] = new
                renamed[target] = evolve(threads[source], name=new)
            else:
                renamed[target] = threads[source]
    if not names:
        return state
    return _rename_in_vm(vm, names), tuple(renamed)
