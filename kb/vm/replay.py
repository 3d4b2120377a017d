"""Replay: a policy on every workload, one computed outcome each; and cost growth with size.

A fixed sequence (W1–W4) has one thread, so exploring it *is* simulating it; a race (W5–W7) is
explored exhaustively. Nothing here knows what a policy should do to a workload: the outcome is
whatever the run produced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from threadlore.kb.vm.explorer import Exploration, Finding, explore, split_params
from threadlore.kb.vm.invariants import INVARIANTS
from threadlore.kb.vm.policies import policy_parameters
from threadlore.kb.vm.state import Metrics
from threadlore.kb.vm.trace import TraceStep
from threadlore.kb.vm.workloads import WORKLOADS, Workload, get_workload

COSTS = (
    "io",
    "redundant_io",
    "double_io",
    "reclaim_work",
    "mkclean_work",
    "msync_work",
    "unmap_work",
    "vmas_used",
    "rmap_nodes",
)


@dataclass(frozen=True)
class Outcome:
    """What one workload did under one policy."""

    workload: str
    policy: str
    kind: str
    title: str
    result: str  # allowed | refused | emulated
    errno: str | None
    invariants: dict[str, bool]  # True: held
    costs: dict[str, int]
    findings: dict[str, Finding] = field(default_factory=dict)
    states: int = 0

    @property
    def trace(self) -> list[TraceStep]:
        """The trace of the first broken invariant (in INV order), or []."""
        for name, held in self.invariants.items():
            if not held:
                return self.findings[name].trace
        return []

    @property
    def broken(self) -> list[str]:
        """The invariants broken, in INV order."""
        return [name for name, held in self.invariants.items() if not held]

    def as_json(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "title": self.title,
            "policy": self.policy,
            "kind": self.kind,
            "result": self.result,
            "errno": self.errno,
            "invariants": self.invariants,
            "costs": self.costs,
            "findings": {
                name: {"message": f.message, "trace": [step.as_json() for step in f.trace]}
                for name, f in self.findings.items()
            },
            "trace": [step.as_json() for step in self.trace],
            "states": self.states,
        }


def _costs(metrics: list[Metrics]) -> dict[str, int]:
    """The largest of each cost over the runs that finished (every run, for a race)."""
    costs = dict.fromkeys(COSTS, 0)
    for m in metrics:
        values = {
            "io": m.io,
            "redundant_io": m.redundant_io,
            "double_io": m.double_io,
            "reclaim_work": m.reclaim_work,
            "mkclean_work": m.mkclean_work,
            "msync_work": m.msync_work,
            "unmap_work": m.unmap_work,
            "vmas_used": m.max_map_count,
            "rmap_nodes": m.rmap_nodes,
        }
        for key, value in values.items():
            costs[key] = max(costs[key], value)
    freed = max((m.freed_pages for m in metrics), default=0)
    costs["reclaim_work_per_freed_page"] = costs["reclaim_work"] // freed if freed else 0
    return costs


def _result(found: Exploration) -> tuple[str, str | None]:
    kinds = {kind: detail for kind, detail in sorted(found.events)}
    if "refused" in kinds:
        return "refused", kinds["refused"]
    if "emulated" in kinds:
        return "emulated", None
    return "allowed", None


def replay_one(workload: str | Workload, policy: str, **params: int) -> Outcome:
    """One workload under one policy: explored to the end, every invariant judged. `params`
    are the workload's and the policy's."""
    spec = workload if isinstance(workload, Workload) else get_workload(workload)
    mine, theirs = split_params(spec, policy, params)
    setup = spec.setup(**mine)
    found = explore(setup, policy, stop_at_first=False, policy_params=theirs)
    vmas_floor = max(setup.vm.map_count(p.name) for p in setup.vm.processes)
    costs = _costs([vm.metrics for vm in found.final_vms])
    costs["vmas_used"] = max(costs["vmas_used"], vmas_floor)
    result, errno = _result(found)
    return Outcome(
        workload=spec.name,
        policy=policy,
        kind=spec.kind,
        title=spec.title,
        result=result,
        errno=errno,
        invariants={name: name not in found.findings for name in INVARIANTS},
        costs=costs,
        findings=found.findings,
        states=found.distinct_states,
    )


def replay(policy: str, **params: int) -> list[Outcome]:
    """The policy on every workload; `params` apply to the workloads that take them, and to
    the policy (ValueError for one that nobody takes)."""
    of_policy = policy_parameters(policy)
    taken = set(of_policy).union(*(spec.defaults for spec in WORKLOADS.values()))
    unknown = sorted(set(params) - taken)
    if unknown:
        raise ValueError(f"no workload and not {policy} takes the parameter {unknown[0]!r}")
    outcomes = []
    for name, spec in WORKLOADS.items():
        mine = {k: v for k, v in params.items() if k in spec.defaults or k in of_policy}
        outcomes.append(replay_one(name, policy, **mine))
    return outcomes


@dataclass(frozen=True)
class GrowthPoint:
    """The costs at one size."""

    size: int
    costs: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {"size": self.size, "costs": self.costs}


def cost_growth(workload: str, policy: str, sizes: list[int]) -> list[GrowthPoint]:
    """Replay `workload` at each size of its size parameter (W3, W4: the vma's pages)."""
    spec = get_workload(workload)
    if spec.size_param is None:
        raise ValueError(f"{spec.name} has no size parameter")
    return [
        GrowthPoint(size, replay_one(spec.name, policy, **{spec.size_param: size}).costs)
        for size in sizes
    ]


def growth_exponents(points: list[GrowthPoint]) -> dict[str, float]:
    """For each non-zero cost, k in cost ∝ size^k between the smallest and the largest size.

    1.0 is linear growth (the DoS "is about computational complexity"); 0.0 is bounded.
    """
    if len({p.size for p in points}) < 2 or min(p.size for p in points) <= 0:
        return {}
    first = min(points, key=lambda p: p.size)
    last = max(points, key=lambda p: p.size)
    return {
        key: round(math.log(last.costs[key] / low) / math.log(last.size / first.size), 2)
        for key, low in first.costs.items()
        if low > 0 and last.costs[key] > 0
    }
