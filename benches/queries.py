"""The searches every benchmarked tool answers, written once and spelled by each tool its own way.

Words come from benches/generate_archive.py's vocabulary and names, so each query finds messages
in every generated archive: common words (most messages match, and the tool must pick the newest
page), pairs, a phrase, a sender, a subject word, and a sender with a word.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    """One search: every part given must match. Words and the phrase match subject or body."""

    label: str
    words: tuple[str, ...] = ()
    phrase: str | None = None
    author: str | None = None  # a word of the sender's name or address
    subject: str | None = None  # a word of the subject


QUERIES = (
    Query("one word", words=("nonlinear",)),
    Query("two words", words=("truncate", "deadlock")),
    Query("phrase", phrase="page lock"),
    Query("sender", author="miklos"),
    Query("subject word", subject="writeback"),
    Query("sender and word", words=("reclaim",), author="piggin"),
)
PAGE = 50  # results asked for: one screen's worth, newest first
