"""Extraction reads a message's own sentences, finds candidates in a real thread quickly enough to
curate, keeps the first cue extractor as a baseline, and turns accepted candidates into a map."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from threadlore.importers.detect import read_inputs
from threadlore.kb.extract import KINDS, OBJECTION, PROPOSAL, extract
from threadlore.kb.extract.candidates import SourceMessage
from threadlore.kb.extract.classifier import shipped_model
from threadlore.kb.extract.cues import classify, cue_candidates, own_prose
from threadlore.kb.extract.features import message_facts, sentence_features
from threadlore.kb.extract.gold import source_message
from threadlore.kb.extract.sentences import read_message, split_sentences
from threadlore.kb.quoting import normalize_space

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "lkml-2007-fault-vs-truncate.txt"

BODY = """\
Hi all,

On Wed, 7 Mar 2007, Peter Zijlstra wrote:
> we could quote someone else here, which must be ignored
Ross> and supercite quotes too

I don't think that's a viable approach. Nonlinear mappings would normally
be used by databases, e.g. Oracle.

Well non-root users could be allowed to work on mlocked regions on
tmpfs/shm. That way they avoid the pathological nonlinear problems:

a) keep the page locked
b) or retry the fault

Thanks,
Linus

--
Signature: we could never propose anything here
_______________________________________________
A list footer we could ignore
"""

PATCH_BODY = """\
Make the fault handler lock the page.

Signed-off-by: Nick <npiggin@suse.de>
---
 mm/memory.c | 2 +-

Index: linux-2.6/mm/memory.c
===================================================================
--- linux-2.6.orig/mm/memory.c
+++ linux-2.6/mm/memory.c
@@ -1,3 +1,3 @@
 int x;
-we could be in a patch
+we could be in a patch, still
"""


def test_own_sentences_leave_out_quotes_attribution_greetings_signature_and_footer() -> None:
    text = read_message(BODY, "Linus Torvalds")
    sentences = [s.text for s in text.sentences]
    assert sentences == [
        "I don't think that's a viable approach.",
        "Nonlinear mappings would normally be used by databases, e.g. Oracle.",
        "Well non-root users could be allowed to work on mlocked regions on tmpfs/shm.",
        "That way they avoid the pathological nonlinear problems:",
        "a) keep the page locked",
        "b) or retry the fault",
    ]
    body = normalize_space(BODY)
    for sentence in text.sentences:
        assert body[sentence.offset :].startswith(sentence.text)
    first = text.sentences[0]
    assert "supercite quotes too" in first.quoted_before
    assert [s.since_quote for s in text.sentences] == [0, 1, 2, 3, 4, 5]
    assert read_message("Above any quote.\n> quoted\nBelow.\n").sentences[0].since_quote is None
    items = [s for s in text.sentences if s.list_label]
    assert [(s.list_label, s.intro) for s in items] == [
        ("a", "That way they avoid the pathological nonlinear problems:"),
        ("b", "That way they avoid the pathological nonlinear problems:"),
    ]


def test_a_patch_s_changelog_trailers_and_diff_are_told_apart() -> None:
    text = read_message(PATCH_BODY, "Nick Piggin")
    assert text.has_patch
    assert [(s.text, s.in_changelog, s.trailer_key) for s in text.sentences] == [
        ("Make the fault handler lock the page.", True, None),
        ("Signed-off-by: Nick <npiggin@suse.de>", False, "signed-off-by"),
    ]


def test_sentences_are_not_cut_after_abbreviations_or_list_labels() -> None:
    assert split_sentences("1. Is it that we should? I doubt it, i.e. no. Done.") == [
        "1. Is it that we should?",
        "I doubt it, i.e. no.",
        "Done.",
    ]


@pytest.fixture(scope="module")
def seed() -> list[SourceMessage]:
    return [source_message(m) for m in read_inputs([SEED])]


def test_the_seed_thread_gives_ranked_verbatim_candidates_of_every_kind(
    seed: list[SourceMessage],
) -> None:
    found = extract(seed)
    bodies = {m.message_id: normalize_space(m.body) for m in seed}
    assert {c.kind for c in found} >= {PROPOSAL, OBJECTION}
    assert {c.kind for c in found} <= set(KINDS)
    for candidate in found:
        assert bodies[candidate.message_id][candidate.offset :].startswith(candidate.sentence)
        assert 0.0 <= candidate.score <= 1.0
        assert candidate.evidence
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    keys = [(c.message_id, c.kind, c.offset) for c in found]
    assert len(keys) == len(set(keys))
    json = found[0].as_json()
    assert set(json) >= {"sentence", "offset", "score", "origin", "evidence", "target", "group"}


def test_restatements_share_a_group_led_by_the_strongest(seed: list[SourceMessage]) -> None:
    found = extract(seed)
    grouped = [(i, c) for i, c in enumerate(found) if c.group is not None]
    for index, candidate in grouped:
        leader = found[candidate.group]  # type: ignore[index]
        assert leader.group == candidate.group and leader.kind == candidate.kind
        assert candidate.group <= index  # type: ignore[operator]


def test_the_cue_baseline_still_finds_what_it_found() -> None:
    assert classify("I don't think that's a viable approach.") is not None
    assert classify("The page is locked here.") is None
    assert "quote someone" not in " ".join(own_prose(BODY))
    message = SourceMessage("m1", "Linus", None, BODY)
    kinds = {c.kind: c.sentence for c in cue_candidates([message])}
    assert kinds[OBJECTION] == "I don't think that's a viable approach."
    body = normalize_space(BODY)
    for candidate in cue_candidates([message]):
        assert body[candidate.offset :].startswith(candidate.sentence)


def test_candidates_at_or_above_the_models_confident_score_are_marked_confident() -> None:
    messages = [source_message(m) for m in read_inputs([SEED])]
    scores = sorted({c.score for c in extract(messages)})
    level = scores[len(scores) // 2]
    model = replace(shipped_model(), confident=level)
    found = extract(messages, model)
    assert all(c.confident == (c.score >= level) for c in found)
    assert any(c.confident for c in found) and not all(c.confident for c in found)
    assert found[0].as_json()["confident"] is True


def test_features_tell_a_suggesting_question_from_one_that_asks_and_a_log_line() -> None:
    body = (
        "How about a flag?\n\nWhich kernel are you running?\n\n[ 12.3] sd 2:0:0:0: rejecting I/O\n"
    )
    message = SourceMessage("m@x", "Ann", None, body)
    text = read_message(body)
    facts = message_facts(message, text, is_first=True, starter="Ann")
    suggest, ask, log = (sentence_features(s, facts, answered=False) for s in text.sentences)
    assert "question:suggests" in suggest and "question:asks" not in suggest
    assert "question:asks" in ask and "log-like" in log and "log-like" not in ask
