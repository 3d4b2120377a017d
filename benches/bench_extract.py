"""Extraction measured as a stranger would: held-out precision and recall, and speed.

Every annotated thread is scored twice by models that never saw it: leave-one-list-out (trained
on the threads of the other lists only, the headline: a list's habits — its trailers, its
greetings, its way of proposing — are not learned from itself) and leave-one-thread-out (trained
on every other thread). Both use the regularisation and threshold the shipped model chose on the
development threads (`benches.train_extract.DEV_THREADS`). Rules and cue features were written
while reading the development threads only, so the totals over the other threads are held-out
figures; both are printed. The old cue extractor (`kb.extract.cues`) is the baseline column.

A candidate matches a gold item when both are in the same message and their spans overlap by at
least half of the shorter (`kb.extract.gold`). Per kind, candidates and gold items of that kind
are compared (a decision counts as the argument it is: accepted → support, rejected →
objection, superseded → proposal); "any" ignores kinds. The seed's map is not exhaustive, so
only its recall is shown and it stays out of the totals.

Run: `.venv/bin/python -m benches.bench_extract` (about ten minutes: 35 model fits).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from benches.train_extract import CORPORA, DEV_THREADS, SEED_THREAD, all_threads, fit, list_of
from threadlore.importers.detect import read_inputs
from threadlore.kb.extract import OBJECTION, PROPOSAL, SUPPORT, Candidate, extract
from threadlore.kb.extract.classifier import MODEL_PATH, model_from_json, shipped_model
from threadlore.kb.extract.cues import cue_candidates
from threadlore.kb.extract.gold import (
    AnnotatedThread,
    Tally,
    gold_kind,
    matches,
    source_message,
    tally,
)

KINDS: tuple[str | None, ...] = (PROPOSAL, OBJECTION, SUPPORT, None)
SPEED_THREAD = CORPORA / "lists" / "threads" / "ksummit-change-id-2019.mbox"
RUNS = 5
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
Scored = list[tuple[AnnotatedThread, list[Candidate]]]


def _cell(t: Tally, *, recall_only: bool = False) -> str:
    if not t.gold and not t.candidates:
        return "   -    -  "
    precision = "  - " if recall_only or not t.candidates else f"{t.precision:4.2f}"
    return f"{precision} {t.recall:4.2f}  "


def _row(name: str, tallies: Sequence[Tally], baseline: Sequence[Tally], recall_only: bool) -> str:
    cells = "".join(_cell(t, recall_only=recall_only) for t in tallies)
    base = "".join(_cell(t, recall_only=recall_only) for t in baseline)
    return f"{name:44} {cells}| {base}"


def score(candidates: Sequence[Candidate], thread: AnnotatedThread) -> list[Tally]:
    return [tally(candidates, thread.gold, kind) for kind in KINDS]


def _origins_and_kinds(scored: Scored) -> None:
    """Each origin's precision (any kind), and how often a hit has the right kind."""
    origins: dict[str, Tally] = {}
    hits = right = 0
    for thread, candidates in scored:
        for origin in sorted({c.origin for c in candidates}):
            mine = [c for c in candidates if c.origin == origin]
            origins[origin] = origins.get(origin, Tally()) + tally(mine, thread.gold, None)
        for candidate in candidates:
            matched = [g for g in thread.gold if matches(candidate, g, None)]
            hits += bool(matched)
            right += any(g.kind == gold_kind(candidate) for g in matched)
    print(
        "  by origin (precision, any kind): "
        + ", ".join(f"{o} {t.precision:.2f} of {t.candidates}" for o, t in origins.items())
    )
    print(f"  kind right for {right / max(hits, 1):.0%} of the {hits} candidates that hit")
    linked, right_target = _targets(scored)
    print(
        f"  target right for {right_target / max(linked, 1):.0%} of the {linked} objections and "
        "supports that hit a gold argument and name a target"
    )


def _sweep(scored: Scored) -> None:
    """Precision and recall (any kind) of the candidates scoring at least each level: what
    another threshold would give (shown, never used to choose one)."""
    cells = []
    for level in SWEEP:
        total = Tally()
        for thread, candidates in scored:
            total += tally([c for c in candidates if c.score >= level], thread.gold, None)
        cells.append(f"≥{level:.1f} {total.precision:.2f}/{total.recall:.2f}")
    print("  score sweep (P/R, any kind): " + ", ".join(cells))


def _targets(scored: Scored) -> tuple[int, int]:
    """(arguments with a target, those whose target is a sentence of an entry they argue about)."""
    linked = right = 0
    for thread, candidates in scored:
        by_ref = {c.ref: c for c in candidates}
        for candidate in candidates:
            target = by_ref.get(candidate.target) if candidate.target else None
            argued = [g for g in thread.gold if g.targets and matches(candidate, g, None)]
            if target is None or not argued:
                continue
            linked += 1
            wanted = {entry for g in argued for entry in g.targets}
            right += any(g.entry_id in wanted and matches(target, g, None) for g in thread.gold)
    return linked, right


def held_out_candidates(
    threads: Sequence[AnnotatedThread], fold_of: Callable[[AnnotatedThread], str]
) -> dict[str, list[Candidate]]:
    """Each thread's candidates by a model trained on the threads of the other folds only."""
    shipped = shipped_model()
    folds: dict[str, list[AnnotatedThread]] = {}
    for thread in threads:
        folds.setdefault(fold_of(thread), []).append(thread)
    found = {}
    for fold, scored in folds.items():
        model = fit(
            [t for t in threads if fold_of(t) != fold],
            regularisation=shipped.regularisation,
            threshold=shipped.threshold,
            confident=shipped.confident,
        )
        for thread in scored:
            found[thread.name] = extract(thread.messages, model)
    return found


def table(
    title: str, threads: Sequence[AnnotatedThread], found: dict[str, list[Candidate]]
) -> None:
    """One row per thread, the totals per set (dev, held-out, all), and each set's origins."""
    print(title)
    heads = "".join(f"{k or 'any':>6} P   R " for k in ("prop", "obj", "supp", None))
    print(f"{'thread, d(ev)/h(eld out), messages, gold P/O/S':44} {heads}| baseline: {heads}")
    sums: dict[str, list[Tally]] = {}
    scored: dict[str, Scored] = {}
    for thread in threads:
        candidates = found[thread.name]
        ours = score(candidates, thread)
        theirs = score(cue_candidates(thread.messages), thread)
        counts = "/".join(
            str(sum(g.kind == k for g in thread.gold)) for k in (PROPOSAL, OBJECTION, SUPPORT)
        )
        group = "dev" if thread.name in DEV_THREADS else "held-out"
        label = f"{thread.name[:24]:24} {group[0]} {len(thread.messages):3} {counts:>9}"
        print(_row(label, ours, theirs, recall_only=not thread.exhaustive))
        if thread.exhaustive:
            scored.setdefault(group, []).append((thread, candidates))
            confident = score([c for c in candidates if c.confident], thread)
            for key in (group, "all"):
                for total, tallies in ((key, [*ours, *theirs]), (f"{key}, confident", confident)):
                    previous = sums.get(total, [Tally()] * len(tallies))
                    sums[total] = [a + b for a, b in zip(previous, tallies, strict=True)]
    print("totals (micro, seed left out; confident: only the candidates offered first):")
    for key in ("dev", "held-out", "all"):
        for total in (key, f"{key}, confident"):
            if total in sums:
                tallies = sums[total]
                print(_row(f"  {total}", tallies[: len(KINDS)], tallies[len(KINDS) :], False))
    for key in ("dev", "held-out"):
        print(f"{key}:")
        _origins_and_kinds(scored.get(key, []))
        _sweep(scored.get(key, []))


def _median_seconds(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def speed() -> None:
    """Extraction time of the seed and of a 100-message thread, beside the cue extractor."""
    started = time.perf_counter()
    model_from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    print(f"speed (median of {RUNS}; the model loads in {time.perf_counter() - started:.2f} s):")
    for path in (SEED_THREAD, SPEED_THREAD):
        if not path.is_file():
            continue
        messages = [source_message(m) for m in read_inputs([path])]
        ours = _median_seconds(lambda: extract(messages))  # noqa: B023 (timed here, now)
        theirs = _median_seconds(lambda: cue_candidates(messages))  # noqa: B023
        print(
            f"  {path.name} ({len(messages)} messages), load {os.getloadavg()[0]:.2f}: "
            f"extract {ours * 1000:.0f} ms, cue baseline {theirs * 1000:.0f} ms "
            f"(ratio {ours / theirs:.1f}x)"
        )


def main() -> int:
    if not CORPORA.is_dir():
        print(f"bench_extract: no shared corpora at {CORPORA}", file=sys.stderr)
        return 1
    threads = all_threads()
    shipped = shipped_model()
    settings = (
        f"C={shipped.regularisation}, threshold={shipped.threshold}, confident={shipped.confident}"
    )
    lists = {list_of(t.name) for t in threads}
    table(
        f"leave-one-list-out over {len(threads)} threads of {len(lists)} lists ({settings})",
        threads,
        held_out_candidates(threads, lambda t: list_of(t.name)),
    )
    table(
        f"leave-one-thread-out over {len(threads)} threads ({settings})",
        threads,
        held_out_candidates(threads, lambda t: t.name),
    )
    speed()
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
