"""Traces: one step per transition, naming thread, kernel function and label, with a state diff."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from threadlore.kb.vm.machine import State, ThreadState
from threadlore.kb.vm.state import VM

Change = tuple[str, Any, Any]
"""(path, before, after), e.g. ("pages[1].mapping", "file", None)."""


@dataclass(frozen=True)
class TraceStep:
    """One step of a trace: who ran what, and what it changed.

    `before` and `after` are the whole states around the step (for a picture of the state);
    they are left out of comparisons and of the JSON, whose `changes` say what differs.
    """

    thread: str
    operation: str
    label: str
    changes: list[Change]
    before: State | None = field(default=None, compare=False, repr=False)
    after: State | None = field(default=None, compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "thread": self.thread,
            "operation": self.operation,
            "label": self.label,
            "changes": [{"path": p, "before": b, "after": a} for p, b, a in self.changes],
        }


def plain(value: Any) -> Any:
    """A JSON-able rendering of a state value (dataclasses become dicts, tuples lists)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value) if f.compare}
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    return value


def _label(value: Any, position: int) -> str:
    key = getattr(value, "vid", None)
    if key is None:
        key = getattr(value, "pfn", None) if hasattr(value, "index") else None
    return f"[{position if key is None else key}]"


def _compared(record_type: type) -> tuple[str, ...] | None:
    """The names of a record type's compared fields (caches such as VM._hash left out), or None
    for a type that is not a dataclass."""
    known = _COMPARED.get(record_type)
    if known is None and record_type not in _COMPARED:
        if is_dataclass(record_type):
            known = tuple(f.name for f in fields(record_type) if f.compare)
        _COMPARED[record_type] = known
    return known


_COMPARED: dict[type, tuple[str, ...] | None] = {}


def diff(before: Any, after: Any, path: str = "") -> list[Change]:
    """Every leaf that differs between two states, by path (states share their unchanged
    parts, so most comparisons end on identity)."""
    if before is after or before == after:
        return []
    names = _compared(type(before)) if type(before) is type(after) else None
    if names is not None:
        changes: list[Change] = []
        for name in names:
            sub = f"{path}.{name}" if path else name
            changes.extend(diff(getattr(before, name), getattr(after, name), sub))
        return changes
    if isinstance(before, tuple) and isinstance(after, tuple) and _is_record_tuple(before, after):
        changes = []
        for position in range(max(len(before), len(after))):
            old = before[position] if position < len(before) else None
            new = after[position] if position < len(after) else None
            ref = new if new is not None else old
            changes.extend(diff(old, new, f"{path}{_label(ref, position)}"))
        return changes
    return [(path, plain(before), plain(after))]


def _is_record_tuple(before: tuple[Any, ...], after: tuple[Any, ...]) -> bool:
    """Tuples of records (pages, vmas, ptes) diff item by item; others (cache, disk) whole."""
    items = before + after
    return bool(items) and all(is_dataclass(item) for item in items)


def step_changes(
    vm_before: VM, vm_after: VM, thread_before: ThreadState, thread_after: ThreadState
) -> list[Change]:
    """The shared-state diff, plus the acting thread's local variables that changed."""
    changes = diff(vm_before, vm_after)
    old = dict(thread_before.stack[-1].regs) if thread_before.stack else {}
    new = dict(thread_after.stack[-1].regs) if thread_after.stack else {}
    same_frame = (
        thread_before.stack
        and thread_after.stack
        and thread_before.stack[-1].op == thread_after.stack[-1].op
        and len(thread_before.stack) == len(thread_after.stack)
    )
    if same_frame:
        for key in sorted(new):
            if key not in ("before",) and old.get(key) != new[key]:
                changes.append((f"{thread_after.name}.{key}", plain(old.get(key)), plain(new[key])))
    return changes


@dataclass(frozen=True)
class StepRun:
    """Consecutive steps of a trace by one thread at one operation and label: one row, "×64"."""

    first: int  # index of its first step in the trace
    steps: tuple[TraceStep, ...]

    @property
    def last(self) -> int:
        return self.first + len(self.steps) - 1

    @property
    def step(self) -> TraceStep:
        """The run's last step (its state is the run's outcome)."""
        return self.steps[-1]


def collapse(trace: list[TraceStep]) -> list[StepRun]:
    """The trace with repeated steps (same thread, operation and label in a row) grouped."""
    runs: list[StepRun] = []
    for index, step in enumerate(trace):
        if runs and _same(runs[-1].step, step):
            runs[-1] = StepRun(runs[-1].first, (*runs[-1].steps, step))
        else:
            runs.append(StepRun(index, (step,)))
    return runs


def _same(one: TraceStep, other: TraceStep) -> bool:
    return (one.thread, one.operation, one.label) == (other.thread, other.operation, other.label)
