"""A proposal's replay: the model's outcome on every workload, next to the thread's arguments.

Outcomes are computed by kb.vm.replay when asked, never stored. An argument whose map entry says
what it claims about the model (`about`: a workload's result, an invariant, a cost's growth) is
set beside that workload's outcome and marked as confirmed or refuted by it — for example Linus's
"you don't want to limit databases to be run by root only" next to W1 refused under ROOT_ONLY.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from threadlore.kb.discussion import Argument, Claim, DiscussionMap, Proposal
from threadlore.kb.vm.replay import Outcome, cost_growth, replay
from threadlore.kb.vm.workloads import get_workload

CONFIRMS, REFUTES = "confirms", "refutes"


@dataclass(frozen=True)
class ArgumentCheck:
    """One argument's claim about a workload, what the model computed, and the verdict."""

    argument: Argument
    claim: Claim
    observed: str
    verdict: str  # confirms | refutes

    def as_json(self) -> dict[str, Any]:
        return {
            "argument": self.argument.id,
            "by": self.argument.by,
            "supports": list(self.argument.supports),
            "attacks": list(self.argument.attacks),
            "quote": self.argument.quote.as_json(),
            "claim": self.claim.describe(),
            "observed": self.observed,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class WorkloadReplay:
    """The computed outcome of one workload and the arguments it bears on."""

    outcome: Outcome
    checks: tuple[ArgumentCheck, ...]

    def describe(self) -> str:
        broken = [name for name, held in self.outcome.invariants.items() if not held]
        errno = f" ({self.outcome.errno})" if self.outcome.errno else ""
        return f"{self.outcome.result}{errno}; " + (
            f"broken: {', '.join(broken)}" if broken else "every invariant held"
        )


@dataclass(frozen=True)
class ProposalReplay:
    """A proposal, its policy, and one row per workload."""

    proposal: Proposal
    policy: str
    rows: tuple[WorkloadReplay, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "proposal": self.proposal.id,
            "policy": self.policy,
            "workloads": [
                {
                    "workload": row.outcome.workload,
                    "outcome": row.outcome.as_json(),
                    "summary": row.describe(),
                    "arguments": [c.as_json() for c in row.checks],
                }
                for row in self.rows
            ],
        }


class _GrowthCache:
    """Cost growth per (workload, policy, cost), computed at most once per summary."""

    def __init__(self, policy: str) -> None:
        self.policy = policy
        self._seen: dict[tuple[str, str], tuple[int, int]] = {}

    def grows(self, workload: str, cost: str) -> tuple[bool, str]:
        key = (workload, cost)
        if key not in self._seen:
            spec = get_workload(workload)
            if spec.size_param is None:
                raise ValueError(f"{workload} has no size to grow")
            base = int(spec.defaults[spec.size_param])
            small, large = cost_growth(workload, self.policy, [base, base * 2])
            self._seen[key] = (small.costs[cost], large.costs[cost])
        small_cost, large_cost = self._seen[key]
        return large_cost > small_cost, f"{cost} {small_cost} → {large_cost} when the size doubles"


def _check(claim: Claim, outcome: Outcome, growth: _GrowthCache) -> tuple[str, bool]:
    """(what the model computed, whether the claim matches it)."""
    if claim.result is not None:
        errno = f" ({outcome.errno})" if outcome.errno else ""
        return f"{outcome.result}{errno}", outcome.result == claim.result
    if claim.invariant is not None:
        held = outcome.invariants[claim.invariant]
        return f"{claim.invariant} {'held' if held else 'broken'}", held == claim.holds
    assert claim.cost is not None
    grew, observed = growth.grows(claim.workload, claim.cost)
    return observed, grew == claim.grows


def replay_proposal(discussion: DiscussionMap, proposal_id: str) -> ProposalReplay:
    """Replay a proposal's policy on every workload now, and judge its arguments' claims.

    Raises KeyError for an unknown proposal and ValueError for one the model cannot replay.
    """
    proposal = discussion.proposal(proposal_id)
    if proposal.policy is None:
        note = f" ({proposal.policy_note})" if proposal.policy_note else ""
        raise ValueError(f"proposal {proposal_id} names no model policy{note}")
    outcomes = replay(proposal.policy)
    growth = _GrowthCache(proposal.policy)
    claimed = [a for a in discussion.argument_tree(proposal.id) if a.about is not None]
    rows = []
    for outcome in outcomes:
        checks = []
        for argument in claimed:
            assert argument.about is not None
            if argument.about.workload != outcome.workload:
                continue
            observed, matches = _check(argument.about, outcome, growth)
            checks.append(
                ArgumentCheck(argument, argument.about, observed, CONFIRMS if matches else REFUTES)
            )
        rows.append(WorkloadReplay(outcome, tuple(checks)))
    return ProposalReplay(proposal, proposal.policy, tuple(rows))
