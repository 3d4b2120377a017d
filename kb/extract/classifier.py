"""The sentence classifier at run time: learned weights read from JSON, scored in plain Python.

The weights are a multinomial logistic regression trained by `python -m benches.train_extract`
with scikit-learn on the annotated threads. Scoring is a sum of the weights of a sentence's
features and a softmax, so extraction needs neither scikit-learn nor NumPy, loads in
milliseconds and runs anywhere the package does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).resolve().parent / "model.json"
NEITHER = "neither"


@dataclass(frozen=True)
class SentenceModel:
    """Weights per feature and label, the candidate threshold, and each rule's measured precision.

    `threshold` is the least probability of "not neither" that makes a sentence a candidate;
    `confident` the least score of a candidate offered first (the development threads' candidates
    that scored this much were right often enough; `benches.train_extract`); `rule_precision` is
    how often each structural rule's candidates were right on the training threads, used as their
    score.
    """

    labels: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    threshold: float
    rule_precision: Mapping[str, float] = field(default_factory=dict)
    regularisation: float = 1.0
    confident: float = 1.0
    trained_on: tuple[str, ...] = ()

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """The probability of each label for a sentence with these features."""
        rows = [row for row in map(self.weights.get, features) if row is not None]
        columns = zip(*rows, strict=True) if rows else ((),) * len(self.intercepts)
        totals = [base + sum(c) for base, c in zip(self.intercepts, columns, strict=True)]
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        whole = sum(exps)
        return {label: e / whole for label, e in zip(self.labels, exps, strict=True)}

    def as_json(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "intercepts": list(self.intercepts),
            "threshold": self.threshold,
            "confident": self.confident,
            "rule_precision": dict(sorted(self.rule_precision.items())),
            "regularisation": self.regularisation,
            "trained_on": list(self.trained_on),
            "weights": {name: list(row) for name, row in sorted(self.weights.items())},
        }


def model_from_json(document: Mapping[str, Any]) -> SentenceModel:
    labels = tuple(str(label) for label in document["labels"])
    return SentenceModel(
        labels=labels,
        intercepts=tuple(float(v) for v in document["intercepts"]),
        weights={str(k): tuple(float(v) for v in row) for k, row in document["weights"].items()},
        threshold=float(document["threshold"]),
        rule_precision={str(k): float(v) for k, v in document["rule_precision"].items()},
        regularisation=float(document["regularisation"]),
        confident=float(document.get("confident", 1.0)),
        trained_on=tuple(str(name) for name in document.get("trained_on", ())),
    )


@cache
def shipped_model() -> SentenceModel:
    """The model shipped in the package (kb/extract/model.json)."""
    return model_from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
