"""Cue-based extraction finds proposals and objections in a message's own prose."""

from __future__ import annotations

from datetime import datetime

from threadlore.kb.extract import OBJECTION, PROPOSAL, SourceMessage, classify, extract, own_prose
from threadlore.kb.quoting import normalize_space

BODY = """\
On Wed, 7 Mar 2007, Peter Zijlstra wrote:
> we could quote someone else here, which must be ignored

I don't think that's a viable approach. Nonlinear mappings would normally
be used by databases.

Well non-root users could be allowed to work on mlocked regions on
tmpfs/shm. That way they avoid the pathological nonlinear problems.

--
Signature: we could never propose anything here
Index: mm/fremap.c
+ we could be in a patch
"""


def _message(body: str = BODY) -> SourceMessage:
    return SourceMessage("m1", "Linus Torvalds", datetime(2007, 3, 7, 14, 0), body)


def test_own_prose_drops_quotes_signature_and_patch() -> None:
    prose = " ".join(own_prose(BODY))
    assert "quote someone" not in prose and "wrote" not in prose
    assert "Signature" not in prose and "patch" not in prose


def test_objection_and_proposal_are_found_verbatim() -> None:
    found = extract([_message()])
    kinds = {c.kind: c.sentence for c in found}
    assert kinds[OBJECTION] == "I don't think that's a viable approach."
    assert kinds[PROPOSAL].startswith("Well non-root users could be allowed")
    for candidate in found:
        assert candidate.sentence in normalize_space(BODY)


def test_plain_statements_are_not_candidates() -> None:
    assert classify("The page is locked here.") is None
    assert extract([_message("Thanks,\nNick\n")]) == []


def test_strongest_candidates_come_first() -> None:
    found = extract([_message()])
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
