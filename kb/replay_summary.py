"""A proposal's replay: the model's outcome on every workload, next to the thread's arguments.

Outcomes are computed by kb.vm.replay when asked, never stored. An argument whose map entry says
what it claims about the model (`about`: a workload's result, an invariant, a cost's growth) is
set beside that workload's outcome and marked as confirmed or refuted by it — for example Linus's
"you don't want to limit databases to be run by root only" next to W1 refused under ROOT_ONLY.
A claim is judged under the policy it is about: the proposal's, unless the claim names another
(Nick's "so could nonlinear page reclaim", made for ROOT_ONLY, is about the status quo).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from threadlore.kb.discussion import Argument, Claim, DiscussionMap, Proposal
from threadlore.kb.vm.replay import Outcome, cost_growth, replay, replay_one
from threadlore.kb.vm.workloads import get_workload

CONFIRMS, REFUTES = "confirms", "refutes"


@dataclass(frozen=True)
class ArgumentCheck:
    """One argument's claim about a workload, what the model computed under the policy the
    claim is about (`policy`), and the verdict."""

    argument: Argument
    claim: Claim
    observed: str
    verdict: str  # confirms | refutes
    policy: str

    def as_json(self) -> dict[str, Any]:
        return {
            "argument": self.argument.id,
            "by": self.argument.by,
            "supports": list(self.argument.supports),
            "attacks": list(self.argument.attacks),
            "quote": self.argument.quote.as_json(),
            "claim": self.claim.describe(),
            "judged_under": self.policy,
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


class ClaimJudge:
    """Outcomes and cost growth under the policies claims are about, each computed once."""

    def __init__(self, policy: str, outcomes: list[Outcome]) -> None:
        self.policy = policy
        self._outcomes = {(policy, o.workload): o for o in outcomes}
        self._growth: dict[tuple[str, str, str], tuple[int, int]] = {}

    def outcome(self, workload: str, policy: str) -> Outcome:
        key = (policy, workload)
        if key not in self._outcomes:
            self._outcomes[key] = replay_one(workload, policy)
        return self._outcomes[key]

    def grows(self, workload: str, cost: str, policy: str) -> tuple[bool, str]:
        key = (workload, cost, policy)
        if key not in self._growth:
            spec = get_workload(workload)
            if spec.size_param is None:
                raise ValueError(f"{workload} has no size to grow")
            base = int(spec.defaults[spec.size_param])
            small, large = cost_growth(workload, policy, [base, base * 2])
            self._growth[key] = (small.costs[cost], large.costs[cost])
        small_cost, large_cost = self._growth[key]
        return large_cost > small_cost, f"{cost} {small_cost} → {large_cost} when the size doubles"

    def check(self, claim: Claim) -> tuple[str, bool, str]:
        """(what the model computed, whether the claim matches it, the policy judged under)."""
        policy = claim.policy or self.policy
        if claim.cost is not None:
            grew, observed = self.grows(claim.workload, claim.cost, policy)
            return observed, grew == claim.grows, policy
        outcome = self.outcome(claim.workload, policy)
        if claim.result is not None:
            errno = f" ({outcome.errno})" if outcome.errno else ""
            return f"{outcome.result}{errno}", outcome.result == claim.result, policy
        assert claim.invariant is not None
        held = outcome.invariants[claim.invariant]
        finding = outcome.findings.get(claim.invariant)
        said = f": {finding.message}" if finding is not None else ""
        observed = f"{claim.invariant} {'held' if held else 'broken'}{said}"
        return observed, held == claim.holds, policy


def replay_proposal(discussion: DiscussionMap, proposal_id: str) -> ProposalReplay:
    """Replay a proposal's policy on every workload now, and judge its arguments' claims, each
    under the policy it is about.

    Raises KeyError for an unknown proposal and ValueError for one the model cannot replay.
    """
    proposal = discussion.proposal(proposal_id)
    if proposal.policy is None:
        note = f" ({proposal.policy_note})" if proposal.policy_note else ""
        raise ValueError(f"proposal {proposal_id} names no model policy{note}")
    outcomes = replay(proposal.policy)
    judge = ClaimJudge(proposal.policy, outcomes)
    claimed = [a for a in discussion.argument_tree(proposal.id) if a.about is not None]
    rows = []
    for outcome in outcomes:
        checks = []
        for argument in claimed:
            assert argument.about is not None
            if argument.about.workload != outcome.workload:
                continue
            observed, matches, policy = judge.check(argument.about)
            verdict = CONFIRMS if matches else REFUTES
            checks.append(ArgumentCheck(argument, argument.about, observed, verdict, policy))
        rows.append(WorkloadReplay(outcome, tuple(checks)))
    return ProposalReplay(proposal, proposal.policy, tuple(rows))
