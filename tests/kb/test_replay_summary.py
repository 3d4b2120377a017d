"""A proposal's replay sets the model's computed outcomes beside the thread's arguments."""

from __future__ import annotations

import dataclasses

import pytest

from threadlore.kb.map_loader import MAPS_DIR, load_map
from threadlore.kb.replay_summary import CONFIRMS, REFUTES, replay_proposal
from threadlore.kb.vm.replay import Outcome, replay

SEED_MAP = load_map(MAPS_DIR / "lkml-2007-fault-vs-truncate.yaml")


def _verdicts(proposal_id: str) -> dict[tuple[str, str], str]:
    result = replay_proposal(SEED_MAP, proposal_id)
    return {
        (row.outcome.workload, check.argument.id): check.verdict
        for row in result.rows
        for check in row.checks
    }


def test_linus_objection_is_confirmed_by_root_only_refusing_the_database() -> None:
    verdicts = _verdicts("restrict-nonlinear-to-root")
    assert verdicts[("W1", "databases-not-root")] == CONFIRMS
    assert verdicts[("W2", "nobody-wants-root")] == CONFIRMS


def test_peters_rebuttal_holds_under_root_only_if_writeback() -> None:
    verdicts = _verdicts("root-only-if-writeback")
    assert verdicts[("W1", "databases-not-root")] == REFUTES
    assert verdicts[("W1", "databases-use-tmpfs")] == CONFIRMS
    assert verdicts[("W4", "double-io")] == CONFIRMS


def test_outcomes_are_computed_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    def database_allowed(policy: str) -> list[Outcome]:
        return [
            dataclasses.replace(o, result="allowed", errno=None) if o.workload == "W1" else o
            for o in replay(policy)
        ]

    monkeypatch.setattr("threadlore.kb.replay_summary.replay", database_allowed)
    assert _verdicts("restrict-nonlinear-to-root")[("W1", "databases-not-root")] == REFUTES


def test_a_cost_claim_is_judged_by_growth() -> None:
    assert _verdicts("full-scan-page-mkclean")[("W4", "full-scan-too-costly")] == CONFIRMS
    assert _verdicts("mlock-for-nonroot")[("W3", "mlock-avoids-pathologies")] == CONFIRMS


def test_every_workload_has_a_row() -> None:
    result = replay_proposal(SEED_MAP, "lock-page-in-fault")
    assert {"W1", "W5", "W7"} <= {row.outcome.workload for row in result.rows}
    assert result.as_json()["policy"] == "LOCK_PAGE_IN_FAULT"


def test_a_proposal_without_policy_says_so() -> None:
    with pytest.raises(ValueError, match="names no model policy"):
        replay_proposal(SEED_MAP, "reclaim-search-when-stuck")


def test_argument_tree_reaches_rebuttals() -> None:
    ids = [a.id for a in SEED_MAP.argument_tree("restrict-nonlinear-to-root")]
    assert "databases-not-root" in ids and "databases-use-tmpfs" in ids
