"""What each candidate argues about, which candidates say the same thing, and what answered whom.

- An objection or support found in prose targets the candidate it answers: the one whose words
  the reply quotes right above it, else the strongest proposal of the message it replies to,
  else the nearest proposal up the reply chain.
- Candidates of one kind whose words mostly coincide (a restatement, the same trailer twice)
  share a group, numbered by the strongest of them.
- A revision's "Changes since v1: … (suggested by X)" line marks X's candidates in the replies
  to the earlier revision as addressed in that line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from threadlore.kb.extract.candidates import (
    DECISION,
    PROPOSAL,
    Candidate,
    SentenceRef,
    SourceMessage,
)
from threadlore.kb.extract.structure import REVISION, ThreadView

NEAR_DUPLICATE = 0.6
"""The share of words (Jaccard) above which two candidates of one kind say the same thing."""
QUOTE_TAIL = 200
"""How much of the quoted text right above a reply counts as what it answers first."""
_WORD = re.compile(r"[a-z0-9_']+")
_CREDIT = re.compile(
    r"\b(?:suggested|requested|reported|pointed out|noticed|spotted)\s+by\s+(?P<name>[^,;)]+)"
    r"|\b(?:thanks to|per)\s+(?P<thanks>[^,;)']+?)(?:'s)?\s+(?:review|suggestion|comment)",
    re.IGNORECASE,
)
_CHANGES = re.compile(
    r"\b(?:changes?|changed|changelog)\s+(?:since|from|in|for)\s+v?\d|\bv\d+\s*(?:->|to)\s*v\d",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


def _quoted_target(
    view: ThreadView, message: SourceMessage, quoted: str, by_message: dict[str, list[Candidate]]
) -> Candidate | None:
    """The candidate in an earlier message whose sentence the quoted text repeats, the one
    quoted last (nearest the reply) first."""
    if not quoted:
        return None
    earlier = [c for a in view.ancestors(message) for c in by_message.get(a.message_id, ())]
    for tail in (quoted[-QUOTE_TAIL:], quoted):
        quoted_words = _words(tail)
        for candidate in earlier:
            words = _words(candidate.sentence)
            if words and len(words & quoted_words) * 4 >= len(words) * 3:
                return candidate
    return None


def _fallback_target(
    view: ThreadView, message: SourceMessage, by_message: dict[str, list[Candidate]]
) -> Candidate | None:
    for ancestor in view.ancestors(message):
        proposals = [c for c in by_message.get(ancestor.message_id, ()) if c.kind == PROPOSAL]
        if proposals:
            return max(proposals, key=lambda c: c.score)
    return None


def _addressed(view: ThreadView, candidates: Sequence[Candidate]) -> dict[SentenceRef, SentenceRef]:
    """Review candidates a later revision credits, mapped to the crediting changelog line."""
    addressed: dict[SentenceRef, SentenceRef] = {}
    for decision in candidates:
        if decision.origin != REVISION or decision.target is None:
            continue
        earlier = view.by_id.get(decision.target[0])
        text = view.texts.get(decision.message_id)
        if earlier is None or text is None:
            continue
        in_changes = False
        for sentence in text.sentences:
            in_changes = in_changes or bool(_CHANGES.search(sentence.text))
            credit = _CREDIT.search(sentence.text) if in_changes else None
            if credit is None:
                continue
            name = (credit["name"] or credit["thanks"]).strip().casefold()
            for review in candidates:
                reply = view.by_id.get(review.message_id)
                if (
                    reply is not None
                    and review.kind != PROPOSAL
                    and review.author is not None
                    and name.split()[0] in review.author.casefold()
                    and earlier in view.ancestors(reply)
                ):
                    addressed.setdefault(review.ref, (decision.message_id, sentence.offset))
    return addressed


def link_targets(view: ThreadView, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates with targets filled in where the reply structure tells them."""
    by_message: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_message.setdefault(candidate.message_id, []).append(candidate)
    linked = []
    for candidate in candidates:
        if candidate.target is None and candidate.kind not in (PROPOSAL, DECISION):
            message = view.by_id[candidate.message_id]
            sentence = view.sentence_at(candidate.ref)
            quoted = sentence.quoted_before if sentence else ""
            target = _quoted_target(view, message, quoted, by_message) or _fallback_target(
                view, message, by_message
            )
            if target is not None:
                candidate = replace(
                    candidate,
                    target=target.ref,
                    evidence=(*candidate.evidence, f"answers {target.author or 'someone'}"),
                )
        linked.append(candidate)
    addressed = _addressed(view, linked)
    return [replace(c, addressed_in=addressed[c.ref]) if c.ref in addressed else c for c in linked]


def group_near_duplicates(ranked: Sequence[Candidate]) -> list[Candidate]:
    """The candidates with `group` set on those that restate a stronger one of the same kind."""
    leaders: dict[str, list[tuple[int, frozenset[str]]]] = {}
    groups: dict[int, int] = {}
    for index, candidate in enumerate(ranked):
        words = _words(candidate.sentence)
        size = len(words)
        for leader_index, leader_words in leaders.setdefault(candidate.kind, []):
            # Jaccard >= t needs the smaller set to be at least t of the larger one.
            if min(size, len(leader_words)) < NEAR_DUPLICATE * max(size, len(leader_words)):
                continue
            shared = len(words & leader_words)
            if shared and shared >= NEAR_DUPLICATE * (size + len(leader_words) - shared):
                groups[index] = groups[leader_index] = leader_index
                break
        else:
            leaders[candidate.kind].append((index, words))
    return [replace(c, group=groups[i]) if i in groups else c for i, c in enumerate(ranked)]
