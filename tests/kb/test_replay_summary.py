"""A proposal's replay sets the model's computed outcomes beside the thread's arguments."""

from __future__ import annotations

import dataclasses

import pytest

from threadlore.kb.discussion import Claim
from threadlore.kb.map_loader import MAPS_DIR, load_map
from threadlore.kb.map_rows import snapshots
from threadlore.kb.map_writer import map_document
from threadlore.kb.replay_summary import (
    CONFIRMS,
    REFUTES,
    ArgumentCheck,
    ClaimJudge,
    replay_proposal,
)
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
        replay_proposal(SEED_MAP, "merge-now-into-mm")


def _checks(proposal_id: str, argument_id: str) -> list[ArgumentCheck]:
    result = replay_proposal(SEED_MAP, proposal_id)
    return [c for row in result.rows for c in row.checks if c.argument.id == argument_id]


def test_a_claim_about_the_status_quo_is_judged_under_it_and_says_so() -> None:
    # Nick supports ROOT_ONLY by the reclaim DoS of today's code: judged under STATUS_QUO.
    (check,) = _checks("restrict-nonlinear-to-root", "nonlinear-reclaim-dos")
    assert (check.verdict, check.policy) == (CONFIRMS, "STATUS_QUO")
    assert check.as_json()["judged_under"] == "STATUS_QUO"
    assert "under STATUS_QUO" in check.claim.describe()


def test_a_claim_without_a_policy_is_judged_under_the_proposals() -> None:
    (check,) = _checks("restrict-nonlinear-to-root", "databases-not-root")
    assert (check.verdict, check.policy) == (CONFIRMS, "ROOT_ONLY")


def test_the_uml_mlock_objections_depend_on_the_policy() -> None:
    # Before, they were about W2-mlocked, which mlocks itself: broken under every policy.
    (check,) = _checks("mlock-for-nonroot", "uml-would-not-mlock")
    assert check.verdict == CONFIRMS and check.observed == "emulated"
    status_quo = ClaimJudge("STATUS_QUO", replay("STATUS_QUO"))
    observed, matches, policy = status_quo.check(check.claim)
    assert (observed, matches, policy) == ("allowed", False, "STATUS_QUO")


def test_argument_tree_reaches_rebuttals() -> None:
    ids = [a.id for a in SEED_MAP.argument_tree("restrict-nonlinear-to-root")]
    assert "databases-not-root" in ids and "databases-use-tmpfs" in ids


def test_a_claims_policy_survives_the_store_rows_and_the_yaml_writer() -> None:
    rows = {(row["kind"], row["slug"]): row for row in snapshots(SEED_MAP)}
    about = rows[("argument", "nonlinear-reclaim-dos")]["fields"]["about"]
    assert about["policy"] == "STATUS_QUO"
    (check,) = _checks("restrict-nonlinear-to-root", "nonlinear-reclaim-dos")
    assert Claim(**about) == check.claim
    written = map_document(SEED_MAP)
    (argument,) = [a for a in written["arguments"] if a["id"] == "nonlinear-reclaim-dos"]
    assert argument["about"]["policy"] == "STATUS_QUO"
