"""Every policy on every workload: outcomes are well-formed and follow from the semantics."""

from __future__ import annotations

import pytest

from threadlore.kb.vm.invariants import INVARIANTS
from threadlore.kb.vm.policies import POLICIES, resolve
from threadlore.kb.vm.replay import replay


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_replay_follows_the_policys_semantics(policy: str) -> None:
    semantics = resolve(policy)
    outcomes = {o.workload: o for o in replay(policy)}
    for outcome in outcomes.values():
        assert outcome.result in ("allowed", "refused", "emulated")
        assert (outcome.errno is not None) == (outcome.result == "refused")
        assert set(outcome.invariants) == set(INVARIANTS)
        assert all(
            name in outcome.findings for name, held in outcome.invariants.items() if not held
        )
    # The linear race is open exactly when the fault path is 2.6.20's do_no_page.
    assert outcomes["W5"].invariants["INV1"] == (semantics.fault != "do_no_page")
    # The buffered-write deadlock needs both the locked fault and the old write path.
    deadlock = semantics.fault == "__do_fault" and semantics.buffered_write == "old"
    assert outcomes["W7"].invariants["INV6"] == (not deadlock)
    # The nonlinear race is open unless a fix covers the nonlinear fault too.
    assert outcomes["W6"].invariants["INV1"] == (semantics.fault != "do_no_page")
    # Whatever a policy does with remap_file_pages, the truncate_count control stays safe.
    assert outcomes["W6-linear"].invariants["INV1"]
    # A dirty pte escapes writeout unless set_page_dirty waits for the page lock (79352894).
    assert outcomes["W8"].invariants["INV2"] == semantics.dirty_waits_on_page_lock
    # Double IO needs a dirty pte that page_mkclean cannot see and an msync that finds it.
    double = semantics.msync == "scan" and semantics.mkclean_scope == "linear"
    assert outcomes["W4"].invariants["INV3"] == (not double or semantics.nonlinear_reset_prot)
