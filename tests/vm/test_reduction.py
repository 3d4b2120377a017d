"""Partial-order reduction keeps every race verdict; the footprints it trusts match behaviour."""

from __future__ import annotations

import json
from collections import deque
from typing import Any

import pytest
from click.testing import CliRunner

from threadlore.cli.main import threadlore
from threadlore.kb.vm import reduction as r
from threadlore.kb.vm.explorer import check
from threadlore.kb.vm.machine import (
    Context,
    Executed,
    Frame,
    ThreadState,
    next_frame,
    run_step,
    set_regs,
)
from threadlore.kb.vm.operations import OPERATIONS
from threadlore.kb.vm.policies import resolve
from threadlore.kb.vm.state import VM, evolve
from threadlore.kb.vm.workloads import get_workload

POLICIES = (
    "STATUS_QUO",
    "LOCK_PAGE_IN_FAULT",
    "SEQLOCK",
    "PAGE_FLAG",
    "LOCK_PAGE_IN_FAULT+NEW_BUFFERED_WRITE",
)
CASES = [
    ("W5", {"threads": 2}),
    ("W5", {"pages": 2, "threads": 1}),
    ("W6", {"threads": 2}),
    ("W6", {"pages": 2, "threads": 1}),
    ("W6-linear", {"threads": 2}),
    ("W6-truncate", {"threads": 2}),
    ("W7", {"crosswise": 0}),
    ("W7", {"crosswise": 1}),
]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(("workload", "params"), CASES)
def test_reduction_keeps_the_verdict(workload: str, params: dict[str, Any], policy: str) -> None:
    full = check(workload, policy, reduction=False, **params)
    reduced = check(workload, policy, **params)
    assert (reduced.verdict, reduced.invariant) == (full.verdict, full.invariant)
    assert reduced.states <= full.states
    assert reduced.distinct_states <= full.distinct_states


def test_reduction_explores_fewer_states_where_steps_are_independent() -> None:
    full = check("W5", "STATUS_QUO", threads=3, reduction=False)
    reduced = check("W5", "STATUS_QUO", threads=3)
    assert reduced.states < full.states * 0.75


@pytest.mark.parametrize(
    ("workload", "symmetry"), [("W6", False), ("W5", True), ("W6", True)], ids=str
)
def test_a_reduced_trace_is_a_real_path_to_the_violation(workload: str, symmetry: bool) -> None:
    result = check(workload, "STATUS_QUO", threads=3, symmetry=symmetry)
    assert result.verdict == "violated"
    setup = get_workload(workload).setup(threads=3)
    semantics = resolve("STATUS_QUO")
    vm, threads = setup.vm, list(setup.threads)
    for step in result.trace:
        position = next(i for i, t in enumerate(threads) if t.name == step.thread)
        ctx = Context(semantics, threads[position].name, threads[position].process)
        outcome = run_step(ctx, vm, threads[position], OPERATIONS)
        assert isinstance(outcome, Executed)
        assert (outcome.function, outcome.label) == (step.operation, step.label)
        vm, threads[position] = outcome.vm, outcome.thread
    assert result.invariant == "INV1"


# -- the declarations the reduction relies on ---------------------------------------------------

_PAGE_PARTS = {
    "pfn": r.CACHE,
    "index": r.CACHE,
    "mapping": r.CACHE,
    "locked_by": r.LOCK,
    "truncated": r.LOCK,
    "count": r.COUNT,
    "mapcount": r.MAPCOUNT,
    "dirty": r.DIRTY,
    "data": r.DIRTY,
    "uptodate": r.DIRTY,
    "writeback": r.DIRTY,
}
_INODE_PARTS = {
    "i_size": r.I_SIZE,
    "truncate_count": r.TRUNCATE_COUNT,
    "seqcount": r.SEQCOUNT,
    "cache": r.CACHE,
    "disk": r.DISK,
    "written": r.DISK,
}


def _changed(before: VM, after: VM) -> int:
    """The footprint bits of every part that differs between two states."""
    bits = 0
    for name, bit in _INODE_PARTS.items():
        if getattr(before.inode, name) != getattr(after.inode, name):
            bits |= bit
    if before.inode.name != after.inode.name or before.inode.device != after.inode.device:
        bits |= r.EVERYTHING
    if len(before.pages) != len(after.pages):
        bits |= r.CACHE
    for old, new in zip(before.pages, after.pages, strict=False):
        for name, bit in _PAGE_PARTS.items():
            if getattr(old, name) != getattr(new, name):
                bits |= bit
    if [v.ptes for v in before.vmas] != [v.ptes for v in after.vmas]:
        bits |= r.PTES
    layout = [(v.vid, v.start, v.pgoff, v.length, v.nonlinear) for v in before.vmas]
    if layout != [(v.vid, v.start, v.pgoff, v.length, v.nonlinear) for v in after.vmas]:
        bits |= r.VMAS
    if before.clock != after.clock:
        bits |= r.DISK
    if before.metrics != after.metrics:
        bits |= r.METRICS
    if before.events != after.events:
        bits |= r.EVENTS
    if before.processes != after.processes or before.next_vid != after.next_vid:
        bits |= r.EVERYTHING
    return bits


def _every_transition(workload: str, policy: str, params: dict[str, int]):  # type: ignore[no-untyped-def]
    """(vm before, thread before, outcome) for every transition of the full state graph."""
    setup = get_workload(workload).setup(**params)
    semantics = resolve(policy)
    seen = {(setup.vm, setup.threads)}
    queue = deque(seen)
    while queue:
        vm, threads = queue.popleft()
        for position, thread in enumerate(threads):
            ctx = Context(semantics, thread.name, thread.process)
            outcome = run_step(ctx, vm, thread, OPERATIONS)
            if not isinstance(outcome, Executed):
                continue
            yield vm, thread, outcome
            moved: tuple[ThreadState, ...] = (
                *threads[:position],
                outcome.thread,
                *threads[position + 1 :],
            )
            if (outcome.vm, moved) not in seen:
                seen.add((outcome.vm, moved))
                queue.append((outcome.vm, moved))


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(("workload", "params"), CASES[::2])
def test_declared_writes_and_calls_cover_every_step(
    workload: str, params: dict[str, int], policy: str
) -> None:
    semantics = resolve(policy)
    footprints, callees = r.step_footprints(semantics), r.calls(semantics)
    paths = r.path_footprints(semantics)
    for vm, thread, outcome in _every_transition(workload, policy, params):
        frame = next_frame(thread, OPERATIONS)
        assert frame is not None
        declared = footprints[(frame.op, frame.step)]
        undeclared = _changed(vm, outcome.vm) & ~(declared.writes | declared.adds)
        assert not undeclared, f"{frame.op}/{frame.step} changed {undeclared:b}"
        went = r.where_next(thread, outcome.thread, frame.op)
        path = None if went is False else paths.get((frame.op, frame.step, went))
        if path is not None:
            undeclared = _changed(vm, outcome.vm) & ~(path.writes | path.adds)
            assert not undeclared, f"{frame.op}/{frame.step}→{went} changed {undeclared:b}"
        stack = outcome.thread.stack
        if len(stack) >= max(len(thread.stack), 1) and stack[-1].op != frame.op:
            assert stack[-1].op in callees[frame.op], f"{frame.op} calls {stack[-1].op}"


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(("workload", "params"), CASES[:6])
def test_registers_declared_dead_are_never_read(
    workload: str, params: dict[str, int], policy: str
) -> None:
    """A stale value in a register dead at the step about to run changes nothing: the step does
    not read it, and writes it or drops it again (dead at the next step too) or returns."""
    semantics = resolve(policy)
    checked = 0
    for vm, thread, outcome in _every_transition(workload, policy, params):
        if not thread.stack:
            continue
        frame = thread.stack[-1]
        for name in OPERATIONS[frame.op].steps[frame.step].dead:
            stale = Frame(frame.op, frame.step, set_regs(frame.regs, **{name: -7}))
            moved = evolve(thread, stack=(*thread.stack[:-1], stale))
            ctx = Context(semantics, thread.name, thread.process)
            again = run_step(ctx, vm, moved, OPERATIONS)
            assert isinstance(again, Executed)
            assert (again.vm, again.thread) == (outcome.vm, outcome.thread), (
                f"{frame.op}/{frame.step} reads or keeps {name}"
            )
            checked += 1
    assert checked


@pytest.mark.parametrize("policy", POLICIES)
def test_a_path_reads_what_its_step_reads_and_writes_no_more(policy: str) -> None:
    semantics = resolve(policy)
    steps = r.step_footprints(semantics)
    for (op, step, went), path in r.path_footprints(semantics).items():
        declared = steps[(op, step)]
        assert path.reads == declared.reads
        assert not path.writes & ~declared.writes and not path.adds & ~declared.adds
        assert went is None or went in OPERATIONS[op].steps


def test_an_undeclared_operation_conflicts_with_everything() -> None:
    reducer = r.Reducer(OPERATIONS, resolve("STATUS_QUO"), watch_rest=False)
    assert reducer.operation("sys_msync") == r.UNKNOWN
    assert reducer.operation("do_no_page").conflicts(r.UNKNOWN)
    assert not r.Footprint(r.I_SIZE).conflicts(r.Footprint(r.I_SIZE))
    assert not r.Footprint(adds=r.COUNT).conflicts(r.Footprint(adds=r.COUNT))
    assert r.Footprint(r.COUNT).conflicts(r.Footprint(adds=r.COUNT))


def _inflated(vm: VM, counters: frozenset[str]) -> VM:
    """The same state with different reference counts, cost counters (redundant IO kept) and
    inode `counters`."""
    pages = tuple(evolve(page, count=page.count + 5) for page in vm.pages)
    metrics = evolve(vm.metrics, io=vm.metrics.io + 3, unmap_work=vm.metrics.unmap_work + 7)
    inode = evolve(vm.inode, **{name: getattr(vm.inode, name) + 4 for name in counters})
    return evolve(vm, pages=pages, metrics=metrics, inode=inode)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(("workload", "params"), CASES[::2])
def test_no_step_reads_what_the_behaviour_key_leaves_out(
    workload: str, params: dict[str, int], policy: str
) -> None:
    semantics = resolve(policy)
    setup = get_workload(workload).setup(**params)
    reducer = r.Reducer(OPERATIONS, semantics, watch_rest=False, threads=setup.threads)
    counters = reducer.unread_inode_counters
    for vm, thread, outcome in _every_transition(workload, policy, params):
        ctx = Context(semantics, thread.name, thread.process)
        again = run_step(ctx, _inflated(vm, counters), thread, OPERATIONS)
        assert isinstance(again, Executed)
        assert again.thread == outcome.thread
        assert reducer.key((again.vm, ())) == reducer.key((outcome.vm, ()))


@pytest.mark.parametrize(
    ("workload", "policy", "unread"),
    [
        ("W5", "STATUS_QUO", {"seqcount"}),
        ("W5", "SEQLOCK", set()),
        ("W5", "LOCK_PAGE_IN_FAULT", {"truncate_count", "seqcount"}),
        ("W6", "STATUS_QUO", {"seqcount"}),  # handle_mm_fault may call do_no_page
        ("W7", "LOCK_PAGE_IN_FAULT", {"truncate_count", "seqcount"}),
    ],
)
def test_keys_leave_out_the_inode_counters_no_step_reads(
    workload: str, policy: str, unread: set[str]
) -> None:
    setup = get_workload(workload).setup()
    reducer = r.Reducer(OPERATIONS, resolve(policy), watch_rest=False, threads=setup.threads)
    assert reducer.unread_inode_counters == unread
    everything = r.Reducer(OPERATIONS, resolve(policy), watch_rest=False)
    assert everything.unread_inode_counters == set()


def test_the_cli_explores_fully_on_request() -> None:
    def distinct(*flags: str) -> int:
        args = ["model", "check", "W5", "--policy", "LOCK_PAGE_IN_FAULT", "-p", "threads=2"]
        result = CliRunner().invoke(threadlore, [*args, *flags, "--json"])
        assert result.exit_code == 0, result.output
        return int(json.loads(result.stdout)["distinct_states"])

    assert distinct("--no-reduction") > distinct()
