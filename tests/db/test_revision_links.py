"""Revision links: the nearest earlier patch, found by bisection, is the one a pass over the
whole group finds."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from threadlore.db.revisions import _Earlier, _PatchFacts


def _by_pass(patch: _PatchFacts, group: Sequence[_PatchFacts]) -> tuple[int, str] | None:
    """The definition: the latest (date, id) earlier patch by the same author that shares the
    subject (reason "subject") or else the files (reason "files")."""
    best: tuple[datetime, int, str] | None = None
    for other in group:
        if other.author != patch.author or other.date >= patch.date:
            continue
        if patch.subject_key and other.subject_key == patch.subject_key:
            reason = "subject"
        elif patch.files_key and other.files_key == patch.files_key:
            reason = "files"
        else:
            continue
        if best is None or (other.date, other.id) > best[:2]:
            best = (other.date, other.id, reason)
    return (best[1], best[2]) if best else None


def test_bisection_finds_what_a_pass_finds() -> None:
    rng = random.Random(15)
    start = datetime(2024, 1, 1)
    for _ in range(300):
        group = [
            _PatchFacts(
                id=i,
                author=rng.randint(1, 3),
                date=start + timedelta(days=rng.randint(0, 6)),  # ties on purpose
                subject_key=rng.choice(["", "mm: a", "mm: b"]),
                files_key=rng.choice(["", "mm/a.c#1", "mm/b.c#2"]),
            )
            for i in rng.sample(range(1, 60), rng.randint(1, 25))
        ]
        earlier = _Earlier(group)
        for patch in group:
            assert earlier.nearest(patch) == _by_pass(patch, group)
