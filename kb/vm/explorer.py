"""Exhaustive exploration of a workload's interleavings, breadth-first, with a visited-state set.

A state is (VM, threads); both are frozen values, so the visited set hashes them canonically.
Breadth-first order makes the first violation found for an invariant the shortest trace to it.
A state where some thread has not finished and none can move, or where threads wait on page locks
in a cycle (a thread waiting on itself included), breaks INV6.
"""

from __future__ import annotations

import functools
import gc
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, ParamSpec, TypeVar

from threadlore.kb.vm.invariants import Violation, check_state
from threadlore.kb.vm.machine import Context, Executed, State, ThreadState, Wait, run_step
from threadlore.kb.vm.operations import OPERATIONS
from threadlore.kb.vm.ops_mmap import MMAP_SEM_WRITERS
from threadlore.kb.vm.policies import policy_parameters, resolve
from threadlore.kb.vm.reduction import Reducer
from threadlore.kb.vm.state import VM
from threadlore.kb.vm.symmetry import canonical, interchangeable_groups
from threadlore.kb.vm.trace import TraceStep, step_changes
from threadlore.kb.vm.workloads import Setup, Workload, get_workload

Edge = tuple[State, int, str, str]  # concrete parent, thread position, function, label
Seen = dict[Hashable, tuple[State, Edge | None, int]]  # key → (concrete state, how reached, depth)

StepResult = Executed | Wait | Literal[False] | None  # False: not run yet; None: done

DEFAULT_MAX_STATES = 2_000_000


@dataclass(frozen=True)
class Finding:
    """An invariant broken, and the shortest trace that reaches it."""

    invariant: str
    message: str
    trace: list[TraceStep]

    def as_json(self) -> dict[str, Any]:
        return {
            "invariant": self.invariant,
            "message": self.message,
            "trace": [step.as_json() for step in self.trace],
        }


@dataclass
class Exploration:
    """Everything one search saw."""

    states: int = 0
    distinct_states: int = 0
    seconds: float = 0.0
    complete: bool = True
    findings: dict[str, Finding] = field(default_factory=dict)
    final_vms: list[VM] = field(default_factory=list)  # the VM of every state where all finished
    events: set[tuple[str, str]] = field(default_factory=set)  # (kind, detail) seen anywhere


@dataclass(frozen=True)
class CheckResult:
    """The verdict of `check`: held (exhaustively), violated (with a trace), or incomplete."""

    workload: str
    policy: str
    params: dict[str, int]
    verdict: str  # held | violated | incomplete
    invariant: str | None
    message: str
    states: int
    distinct_states: int
    seconds: float
    trace: list[TraceStep]

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds else float(self.states)

    def as_json(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "policy": self.policy,
            "params": self.params,
            "verdict": self.verdict,
            "invariant": self.invariant,
            "message": self.message,
            "states": self.states,
            "distinct_states": self.distinct_states,
            "seconds": round(self.seconds, 6),
            "trace": [step.as_json() for step in self.trace],
        }


class Steps:
    """run_step, memoized: a step's outcome is a function of the VM and the thread alone, and
    the same pair comes back often (a step that leaves the VM as it was lets every other thread
    run its step on that VM again; equal VMs recur along different interleavings).

    The VMs and threads that steps produce are interned (one object per value), so the memo
    and the reducer's memos can go by object identity.
    """

    def __init__(self, contexts: list[Context], vm: VM, threads: tuple[ThreadState, ...]) -> None:
        self._contexts = contexts
        self._vms: dict[VM, VM] = {vm: vm}
        self._threads: dict[ThreadState, ThreadState] = {t: t for t in threads}
        # (id(vm), id(thread)) → (vm, thread, outcome); the pair kept so its ids stay theirs
        self._outcomes: dict[tuple[int, int], tuple[VM, ThreadState, Executed | Wait | None]] = {}

    def run(self, position: int, vm: VM, thread: ThreadState) -> Executed | Wait | None:
        """The outcome of the next step of `thread`, the thread at `position`, in `vm`."""
        known = self._outcomes.get((id(vm), id(thread)))
        if known is not None:
            return known[2]
        if len(self._outcomes) >= STEP_MEMO_LIMIT:
            self._outcomes.clear()
        outcome = run_step(self._contexts[position], vm, thread, OPERATIONS)
        if type(outcome) is Executed:
            after_vm = self._vms.setdefault(outcome.vm, outcome.vm)
            after = self._threads.setdefault(outcome.thread, outcome.thread)
            if after_vm is not outcome.vm or after is not outcome.thread:
                outcome = Executed(after_vm, after, outcome.label, outcome.function)
        self._outcomes[(id(vm), id(thread))] = (vm, thread, outcome)
        return outcome


STEP_MEMO_LIMIT = 1 << 18
"""Outcomes `Steps` keeps before it starts again."""


def _itself(state: State) -> Hashable:
    """A full search's key: the state itself."""
    return state


def _wait_cycle(vm: VM, threads: tuple[ThreadState, ...], waits: dict[str, int]) -> str | None:
    """A cycle in the wait-for graph of page locks, described, or None."""
    for start in waits:
        seen = [start]
        current = start
        while current in waits:
            holder = vm.pages[waits[current]].locked_by
            if holder is None:
                break
            if holder in seen:
                cycle = seen[seen.index(holder) :]
                return " → ".join(
                    f"{name} waits on page {waits[name]} held by {vm.pages[waits[name]].locked_by}"
                    for name in cycle
                )
            seen.append(holder)
            current = holder
    return None


def _trace(seen: Seen, key_of: Callable[[State], Hashable], key: Hashable) -> list[TraceStep]:
    """Walk back from a kept state to the initial one; every edge is a real step."""
    steps: list[TraceStep] = []
    state, edge, _ = seen[key]
    while edge is not None:
        parent, position, function, label = edge
        before, after = parent[1][position], state[1][position]
        changes = step_changes(parent[0], state[0], before, after)
        steps.append(TraceStep(after.name, function, label, changes, parent, state))
        state, edge, _ = seen[key_of(parent)]
    steps.reverse()
    return steps


P = ParamSpec("P")
R = TypeVar("R")


def _without_cycle_collector(search: Callable[P, R]) -> Callable[P, R]:
    """Run a search with Python's cycle collector paused.

    States are acyclic values, freed by reference counting alone; the collector would only
    rescan the growing visited set again and again (about 40 % of a search's time).
    """

    @functools.wraps(search)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return search(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return paused


def mmap_sem_contended(threads: tuple[ThreadState, ...]) -> frozenset[str]:
    """Processes with two or more threads, one of which may take mmap_sem for writing: there,
    faults count as readers (Context.mmap_sem)."""
    by_process: dict[str, list[ThreadState]] = {}
    for thread in threads:
        by_process.setdefault(thread.process, []).append(thread)
    return frozenset(
        process
        for process, mine in by_process.items()
        if len(mine) > 1 and any(op in MMAP_SEM_WRITERS for t in mine for op, _ in t.program)
    )


@_without_cycle_collector
def explore(
    setup: Setup,
    policy: str,
    *,
    stop_at_first: bool = True,
    max_states: int = DEFAULT_MAX_STATES,
    symmetry: bool = False,
    reduction: bool = False,
    policy_params: Mapping[str, int] | None = None,
) -> Exploration:
    """Run every interleaving of the setup's threads under the policy.

    With `symmetry`, states that differ only by renaming interchangeable threads count once
    (with or without `reduction`). With `reduction`, a state whose thread can take an
    independent, invisible step expands that step alone, and states differing only in what no
    step reads count once (kb/vm/reduction.py): the same verdicts and deadlocks, fewer states;
    traces are then shortest among the reduced graph's paths. Replay explores fully, because it
    also collects every event and final cost. Only the setup's invariants are reported.
    """
    semantics = resolve(policy, **(policy_params or {}))
    wanted = setup.invariants
    processes = {t.process for t in setup.threads}
    groups = interchangeable_groups(setup.threads) if symmetry else []
    reducer = (
        Reducer(
            OPERATIONS,
            semantics,
            watch_rest=setup.vm.inode.accounts_dirty,
            groups=groups,
            threads=setup.threads,
        )
        if reduction
        else None
    )

    key_of: Callable[[State], Hashable]
    if reducer is not None:
        key_of = reducer.key
    elif groups:
        key_of = functools.partial(canonical, groups=groups)
    else:
        key_of = _itself

    started = time.perf_counter()
    result = Exploration()
    initial: State = (setup.vm, setup.threads)
    initial_key = key_of(initial)
    seen: Seen = {initial_key: (initial, None, 0)}
    queue: deque[tuple[State, Hashable, int]] = deque([(initial, initial_key, 0)])

    def record(key: Hashable, violations: Iterable[Violation]) -> bool:
        for violation in violations:
            if wanted is not None and violation.invariant not in wanted:
                continue
            if violation.invariant not in result.findings:
                trace = _trace(seen, key_of, key)
                result.findings[violation.invariant] = Finding(
                    violation.invariant, violation.message, trace
                )
        return stop_at_first and bool(result.findings)

    # The checks are a function of the VM and of whether the threads are at rest or finished;
    # equal VMs are one object (Steps interns them), so their verdicts are memoized by id.
    checked: dict[tuple[int, bool, bool], tuple[VM, list[Violation]]] = {}

    def examine(vm: VM, threads: tuple[ThreadState, ...]) -> list[Violation]:
        at_rest = not any([t.stack for t in threads])
        finished = at_rest and all([t.pc >= len(t.program) for t in threads])
        memo = (id(vm), at_rest, finished)
        known = checked.get(memo)
        if known is None:
            if len(checked) >= STEP_MEMO_LIMIT:
                checked.clear()
            found = check_state(
                vm, at_rest=at_rest, finished=finished, needs=setup.needs, processes=processes
            )
            known = checked[memo] = (vm, found)
        return known[1]

    contended = mmap_sem_contended(setup.threads)
    contexts = [
        Context(semantics, t.name, t.process, t.process in contended) for t in setup.threads
    ]
    steps = Steps(contexts, setup.vm, setup.threads)
    result.events.update((e.kind, e.detail) for e in setup.vm.events)
    stop = record(initial_key, examine(*initial))
    transitions = 1  # generated states, the initial one included
    while queue and not stop:
        state, state_key, depth = queue.popleft()
        vm, threads = state
        level = depth + 1
        outcomes: list[StepResult] = [False] * len(threads)
        chosen = range(len(threads))
        single_key: Hashable = None  # the key of the single step's successor, if one is chosen
        if reducer is not None:
            single = _persistent_step(reducer, state, outcomes, steps, key_of, seen, level)
            if single is not None:
                position, single_key = single
                chosen = range(position, position + 1)
        waits: dict[str, int] = {}
        moved = False
        for position in chosen:
            outcome = outcomes[position]
            if outcome is False:
                outcome = steps.run(position, vm, threads[position])
            if outcome is None:
                continue
            if isinstance(outcome, Wait):
                if outcome.pfn is not None:
                    waits[threads[position].name] = outcome.pfn
                continue
            moved = True
            after = outcome.thread
            successor_threads = (*threads[:position], after, *threads[position + 1 :])
            successor: State = (outcome.vm, successor_threads)
            transitions += 1
            key = key_of(successor) if single_key is None else single_key
            if key in seen:
                continue
            seen[key] = (successor, (state, position, outcome.function, outcome.label), level)
            finished = after.done and all(t.done for t in successor_threads)
            if finished:
                result.final_vms.append(outcome.vm)
            if outcome.vm.events is not vm.events:
                result.events.update((e.kind, e.detail) for e in outcome.vm.events)
            unchanged = (
                outcome.vm is vm and not finished and after.at_rest == threads[position].at_rest
            )
            # A step that changed neither the VM nor what the checks depend on breaks nothing new.
            if not unchanged:
                violations = examine(outcome.vm, successor_threads)
                if violations and record(key, violations):
                    stop = True
                    break
            queue.append((successor, key, level))
        if stop:
            break
        if len(chosen) == len(threads):
            cycle = _wait_cycle(vm, threads, waits)
            if cycle is None and not moved and not all(t.done for t in threads):
                cycle = "no thread can move: " + ", ".join(
                    f"{name} waits on page {pfn}" for name, pfn in waits.items()
                )
            if cycle is not None:
                stop = record(state_key, [Violation("INV6", cycle)])
        if len(seen) >= max_states:
            result.complete = False
            break
    result.states = transitions
    result.distinct_states = len(seen)
    result.seconds = time.perf_counter() - started
    return result


def _persistent_step(
    reducer: Reducer,
    state: State,
    outcomes: list[StepResult],
    steps: Steps,
    key_of: Callable[[State], Hashable],
    seen: Seen,
    level: int,
) -> tuple[int, Hashable] | None:
    """A thread whose next step may be expanded alone, with its successor's key, or None
    (expand every thread).

    The step must be enabled, independent of everything the other threads may still do (so it
    stays enabled and commutes with them: a persistent set), invisible to the invariants, and
    must not lead back to a state seen at this depth or before (no step postponed around a cycle).
    """
    vm, threads = state
    others = reducer.others(threads)
    for position, thread in enumerate(threads):
        if thread.done:
            continue
        other = others[position]
        if reducer.next_step(thread, vm).reads & (other.writes | other.adds):
            continue  # what it reads may change, and with it the path it takes
        outcome = outcomes[position] = steps.run(position, vm, thread)
        if type(outcome) is not Executed:
            continue
        if reducer.taken(thread, outcome.thread, vm).conflicts(other):
            continue
        if reducer.visible(vm, outcome.vm, thread, outcome.thread):
            continue
        successor = (outcome.vm, (*threads[:position], outcome.thread, *threads[position + 1 :]))
        key = key_of(successor)
        kept = seen.get(key)
        if kept is not None and kept[2] < level:
            continue
        return position, key
    return None


def split_params(
    workload: Workload, policy: str, params: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    """`-p` values: those of the workload and those of the policy; ValueError for the others."""
    of_policy = policy_parameters(policy)
    mine = {k: v for k, v in params.items() if k in workload.defaults}
    theirs = {k: v for k, v in params.items() if k in of_policy and k not in workload.defaults}
    unknown = sorted(set(params) - set(mine) - set(theirs))
    if unknown:
        known = ", ".join([*workload.defaults, *of_policy]) or "none"
        raise ValueError(
            f"{workload.name} under {policy}: unknown parameter {unknown[0]!r} ({known})"
        )
    return mine, theirs


def check(
    workload: str | Workload,
    policy: str | None = None,
    *,
    max_states: int | None = None,
    symmetry: bool = False,
    reduction: bool = True,
    **params: int,
) -> CheckResult:
    """Explore `workload` under `policy` until the first violation, or prove none in its bounds.

    `params` are the workload's and the policy's (`cap=32`). A scenario's own policy and bound
    apply when none is given (else STATUS_QUO and DEFAULT_MAX_STATES). `reduction` (partial-order
    reduction, on by default) keeps the verdict; its traces are the shortest of the reduced
    graph, not necessarily of the full one (`reduction=False`).
    """
    spec = workload if isinstance(workload, Workload) else get_workload(workload)
    policy = policy or spec.policy or "STATUS_QUO"
    given = {**(spec.policy_params if policy == spec.policy else {}), **params}
    mine, theirs = split_params(spec, policy, given)
    setup = spec.setup(**mine)
    found = explore(
        setup,
        policy,
        stop_at_first=True,
        max_states=max_states or spec.max_states or DEFAULT_MAX_STATES,
        symmetry=symmetry,
        reduction=reduction,
        policy_params=theirs,
    )
    all_params = {**spec.defaults, **policy_parameters(policy), **mine, **theirs}
    if found.findings:
        finding = next(iter(found.findings.values()))
        return CheckResult(
            spec.name,
            policy,
            all_params,
            "violated",
            finding.invariant,
            finding.message,
            found.states,
            found.distinct_states,
            found.seconds,
            finding.trace,
        )
    verdict = "held" if found.complete else "incomplete"
    message = (
        f"no invariant broken in any of {found.distinct_states} reachable states"
        if found.complete
        else f"stopped after {found.distinct_states} states without a violation"
    )
    return CheckResult(
        spec.name,
        policy,
        all_params,
        verdict,
        None,
        message,
        found.states,
        found.distinct_states,
        found.seconds,
        [],
    )


__all__ = ["CheckResult", "Exploration", "Finding", "check", "explore"]
