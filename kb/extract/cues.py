"""The first extractor, kept as the benchmark's baseline: proposals and objections by cue phrases.

Each message's own prose (quoted replies, signatures and patches left out) is split into
sentences; a sentence that contains proposal cues ("we could", "I think the proper way is",
"what about") or objection cues ("I don't think that's viable", "doesn't make sense", "would make
it a doorstop") becomes a candidate, scored by the strength of its cues. The sentence is kept
verbatim (up to whitespace), so an accepted candidate can become a map quote unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from threadlore.kb.extract.candidates import OBJECTION, PROPOSAL, Candidate, SourceMessage
from threadlore.kb.quoting import normalize_space

# (cue, weight): 3 says what it is on its own, 2 usually does, 1 only leans.
PROPOSAL_CUES: tuple[tuple[str, int], ...] = (
    ("i think the proper way", 3),
    ("the best thing to do is", 3),
    ("why don't we", 3),
    ("what about", 3),
    ("how about", 3),
    ("i propose", 3),
    ("i suggest", 3),
    ("we could", 3),
    ("we can just", 3),
    ("could be allowed", 3),
    ("i'd like to get opinions", 3),
    ("there could be", 2),
    ("i'd rather", 2),
    ("maybe it's better to", 3),
    ("i'd guess that i should", 2),
    ("this patch introduces", 2),
    ("the first step would be", 2),
    ("let's", 2),
    ("we should", 2),
    ("we need to", 2),
    ("should stay", 2),
    ("could always", 2),
    ("what do you think about", 3),
    ("might be a good option", 3),
    ("would be nice", 2),
    ("i think", 2),
    ("i hope", 2),
    ("if we", 2),
    ("should", 1),
    ("you can", 1),
    ("for example", 1),
    ("we'll always have the option", 2),
    ("remove", 1),
    ("allow", 1),
    ("restrict", 1),
    ("emulate", 1),
    ("instead", 1),
    ("option", 1),
)
OBJECTION_CUES: tuple[tuple[str, int], ...] = (
    ("i don't think that's viable", 3),
    ("i don't think that's a viable", 3),
    ("doesn't make sense", 3),
    ("would make it a doorstop", 3),
    ("doesn't buy you much", 3),
    ("similarly pointless", 3),
    ("please not", 3),
    ("is unwanted", 3),
    ("too costly", 3),
    ("too heavyweight", 3),
    ("not happy", 2),
    ("doubtful", 2),
    ("it still hurts", 3),
    ("a doorstop", 2),
    ("darn slow", 2),
    ("the problem", 2),
    ("downside", 2),
    ("would break", 2),
    ("break", 1),
    ("won't", 1),
    ("can't", 1),
    ("don't think", 1),
    ("however", 1),
    ("but ", 1),
    ("eliminates", 2),
    ("dos", 1),
    ("deadlock", 1),
    ("pointless", 2),
    ("how well has this been tested", 3),
    ("isn't worth", 2),
    ("doesn't even", 2),
    ("won't even", 2),
    ("not sure", 2),
    ("awkward", 2),
    ("hard to review", 2),
    ("fails", 2),
    ("bogus", 2),
    ("broken", 2),
    ("costly", 2),
    ("untested", 2),
    ("hurts", 2),
    ("unfortunately", 2),
    ("why was", 2),
    ("slow", 1),
    ("exploit", 1),
    ("doesn't", 1),
)
MIN_SCORE = 2
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
_DIFF_START = re.compile(r"^(Index: |diff --git |--- |\+\+\+ |@@ |={5,})")
_DIFFSTAT = re.compile(r"^\s*\S+\s+\|\s+\d+")
_ATTRIBUTION = re.compile(r"(wrote|writes|said):\s*$|^\s*\[\.\.\.\]\s*$")


def own_prose(body: str) -> list[str]:
    """The author's own paragraphs: no quoted lines or their attributions, signature, patch."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in body.splitlines():
        if line.rstrip() in ("--", "-- ") or _DIFF_START.match(line):
            break
        if line.lstrip().startswith(">") or _DIFFSTAT.match(line) or _ATTRIBUTION.search(line):
            continue
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _cues(sentence: str, cues: Sequence[tuple[str, int]]) -> tuple[tuple[str, ...], int]:
    text = f" {sentence.casefold()} "
    found = tuple(cue for cue, _w in cues if cue in text)
    strongest = max((w for cue, w in cues if cue in found), default=0)
    return found, strongest + max(0, len(found) - 1)


def classify(sentence: str) -> tuple[str, tuple[str, ...], int] | None:
    """(kind, cues, score) when the sentence carries enough cues, else None."""
    proposal_cues, proposal_score = _cues(sentence, PROPOSAL_CUES)
    objection_cues, objection_score = _cues(sentence, OBJECTION_CUES)
    if max(proposal_score, objection_score) < MIN_SCORE:
        return None
    if objection_score >= proposal_score:
        return OBJECTION, objection_cues, objection_score
    return PROPOSAL, proposal_cues, proposal_score


def cue_candidates(messages: Iterable[SourceMessage]) -> list[Candidate]:
    """Every candidate the cue phrases find in a thread, strongest first (then oldest first)."""
    found = []
    for message in messages:
        body = normalize_space(message.body)
        cursor = 0
        for paragraph in own_prose(message.body):
            for sentence in _SENTENCE_END.split(paragraph):
                verdict = classify(sentence)
                offset = body.find(normalize_space(sentence), cursor)
                if offset >= 0:
                    cursor = offset
                if verdict is None or len(sentence.split()) < 3 or offset < 0:
                    continue
                kind, cues, strength = verdict
                found.append(
                    Candidate(
                        message_id=message.message_id,
                        author=message.author,
                        date=message.date,
                        kind=kind,
                        sentence=normalize_space(sentence),
                        offset=offset,
                        evidence=cues,
                        score=min(1.0, strength / 5),
                        origin="cues",
                    )
                )
    return sorted(
        found,
        key=lambda c: (-c.score, c.date is None, c.date.timestamp() if c.date else 0.0, c.offset),
    )
