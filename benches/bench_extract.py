"""Precision and recall of `extract` against the curated seed map, and its speed on the corpora.

Gold items are the map's proposal sources (kind "proposal") and its objections (arguments that
attack, kind "objection"). A candidate matches a gold item when both are in the same message and
one's words mostly cover the other's (at least half of the shorter one's words). "strict" also
requires the same kind; "any kind" does not. Run: `.venv/bin/python -m benches.bench_extract`.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from threadlore.importers.detect import read_inputs
from threadlore.kb.discussion import DiscussionMap
from threadlore.kb.extract import OBJECTION, PROPOSAL, Candidate, SourceMessage, extract
from threadlore.kb.map_loader import MAPS_DIR, load_map, locate_quotes, thread_message_of

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "lkml-2007-fault-vs-truncate.txt"
CORPORA = Path("/work/shared/corpora")


@dataclass(frozen=True)
class Gold:
    message_id: str
    kind: str
    text: str


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9_']+", text.casefold()))


def overlaps(a: str, b: str) -> bool:
    """Whether two sentences share at least half of the shorter one's words."""
    wa, wb = _words(a), _words(b)
    shorter = min(len(wa), len(wb))
    return shorter > 0 and len(wa & wb) * 2 >= shorter


def gold_items(discussion: DiscussionMap) -> list[Gold]:
    items = [
        Gold(s.message_id or "", PROPOSAL, s.text)
        for p in discussion.proposals()
        for s in p.sources
    ]
    items += [
        Gold(a.quote.message_id or "", OBJECTION, a.quote.text)
        for a in discussion.arguments
        if a.is_objection
    ]
    return items


def _matches(candidate: Candidate, gold: Gold, *, strict: bool) -> bool:
    return (
        candidate.message_id == gold.message_id
        and (not strict or candidate.kind == gold.kind)
        and overlaps(candidate.sentence, gold.text)
    )


def precision_recall(
    candidates: list[Candidate], gold: list[Gold], *, strict: bool
) -> tuple[float, float]:
    """(precision, recall) of the candidates against the gold items."""
    hits = sum(any(_matches(c, g, strict=strict) for g in gold) for c in candidates)
    found = sum(any(_matches(c, g, strict=strict) for c in candidates) for g in gold)
    return (hits / len(candidates) if candidates else 0.0, found / len(gold) if gold else 0.0)


def _source_messages(paths: list[Path]) -> list[SourceMessage]:
    return [
        SourceMessage(m.message_id, m.author.name if m.author else None, m.date, m.body)
        for m in read_inputs(paths)
    ]


def seed_figures() -> dict[str, float]:
    parsed = list(read_inputs([SEED]))
    discussion = locate_quotes(
        load_map(MAPS_DIR / "lkml-2007-fault-vs-truncate.yaml"),
        [thread_message_of(m) for m in parsed],
    )
    start = time.perf_counter()
    candidates = extract(
        SourceMessage(m.message_id, m.author.name if m.author else None, m.date, m.body)
        for m in parsed
    )
    seconds = time.perf_counter() - start
    gold = gold_items(discussion)
    strict = precision_recall(candidates, gold, strict=True)
    lenient = precision_recall(candidates, gold, strict=False)
    by_kind = {
        kind: precision_recall(
            [c for c in candidates if c.kind == kind],
            [g for g in gold if g.kind == kind],
            strict=True,
        )
        for kind in (PROPOSAL, OBJECTION)
    }
    top = candidates[: len(gold)]
    at_gold = precision_recall(top, gold, strict=False)
    return {
        "messages": len(parsed),
        "gold": len(gold),
        "candidates": len(candidates),
        "precision_strict": strict[0],
        "recall_strict": strict[1],
        "precision_any_kind": lenient[0],
        "recall_any_kind": lenient[1],
        "precision_at_gold_size": at_gold[0],
        "precision_proposals": by_kind[PROPOSAL][0],
        "recall_proposals": by_kind[PROPOSAL][1],
        "precision_objections": by_kind[OBJECTION][0],
        "recall_objections": by_kind[OBJECTION][1],
        "seconds": seconds,
    }


def corpora_figures() -> list[tuple[str, int, int, float]]:
    rows = []
    for folder in sorted(p for p in CORPORA.iterdir() if p.is_dir()):
        messages = _source_messages([folder])
        start = time.perf_counter()
        found = extract(messages)
        rows.append((folder.name, len(messages), len(found), time.perf_counter() - start))
    return rows


def main() -> None:
    figures = seed_figures()
    print(
        f"extract on the seed thread ({figures['messages']:.0f} messages, "
        f"{figures['gold']:.0f} curated proposals and objections):"
    )
    print(f"  candidates          {figures['candidates']:.0f}")
    print(
        f"  strict (same kind)  precision {figures['precision_strict']:.2f}  "
        f"recall {figures['recall_strict']:.2f}"
    )
    print(
        f"  any kind            precision {figures['precision_any_kind']:.2f}  "
        f"recall {figures['recall_any_kind']:.2f}"
    )
    for kind in ("proposals", "objections"):
        print(
            f"  {kind:19} precision {figures['precision_' + kind]:.2f}  "
            f"recall {figures['recall_' + kind]:.2f}"
        )
    print(f"  top-{figures['gold']:.0f} precision   {figures['precision_at_gold_size']:.2f}")
    print(f"  time                {figures['seconds'] * 1000:.1f} ms")
    if CORPORA.is_dir():
        print("extract on the corpora:")
        for name, messages, found, seconds in corpora_figures():
            print(
                f"  {name:22} {messages:4} messages  {found:4} candidates  {seconds * 1000:7.1f} ms"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
