"""Threads as explicit programs over atomic steps: frames, step outcomes, and one step's execution.

A thread runs a fixed program (a list of operation calls). Each operation is a table of steps keyed
by name; a step is one spinlock critical section or one unlocked access (VM-MODEL.md §2). Running a
step returns the new shared state and where the thread goes next, or says the step is not enabled
(the thread sleeps on a page lock). Everything here is immutable, so (VM, threads) is a state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from threadlore.kb.vm.state import VM

if TYPE_CHECKING:
    from threadlore.kb.vm.policies import Semantics

Regs = tuple[tuple[str, Any], ...]
"""A frame's local variables, as sorted (name, value) pairs so they hash."""


def regs(**values: Any) -> Regs:
    return tuple(sorted(values.items()))


def reg(frame_regs: Regs, name: str, default: Any = None) -> Any:
    for key, value in frame_regs:
        if key == name:
            return value
    return default


def set_regs(frame_regs: Regs, **values: Any) -> Regs:
    merged = dict(frame_regs)
    merged.update(values)
    return tuple(sorted(merged.items()))


class Frame(NamedTuple):
    """One activation of an operation: which step runs next, and the locals.

    A NamedTuple rather than a frozen dataclass: one is built on every step.
    """

    op: str
    step: str
    regs: Regs

    def get(self, name: str, default: Any = None) -> Any:
        return reg(self.regs, name, default)


@dataclass(frozen=True, slots=True)
class ThreadState:
    """A thread: its program, how far it got, and its call stack (top last)."""

    name: str
    process: str
    program: tuple[tuple[str, Regs], ...]
    pc: int = 0
    stack: tuple[Frame, ...] = ()
    _hash: int = field(default=0, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        if not self._hash:
            value = hash((self.name, self.process, self.program, self.pc, self.stack))
            object.__setattr__(self, "_hash", value or 1)
        return self._hash

    @property
    def done(self) -> bool:
        return not self.stack and self.pc >= len(self.program)

    @property
    def at_rest(self) -> bool:
        """Between system calls: no operation in progress."""
        return not self.stack


State = tuple[VM, tuple[ThreadState, ...]]
"""A whole machine state: the shared VM and every thread."""


@dataclass(frozen=True, slots=True)
class Go:
    """The step ran: continue at `step` (None returns from the operation)."""

    vm: VM
    step: str | None
    regs: Regs


@dataclass(frozen=True, slots=True)
class Call:
    """The step ran and calls `op` with `args`; the caller resumes at `then` (None: tail call)."""

    vm: VM
    op: str
    args: Regs
    then: str | None
    regs: Regs


@dataclass(frozen=True, slots=True)
class Wait:
    """Not enabled: the thread sleeps until page `pfn` is unlocked (None: spins on a seqcount)."""

    pfn: int | None


Outcome = Go | Call | Wait


@dataclass(frozen=True, slots=True)
class Context:
    """What a step may read besides the state: the policy's semantics and who is running.

    `mmap_sem`: another thread of this process may take mmap_sem for writing (munmap, mprotect,
    mlock, remap_file_pages), so this thread's faults count as readers (Process.mmap_readers)
    and its writers wait for none; a search without such a pair leaves mmap_sem out.
    """

    semantics: Semantics
    thread: str
    process: str
    mmap_sem: bool = False


StepFn = Callable[[Context, VM, Frame], Outcome]


@dataclass(frozen=True, slots=True)
class StepDef:
    """A step of an operation: its VM-MODEL.md label (F1, S2, T3 …) and the kernel function.

    `dead`: registers dead on entry to the step (every path from it writes them before reading
    them, or returns, which passes on only `ret`). A frame entering the step drops them, as
    spin resets dead local variables, so that states differing only in stale values are one.
    """

    label: str
    function: str
    run: StepFn
    dead: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation as a table of steps; execution starts at `entry`."""

    name: str
    entry: str
    steps: Mapping[str, StepDef]


@dataclass(frozen=True, slots=True)
class Executed:
    """One transition: the new state and the step that made it (for the trace)."""

    vm: VM
    thread: ThreadState
    label: str
    function: str


def next_frame(thread: ThreadState, operations: Mapping[str, Operation]) -> Frame | None:
    """The frame whose step runs next (starting the next program call if idle)."""
    if thread.stack:
        return thread.stack[-1]
    if thread.pc >= len(thread.program):
        return None
    op_name, args = thread.program[thread.pc]
    return Frame(op_name, operations[op_name].entry, args)


def run_step(
    ctx: Context, vm: VM, thread: ThreadState, operations: Mapping[str, Operation]
) -> Executed | Wait | None:
    """Run `thread`'s next step; None when the thread is done, Wait when it is blocked."""
    stack, pc = thread.stack, thread.pc
    if stack:
        frame = stack[-1]
        operation = operations[frame.op]
    elif pc < len(thread.program):
        op_name, args = thread.program[pc]
        operation = operations[op_name]
        frame = _enter(operation, operation.entry, args)
        stack, pc = (frame,), pc + 1
    else:
        return None
    step = operation.steps[frame.step]
    outcome = step.run(ctx, vm, frame)
    if isinstance(outcome, Wait):
        return outcome
    if isinstance(outcome, Call):
        callee_operation = operations[outcome.op]
        callee = _enter(callee_operation, callee_operation.entry, outcome.args)
        if outcome.then is None:
            stack = (*stack[:-1], callee)
        else:
            stack = (*stack[:-1], _enter(operation, outcome.then, outcome.regs), callee)
    elif outcome.step is None:
        stack = _return(stack[:-1], outcome.regs)
    else:
        stack = (*stack[:-1], _enter(operation, outcome.step, outcome.regs))
    new_thread = ThreadState(thread.name, thread.process, thread.program, pc, stack)
    return Executed(outcome.vm, new_thread, step.label, step.function)


def _enter(operation: Operation, step: str, frame_regs: Regs) -> Frame:
    """The frame about to run `step`, without the registers dead there."""
    dead = operation.steps[step].dead
    if dead:
        frame_regs = tuple(item for item in frame_regs if item[0] not in dead)
    return Frame(operation.name, step, frame_regs)


def _return(stack: tuple[Frame, ...], callee_regs: Regs) -> tuple[Frame, ...]:
    """Pop a frame: the caller receives the callee's `ret` register, if it set one."""
    if not stack:
        return stack
    caller = stack[-1]
    result = reg(callee_regs, "ret")
    return (*stack[:-1], Frame(caller.op, caller.step, set_regs(caller.regs, ret=result)))
