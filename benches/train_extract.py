"""Retrain extraction's sentence classifier: `python -m benches.train_extract` rewrites its model.

The classifier is a multinomial logistic regression (scikit-learn) over the features of
kb/extract/features.py, learned from every annotated thread (tests/data/annotations, read with
their threads from ../shared/corpora) and the positive sentences of the seed's curated map (the
seed map is not exhaustive, so its other sentences are not taken as negatives). The regularisation
and the candidate threshold are chosen by leave-one-thread-out on the development threads only
(DEV_THREADS), so the threads outside that set never tune anything, and so is the confident
threshold: the least score at which those threads' candidates (rules' and classifier's) reach
TARGET_PRECISION, the ones `extract` offers first. Each structural rule's score is its precision
on the training threads. Only training needs scikit-learn: the shipped weights
are JSON and extraction scores them in plain Python.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from threadlore.kb.extract.candidates import Candidate
from threadlore.kb.extract.classifier import MODEL_PATH, SentenceModel
from threadlore.kb.extract.gold import (
    LABELS,
    NEITHER,
    AnnotatedThread,
    Tally,
    annotated_threads,
    label_of,
    load_thread,
    tally,
)
from threadlore.kb.extract.pipeline import extract, featured_sentences, thread_view
from threadlore.kb.extract.structure import RULES, structural_candidates

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "tests" / "data" / "annotations"
CORPORA = ROOT.parent / "shared" / "corpora"
SEED = "lkml-2007-fault-vs-truncate"
SEED_THREAD = ROOT / "samples" / f"{SEED}.txt"
SEED_MAP = ROOT / "kb" / "maps" / f"{SEED}.yaml"
DEV_THREADS = (
    SEED,
    "kernel-hardening-exec-id-2020",
    "ksummit-inclusive-terminology-v2-2020",
    "nbd-url-syntax-discussion-2019",
    "nbd-wrong-cookie-2024",
    "open-iscsi-udev-events-2020",
    "r-devel-eigen-1999",
    "sparse-context-imbalance-2020",
)
"""The threads read while writing the rules, cue features and sentence splitting, and the only
ones the regularisation and threshold are chosen on. Figures outside this set are held out."""
LISTS = (
    "blinux",
    "kernel-hardening",
    "ksummit",
    "lkml",
    "nbd",
    "notmuch-lkml",
    "open-iscsi",
    "r-devel",
    "sparse",
)
"""The lists the annotated threads come from, as their names start (the seed is "lkml"; the notmuch
test Maildir's LKML mail is one source of its own, annotated by one person)."""
REGULARISATIONS = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.2 + 0.05 * step, 2) for step in range(14))
CONFIDENCES = tuple(round(0.5 + 0.05 * step, 2) for step in range(10))
FEWEST_CONFIDENT = 20
"""The confident threshold is one the development threads give at least this many candidates at
(a precision measured on fewer says little)."""
TARGET_PRECISION = 0.8
WEIGHT_DIGITS = 4
SMALLEST_WEIGHT = 0.005
"""A feature whose weights are all smaller than this changes no probability by 0.5%: left out."""
MIN_SENTENCES = 2
"""A feature seen in fewer training sentences than this is left out (it would only memorise)."""


def all_threads() -> list[AnnotatedThread]:
    """The seed (not exhaustive) and every annotated thread."""
    seed = load_thread(SEED_MAP, SEED_THREAD, name=SEED, exhaustive=False)
    return [seed, *annotated_threads(ANNOTATIONS, CORPORA)]


def list_of(name: str) -> str:
    """The list a thread comes from, by the longest list name its name starts with."""
    found = [prefix for prefix in LISTS if name.startswith(f"{prefix}-")]
    if not found:
        raise ValueError(f"{name}: no list in LISTS starts its name")
    return max(found, key=len)


def training_rows(threads: Iterable[AnnotatedThread]) -> tuple[list[dict[str, int]], list[str]]:
    """Each sentence's features and gold label (only the positives of non-exhaustive maps)."""
    rows: list[dict[str, int]] = []
    labels: list[str] = []
    for thread in threads:
        by_message: dict[str, list] = {}
        for item in thread.gold:
            by_message.setdefault(item.message_id, []).append(item)
        for message, sentence, features in featured_sentences(thread_view(thread.messages)):
            label = label_of(sentence, by_message.get(message.message_id, ()))
            if label == NEITHER and not thread.exhaustive:
                continue
            rows.append(dict.fromkeys(features, 1))
            labels.append(label)
    return rows, labels


def rule_precision(threads: Iterable[AnnotatedThread]) -> dict[str, float]:
    """Each structural rule's precision (any kind) on exhaustive threads, smoothed (+1/+2)."""
    counts = {rule: Tally() for rule in RULES}
    for thread in threads:
        if not thread.exhaustive:
            continue
        found = structural_candidates(thread_view(thread.messages), {})
        for rule in RULES:
            counts[rule] += tally([c for c in found if c.origin == rule], thread.gold, None)
    return {rule: round((t.hits + 1) / (t.candidates + 2), 4) for rule, t in counts.items()}


def fit(
    threads: Sequence[AnnotatedThread],
    *,
    regularisation: float,
    threshold: float,
    confident: float = 1.0,
) -> SentenceModel:
    """A model learned from these threads (deterministic: the same threads give the same JSON)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, labels = training_rows(threads)
    seen = Counter(name for row in rows for name in row)
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform(
        [{name: 1 for name in row if seen[name] >= MIN_SENTENCES} for row in rows]
    )
    learner = LogisticRegression(C=regularisation, solver="newton-cg", max_iter=1000)
    learner.fit(matrix, labels)
    order = [list(learner.classes_).index(label) for label in LABELS]
    weights = {}
    for column, name in enumerate(vectoriser.get_feature_names_out()):
        row = tuple(round(float(learner.coef_[i][column]), WEIGHT_DIGITS) for i in order)
        if max(map(abs, row)) >= SMALLEST_WEIGHT:
            weights[str(name)] = row
    return SentenceModel(
        labels=LABELS,
        intercepts=tuple(round(float(learner.intercept_[i]), WEIGHT_DIGITS) for i in order),
        weights=weights,
        threshold=threshold,
        rule_precision=rule_precision(threads),
        regularisation=regularisation,
        confident=confident,
        trained_on=tuple(sorted(t.name for t in threads)),
    )


def loto_candidates(
    threads: Sequence[AnnotatedThread], *, regularisation: float
) -> list[tuple[AnnotatedThread, list[Candidate]]]:
    """Each exhaustive thread's candidates, at threshold 0, by a model trained on the others."""
    scored = []
    for thread in threads:
        if not thread.exhaustive:
            continue
        others = [t for t in threads if t is not thread]
        model = fit(others, regularisation=regularisation, threshold=0.0)
        scored.append((thread, extract(thread.messages, model)))
    return scored


def at_threshold(candidates: Sequence[Candidate], threshold: float) -> list[Candidate]:
    """The candidates a model with this threshold keeps (rules' candidates are always kept)."""
    return [c for c in candidates if c.origin != "classifier" or c.score >= threshold]


def confident_threshold(
    scored: Sequence[tuple[AnnotatedThread, list[Candidate]]], log: list[str]
) -> float:
    """The least score at which candidates reach TARGET_PRECISION (any kind), given at least
    FEWEST_CONFIDENT of them; failing that, the score at which they are the most precise."""
    best: tuple[tuple[int, float], float] | None = None
    for level in CONFIDENCES:
        total = Tally()
        for thread, candidates in scored:
            total += tally([c for c in candidates if c.score >= level], thread.gold, None)
        if total.candidates < FEWEST_CONFIDENT:
            break
        log.append(f"confident={level:.2f}  P {total.precision:.2f}  R {total.recall:.2f}")
        reached = total.precision >= TARGET_PRECISION
        key = (1, -level) if reached else (0, total.precision)
        if best is None or key > best[0]:
            best = (key, level)
    return 1.0 if best is None else best[1]


def choose_settings(threads: Sequence[AnnotatedThread]) -> tuple[float, float, float, list[str]]:
    """(regularisation, threshold, confident) by leave-one-thread-out on the development threads.

    The highest recall (any kind) whose precision reaches TARGET_PRECISION, or failing that the
    best F1; the confident threshold for that regularisation; and a line per setting tried.
    """
    dev = [t for t in threads if t.name in DEV_THREADS]
    best: tuple[tuple[int, float], float, float] | None = None
    log = []
    scored_by: dict[float, list[tuple[AnnotatedThread, list[Candidate]]]] = {}
    for regularisation in REGULARISATIONS:
        scored = scored_by[regularisation] = loto_candidates(dev, regularisation=regularisation)
        for threshold in THRESHOLDS:
            total = Tally()
            for thread, candidates in scored:
                total += tally(at_threshold(candidates, threshold), thread.gold, None)
            p, r = total.precision, total.recall
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            key = (1, r) if p >= TARGET_PRECISION else (0, f1)
            log.append(f"C={regularisation:<4} threshold={threshold:.2f}  P {p:.2f}  R {r:.2f}")
            if best is None or key > best[0]:
                best = (key, regularisation, threshold)
    assert best is not None
    confident = confident_threshold(scored_by[best[1]], log)
    return best[1], best[2], confident, log


def write_model(model: SentenceModel, path: Path = MODEL_PATH) -> None:
    """The model as JSON, one feature per line (so a retrain's diff reads feature by feature)."""
    document = model.as_json()
    weights = document.pop("weights")
    head = json.dumps(document, indent=1)[:-2]
    rows = ",\n".join(f"  {json.dumps(name)}: {json.dumps(row)}" for name, row in weights.items())
    path.write_text(f'{head},\n "weights": {{\n{rows}\n }}\n}}\n', "utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model")
    parser.add_argument("--verbose", action="store_true", help="print every setting tried")
    args = parser.parse_args(argv)
    if not CORPORA.is_dir():
        print(f"train_extract: no shared corpora at {CORPORA}", file=sys.stderr)
        return 1
    threads = all_threads()
    regularisation, threshold, confident, log = choose_settings(threads)
    if args.verbose:
        print("\n".join(log))
    model = fit(threads, regularisation=regularisation, threshold=threshold, confident=confident)
    write_model(model, args.out)
    print(
        f"trained on {len(threads)} threads: C={regularisation}, threshold={threshold}, "
        f"confident={confident}, "
        f"{len(model.weights)} features; wrote {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
