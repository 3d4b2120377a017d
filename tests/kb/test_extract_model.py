"""The shipped sentence classifier loads, scores, and is what the retrain command makes of the
committed annotations."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from threadlore.kb.extract.classifier import MODEL_PATH, shipped_model
from threadlore.kb.extract.gold import LABELS
from threadlore.kb.extract.structure import RULES

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
TOLERANCE = 1e-3


def test_the_shipped_model_is_small_and_scores_in_plain_python() -> None:
    model = shipped_model()
    assert model.labels == LABELS
    assert 0.0 < model.threshold < model.confident <= 1.0
    assert set(model.rule_precision) == set(RULES)
    assert MODEL_PATH.stat().st_size < 2_000_000
    probabilities = model.probabilities({"w:could", "b:^ we", "modal", "after-quote", "unknown"})
    assert math.isclose(sum(probabilities.values()), 1.0)
    assert set(probabilities) == set(LABELS)
    assert model.probabilities(set()) != probabilities


@pytest.mark.slow  # reads every annotated thread and fits the model: ~15 s of CPU
@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"no shared corpora at {CORPORA}")
def test_retraining_on_the_committed_annotations_reproduces_the_shipped_weights() -> None:
    pytest.importorskip("sklearn")
    sys.path.insert(0, str(ROOT))  # benches/, where the retrain command lives
    from benches.train_extract import all_threads, fit

    shipped = shipped_model()
    threads = all_threads()
    assert shipped.trained_on == tuple(sorted(t.name for t in threads)), (
        "retrain: annotations changed"
    )
    again = fit(threads, regularisation=shipped.regularisation, threshold=shipped.threshold)
    assert again.rule_precision == shipped.rule_precision
    assert again.intercepts == pytest.approx(shipped.intercepts, abs=TOLERANCE)
    strong = {n for n, row in shipped.weights.items() if max(map(abs, row)) > TOLERANCE}
    assert strong <= set(again.weights)
    for name in strong:
        assert again.weights[name] == pytest.approx(shipped.weights[name], abs=TOLERANCE), name
