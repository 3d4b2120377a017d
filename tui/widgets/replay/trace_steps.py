"""A model trace as text: one row per step (repeats collapsed, "×64"), the legend of the step
labels with their kernel functions, and each change of a step coloured by its area."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

from threadlore.kb.vm.operations import LegendEntry, legend
from threadlore.kb.vm.trace import Change, StepRun, TraceStep
from threadlore.tui.text import inert_line

PAGE_FLAGS = frozenset({"locked_by", "uptodate", "dirty", "writeback", "truncated"})
AREA_STYLES = {
    "page flags": "bold cyan",
    "page cache": "bold blue",
    "ptes": "bold magenta",
    "vmas": "bold yellow",
    "processes": "bold",
    "events": "dim",
    "other": "",
}
_PAGE_FIELD = re.compile(r"^pages\[\d+\]\.(\w+)")


def change_area(path: str) -> str:
    """Which part of the VM state a change path is in, as VM-MODEL.md names them."""
    page_field = _PAGE_FIELD.match(path)
    if page_field:
        return "page flags" if page_field.group(1) in PAGE_FLAGS else "page cache"
    if path.startswith(("pages", "inode")):
        return "page cache"
    if path.startswith("vmas"):
        return "ptes" if ".ptes" in path else "vmas"
    for area in ("processes", "events"):
        if path.startswith(area):
            return area
    return "other"


def shown_value(value: Any) -> str:
    """A value as the trace shows it: None as `—`, dicts as `key=value` pairs."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return " ".join(f"{k}={shown_value(v)}" for k, v in value.items())
    return str(value)


def step_title(index: int, step: TraceStep) -> Text:
    """`3. uml  sys_remap_file_pages  R1` for a step list."""
    return run_title(StepRun(index, (step,)))


def run_title(run: StepRun) -> Text:
    """A row of the step list: `3. uml  sys_remap_file_pages  R1`, or `5–68. … R1 ×64`."""
    step = run.step
    number = f"{run.first + 1}" if len(run.steps) == 1 else f"{run.first + 1}–{run.last + 1}"
    text = Text(f"{number:>3}. ", style="dim")
    text.append_text(inert_line(step.thread, style="bold"))
    text.append("  ")
    text.append_text(inert_line(step.operation))
    text.append_text(inert_line(f"  {step.label}", style="dim"))
    if len(run.steps) > 1:
        text.append(f" ×{len(run.steps)}", style="bold yellow")
    return text


def legend_text(entries: list[LegendEntry]) -> Text:
    """The labels a trace uses: `F3 filemap_nopage — find_get_page … no page lock.`"""
    text = Text("steps", style="bold")
    for entry in entries:
        text.append(f"\n{entry.label:<4} ", style="bold cyan")
        text.append(entry.function, style="bold")
        text.append(f" — {entry.summary}", style="dim")
    return text


def trace_legend(steps: list[TraceStep]) -> Text:
    return legend_text(legend((step.operation, step.label) for step in steps))


def change_line(change: Change) -> Text:
    """One change: its area badge, the path, and before → after."""
    path, before, after = change
    area = change_area(path)
    text = Text(f"{area:<10} ", style=AREA_STYLES[area])
    text.append_text(inert_line(path, style="bold"))
    text.append("  ")
    text.append_text(inert_line(shown_value(before), style="red"))
    text.append(" → ")
    text.append_text(inert_line(shown_value(after), style="green"))
    return text


def step_heading(index: int, total: int, step: TraceStep, repeats: int = 1) -> Text:
    """Who ran which kernel function at this step, and what that step does."""
    again = f" (the last of {repeats} alike)" if repeats > 1 else ""
    text = Text(f"step {index + 1} of {total}{again}: ", style="dim")
    text.append_text(inert_line(step.thread, style="bold"))
    text.append(" runs ")
    text.append_text(inert_line(step.operation, style="bold"))
    text.append_text(inert_line(f" ({step.label})", style="dim"))
    for entry in legend([(step.operation, step.label)]):
        text.append(f" — {entry.summary}", style="italic")
    return text


def step_changes(step: TraceStep) -> Text:
    """The areas a step touched, then each change."""
    areas = sorted({change_area(path) for path, _, _ in step.changes})
    text = Text("changed: ")
    for position, area in enumerate(areas):
        text.append(", " if position else "")
        text.append(area, style=AREA_STYLES[area])
    if not step.changes:
        text.append("nothing", style="dim")
    for change in step.changes:
        text.append("\n")
        text.append_text(change_line(change))
    return text


def step_text(index: int, total: int, step: TraceStep, repeats: int = 1) -> Text:
    """The whole of one step: its heading, then what it changed."""
    text = step_heading(index, total, step, repeats)
    text.append("\n")
    text.append_text(step_changes(step))
    return text
