"""Every operation of the model by name, gathered from the ops_* modules, and a legend of the
step labels a trace shows (each with its kernel function and what the step does)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from threadlore.kb.vm import (
    ops_fault,
    ops_mmap,
    ops_reclaim,
    ops_truncate,
    ops_write,
    ops_writeback,
)
from threadlore.kb.vm.machine import Operation

OPERATIONS: Mapping[str, Operation] = MappingProxyType(
    {
        op.name: op
        for module in (ops_fault, ops_truncate, ops_writeback, ops_mmap, ops_reclaim, ops_write)
        for op in module.OPERATIONS
    }
)


@dataclass(frozen=True)
class LegendEntry:
    """A step label as a trace shows it: the label, the kernel function, what the step does."""

    label: str
    function: str
    summary: str

    def as_json(self) -> dict[str, str]:
        return {"label": self.label, "function": self.function, "summary": self.summary}


SUMMARY_LENGTH = 160


def _summary(doc: str | None) -> str:
    """The first paragraph of a step's docstring, without its "F3: " label, shortened."""
    paragraph = (doc or "").strip().split("\n\n")[0]
    text = re.sub(r"\s+", " ", paragraph)
    text = re.sub(r"^[A-Z]+\d*(\.\w+)?(/[A-Z]+\d*)*(\s*\([^)]*\))?:\s*", "", text)
    if len(text) > SUMMARY_LENGTH:
        text = text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return text


def _entries() -> dict[tuple[str, str], LegendEntry]:
    found: dict[tuple[str, str], LegendEntry] = {}
    for operation in OPERATIONS.values():
        for step in operation.steps.values():
            key = (step.function, step.label)
            found.setdefault(
                key, LegendEntry(step.label, step.function, _summary(step.run.__doc__))
            )
    return found


_LEGEND = _entries()


def legend(steps: Iterable[tuple[str, str]]) -> list[LegendEntry]:
    """The legend of (function, label) pairs, in the order first seen, each once."""
    seen: dict[tuple[str, str], LegendEntry] = {}
    for key in steps:
        if key not in seen and key in _LEGEND:
            seen[key] = _LEGEND[key]
    return list(seen.values())
