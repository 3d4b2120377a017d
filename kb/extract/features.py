"""The features the sentence classifier weighs: what a reviewer looks at to tell a proposal.

Each sentence becomes a set of named binary features: its word n-grams (with the sentence's
start and end marked, so "^ no" and "? $" are cues of their own), negation, modal verbs, person,
whether a question puts something forward ("How about …?", "Why not …?") or asks for
information, whether a statement is plain (no modal, person or negation), whether it reads like
a log or code line, its place in the message and how far below the quote it answers, whether it
answers a quoted question or follows quoted text at all, whether it is in a patch's changelog
(saying what the patch does, or stating the problem) or below the `---`, and what the message
is (a patch posting, a reply, the thread's first message, by the thread's starter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from threadlore.importers.subjects import is_reply_subject, parse_series_marker
from threadlore.kb.extract.candidates import SourceMessage
from threadlore.kb.extract.sentences import MessageText, Sentence
from threadlore.kb.extract.structure import SAYS_WHAT_IT_DOES

_TOKEN = re.compile(r"[a-z][a-z0-9_'\-]*(?:\(\))?|\d+|[?!:;]|->|[+]1")
_CODE = re.compile(r"[_(){}\[\];=<>/*|\\]")
NEGATIONS = frozenset(
    {"not", "no", "never", "nothing", "nor", "cannot", "nak", "nack", "without", "neither"}
)
_PERSONAL = frozenset({"i", "i'd", "i'm", "i'll", "we", "we'd", "let's", "you", "you'd", "us"})
MODALS = frozenset({"could", "should", "would", "might", "may", "must", "can", "shall", "ought"})
_OPTION_WORDS = re.compile(
    r"\b(?:options?|alternatives?|approach(?:es)?|ways?|choices?|solutions?|either|possib\w+)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://|www\.")
_SUGGESTING_QUESTION = re.compile(
    r"^(?:\W*\w+,\s*)?(?:how about|what about|why not|why don't|why do(?:es)? \w+ need"
    r"|(?:should|shouldn't|could|couldn't|can|can't|cannot|would|wouldn't|shall|must)"
    r" (?:we|you|it|this|that|they)"
    r"|is(?:n't)? (?:it|this|that) (?:better|worth|enough|possible)|do we (?:really )?(?:need|want)"
    r"|wouldn't it|isn't it|would it)\b",
    re.IGNORECASE,
)
"""How a question that puts something forward or pushes back starts ("How about …?", "Why not
…?", "Should we …?"), unlike one that asks for information ("Which kernel …?")."""
_NOT_PROSE = re.compile(r"^[\W_]*$|[\d%./:=_\\\[\]<>$#@]")
_WORDS = re.compile(r"[a-z0-9_']+")


@dataclass(frozen=True)
class MessageFacts:
    """What the classifier knows of the message a sentence is in."""

    is_first: bool
    is_reply: bool
    patch_subject: bool
    rfc_subject: bool
    has_patch: bool
    by_starter: bool
    has_quotes: bool
    sentences: int


def message_facts(
    message: SourceMessage, text: MessageText, *, is_first: bool, starter: str | None
) -> MessageFacts:
    subject = message.subject
    return MessageFacts(
        is_first=is_first,
        is_reply=is_reply_subject(subject) or message.parent_id is not None,
        patch_subject=parse_series_marker(subject) is not None,
        rfc_subject="rfc" in subject.casefold(),
        has_patch=text.has_patch or message.has_patch,
        by_starter=starter is not None and message.author == starter and not is_first,
        has_quotes=text.quoted_lines > 0,
        sentences=len(text.sentences),
    )


def tokens(text: str) -> list[str]:
    """Lower-case words (identifiers and numbers folded to a placeholder), and cue punctuation."""
    found = []
    for token in _TOKEN.findall(text.casefold().replace("\u2019", "'")):
        if token.isdigit():
            token = "<num>"
        elif "_" in token or token.endswith("()"):
            token = "<code>"
        found.append(token)
    return found


SHINGLE = 5
"""Words in the run that tells a sentence was quoted in a reply."""


def shingles(text: str) -> set[tuple[str, ...]]:
    """Every run of SHINGLE consecutive words of a text."""
    words = _WORDS.findall(text.casefold())
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def lead_shingle(text: str) -> tuple[str, ...] | None:
    """The sentence's first SHINGLE words (None when it is shorter: too short to tell)."""
    words = _WORDS.findall(text.casefold())
    return tuple(words[:SHINGLE]) if len(words) >= SHINGLE else None


def _length_bucket(words: int) -> str:
    for limit, name in ((3, "1-3"), (8, "4-8"), (20, "9-20"), (40, "21-40")):
        if words <= limit:
            return name
    return "41+"


def _size_bucket(sentences: int) -> str:
    for limit, name in ((2, "1-2"), (6, "3-6"), (15, "7-15"), (40, "16-40")):
        if sentences <= limit:
            return name
    return "41+"


def sentence_features(sentence: Sentence, facts: MessageFacts, *, answered: bool) -> set[str]:
    """The binary features of one sentence in its message; `answered` when a reply quotes it
    and answers below the quote."""
    words = tokens(sentence.text)
    marked = ["^", *words, "$"]
    found = {f"w:{w}" for w in words}
    found.update(f"b:{a} {b}" for a, b in pairwise(marked))
    found.add(f"start:{' '.join(words[:2])}")
    word_set = set(words)
    if word_set & NEGATIONS or any(w.endswith("n't") for w in words):
        found.add("negation")
    modals = word_set & MODALS
    if modals:
        found.add("modal")
        if word_set & {"we", "you", "i"}:
            found.add("modal+person")
    for person, names in (("i", {"i", "i'd", "i'm", "i'll"}), ("we", {"we", "we'd", "let's"})):
        if word_set & names:
            found.add(f"person:{person}")
    if word_set & {"you", "your", "you're", "you'd"}:
        found.add("person:you")
    text = sentence.text.rstrip()
    if text.endswith("?"):
        found.add("question")
        kind = "suggests" if _SUGGESTING_QUESTION.search(text) else "asks"
        found.add(f"question:{kind}")
        if sentence.quoted_before:
            found.add(f"question:{kind}+after-quote")
    elif not (modals or "negation" in found or word_set & _PERSONAL):
        found.add("plain-statement")
    if text.endswith(":"):
        found.add("ends-colon")
    symbols = len(_CODE.findall(text))
    if symbols * 12 > len(text):
        found.add("code-like")
    pieces = text.split()
    if len(pieces) >= 3 and 3 * sum(bool(_NOT_PROSE.search(p)) for p in pieces) > len(pieces):
        found.add("log-like")
    if _URL.search(text):
        found.add("url")
    found.add(f"len:{_length_bucket(len(words))}")
    position = sentence.index
    found.add("pos:first" if position == 0 else "pos:early" if position < 3 else "pos:later")
    if position == facts.sentences - 1:
        found.add("pos:last")
    found.add(f"pos:quarter-{4 * position // max(facts.sentences, 1)}")
    found.add(f"msg:size-{_size_bucket(facts.sentences)}")
    if sentence.first_in_paragraph:
        found.add("paragraph-start")
    if sentence.quoted_before:
        found.add("after-quote")
    if sentence.since_quote is not None:
        found.add(f"since-quote:{min(sentence.since_quote, 2)}")
    if sentence.answers_question:
        found.add("answers-question")
    if answered:
        found.add("answered-in-reply")
    if sentence.in_changelog:
        found.add("changelog")
        if position == 0:
            found.add("changelog-first")
        says = "does" if SAYS_WHAT_IT_DOES.match(text) else "states"
        found.add(f"changelog:{says}")
    if sentence.after_separator:
        found.add("below-separator")
    if sentence.trailer_key:
        found.add(f"trailer:{sentence.trailer_key}")
    if sentence.list_label:
        found.add("list-item")
        if _OPTION_WORDS.search(sentence.intro):
            found.add("list-of-options")
    for name, value in (
        ("msg:first", facts.is_first),
        ("msg:reply", facts.is_reply),
        ("msg:patch-subject", facts.patch_subject),
        ("msg:rfc", facts.rfc_subject),
        ("msg:has-patch", facts.has_patch),
        ("msg:by-starter", facts.by_starter),
        ("msg:no-quotes", not facts.has_quotes),
    ):
        if value:
            found.add(name)
    return found
