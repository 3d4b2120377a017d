"""Loose topic matching: `nonlinear`, `remap_file_pages`, `->fault`, `truncate race` find a topic.

A query and a topic's words are compared after folding case and punctuation ("->fault" and
"fault", "remap_file_pages" and "remap file pages" are the same), so a reader can type what the
thread says rather than the map's ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from threadlore.kb.discussion import DiscussionMap, Question, Topic

EXACT, PHRASE, WORDS = 3, 2, 1


def fold(text: str) -> str:
    """Lower case, punctuation and underscores as spaces: the form topics are compared in."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def _contains_phrase(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def _score(query: str, names: Sequence[str]) -> int:
    folded = [fold(n) for n in names]
    if query in folded:
        return EXACT
    if any(_contains_phrase(n, query) for n in folded):
        return PHRASE
    words = set(" ".join(folded).split())
    return WORDS if query and set(query.split()) <= words else 0


@dataclass(frozen=True)
class TopicMatch:
    """A topic and the questions a query finds in it; `score` ranks matches (3 best)."""

    topic: Topic
    questions: tuple[Question, ...]
    score: int


def match_topics(discussion: DiscussionMap, query: str) -> list[TopicMatch]:
    """The topics (with their questions) that a query names, best first; empty if none.

    A topic matches by its id, title or keywords; a question's own keywords and title can also
    pull in its topic, limited to that question ("page_mkclean" finds the nonlinear question).
    """
    folded = fold(query)
    if not folded:
        return []
    matches: list[TopicMatch] = []
    for topic in discussion.topics:
        own = [q for q in discussion.questions if q.topic_id == topic.id]
        topic_score = _score(folded, [topic.id, topic.title, *topic.keywords])
        question_scores = {q.id: _score(folded, [q.id, q.title, *q.keywords]) for q in own}
        best_question = max(question_scores.values(), default=0)
        if topic_score >= best_question and topic_score > 0:
            matches.append(TopicMatch(topic, tuple(own), topic_score))
        elif best_question > 0:
            chosen = tuple(q for q in own if question_scores[q.id] == best_question)
            matches.append(TopicMatch(topic, chosen, best_question))
    if not matches:
        return []
    top = max(m.score for m in matches)
    return [m for m in matches if m.score == top]
