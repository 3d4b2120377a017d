"""The workloads of VM-MODEL.md §5: what a program does, never what happens to it.

Each workload is a scenario file in kb/vm/scenarios/ (the format: kb/vm/scenario.py and
kb/vm/README.md), loaded on first use; this module holds what a built scenario is (`Setup`), what a
named family of them is (`Workload`), and the building blocks a scenario's state is made of.
The policy and the explorer decide what happens. Sizes are parameters a user can raise. W2's 64K
vma limit is scaled down (max_map_count 64, 65 runs) so that it runs in milliseconds; the ratio,
runs > max_map_count, is what matters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from threadlore.kb.vm.machine import ThreadState
from threadlore.kb.vm.ops_mmap import mmap_region
from threadlore.kb.vm.primitives import page_cache_read
from threadlore.kb.vm.state import VM, Inode, Process, Pte, evolve

Params = Mapping[str, int]

NEEDS = ("no_refusal", "swappable")
"""What a workload may need (INV8): no remap_file_pages refused; no vma of it mlocked."""

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


@dataclass(frozen=True)
class Setup:
    """What a workload starts from: the state, the threads, what it needs (INV8), and the
    invariants to check (None: all)."""

    vm: VM
    threads: tuple[ThreadState, ...]
    needs: tuple[str, ...] = ()
    invariants: frozenset[str] | None = None


@dataclass(frozen=True)
class Workload:
    """A named workload: how to build it from parameters, and which parameter is its size.

    A scenario file may also say which policy (and its parameters) and which bound on states
    it is meant to run with; `source` is the file it came from.
    """

    name: str
    title: str
    kind: str  # "simulation" (one thread) | "race" (threads interleaved)
    description: str
    build: Callable[[Params], Setup]
    defaults: Mapping[str, int] = field(default_factory=dict)
    size_param: str | None = None
    source: str | None = None
    policy: str | None = None
    policy_params: Mapping[str, int] = field(default_factory=dict)
    max_states: int | None = None

    def setup(self, **params: int) -> Setup:
        unknown = set(params) - set(self.defaults)
        if unknown:
            known = ", ".join(sorted(self.defaults)) or "none"
            raise ValueError(f"{self.name}: unknown parameter {sorted(unknown)[0]!r} ({known})")
        return self.build({**self.defaults, **params})

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "kind": self.kind,
            "description": self.description,
            "parameters": dict(self.defaults),
            "size_parameter": self.size_param,
            "source": self.source,
        }


# -- building blocks -----------------------------------------------------------------------------


def file_state(device: str, pages: int, cached: range | list[int] | tuple[int, ...] = ()) -> VM:
    """A file of `pages` pages on `device`, the given indices already in the page cache."""
    inode = Inode("file", device, i_size=pages, disk=(0,) * pages, written=(0,) * pages)
    vm = VM(inode=inode)
    for index in cached:
        vm, _ = page_cache_read(vm, index)
    return evolve(vm, metrics=evolve(vm.metrics, io=0))


def with_process(vm: VM, process: Process) -> VM:
    return evolve(vm, processes=(*vm.processes, process))


def mapped(vm: VM, process: str, start: int, length: int, pgoff: int, prot: str) -> VM:
    result = mmap_region(vm, process, start, length, pgoff, prot)
    if result is None:
        raise ValueError(f"initial mmap of {length} pages exceeds max_map_count")
    return result


def nonlinear(vm: VM, vid: int, pgoffs: list[int]) -> VM:
    """The vma already remapped: VM_NONLINEAR with a file pte per slot."""
    vm = vm.with_vma(vid, nonlinear=True)
    return vm.with_vma(vid, ptes=tuple(Pte("file", pgoff=p) for p in pgoffs))


# -- the shipped workloads -----------------------------------------------------------------------


def _natural(name: str) -> list[object]:
    """W2 < W2-mlocked < W10: digits compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


class _Shipped(Mapping[str, Workload]):
    """The scenario files of kb/vm/scenarios/, read on first use, by workload name."""

    def __init__(self) -> None:
        self._loaded: dict[str, Workload] | None = None

    def _all(self) -> dict[str, Workload]:
        if self._loaded is None:
            from threadlore.kb.vm.scenario import SUFFIX, load_scenario  # it builds Workloads

            found = [w for path in SCENARIOS.glob(f"*{SUFFIX}") for w in load_scenario(path)]
            self._loaded = {w.name: w for w in sorted(found, key=lambda w: _natural(w.name))}
        return self._loaded

    def __getitem__(self, name: str) -> Workload:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


WORKLOADS: Mapping[str, Workload] = _Shipped()


def get_workload(name: str) -> Workload:
    """The workload by name (case-insensitive); KeyError with the known names."""
    for key, workload in WORKLOADS.items():
        if key.lower() == name.lower():
            return workload
    raise KeyError(f"unknown workload {name!r} (one of {', '.join(WORKLOADS)})")
