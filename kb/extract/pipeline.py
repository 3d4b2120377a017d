"""Extraction of one thread: structure first, the classifier for the prose, then ranking and links.

Every message's own sentences are read (`sentences.read_message`). The structural rules
(`structure`) turn what mail says without prose — patch postings, revisions, trailers, a
maintainer's "Applied", option lists and votes — into candidates; every other sentence is scored
by the classifier and kept when it is likely enough to be a proposal, objection or support.
Candidates are then linked to what they argue about (`linking`) and ranked, strongest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from threadlore.kb.extract.candidates import Candidate, SourceMessage
from threadlore.kb.extract.classifier import NEITHER, SentenceModel, shipped_model
from threadlore.kb.extract.features import (
    lead_shingle,
    message_facts,
    sentence_features,
    shingles,
)
from threadlore.kb.extract.linking import group_near_duplicates, link_targets
from threadlore.kb.extract.sentences import Sentence, read_message
from threadlore.kb.extract.structure import ThreadView, structural_candidates


def thread_view(messages: Iterable[SourceMessage]) -> ThreadView:
    """A thread's messages in date order (undated ones last), each with its own sentences read."""
    ordered = sorted(messages, key=lambda m: (m.date is None, m.date.timestamp() if m.date else 0))
    return ThreadView(ordered, {m.message_id: read_message(m.body, m.author) for m in ordered})


def featured_sentences(
    view: ThreadView,
) -> Iterator[tuple[SourceMessage, Sentence, set[str]]]:
    """Every prose sentence of the thread (trailer lines left to the rules) with its features."""
    starter = view.messages[0].author if view.messages else None
    answered_in: dict[tuple[str, ...], set[str]] = {}
    for message in view.messages:
        for quote in view.texts[message.message_id].answered_quotes:
            for run in shingles(quote):
                answered_in.setdefault(run, set()).add(message.message_id)
    for position, message in enumerate(view.messages):
        text = view.texts[message.message_id]
        facts = message_facts(message, text, is_first=position == 0, starter=starter)
        for sentence in text.sentences:
            if sentence.trailer_key is None:
                lead = lead_shingle(sentence.text)
                repliers = answered_in.get(lead, set()) if lead else set()
                answered = bool(repliers - {message.message_id})
                yield message, sentence, sentence_features(sentence, facts, answered=answered)


def classifier_candidates(view: ThreadView, model: SentenceModel) -> list[Candidate]:
    """The sentences the classifier finds likely enough to be a proposal, objection or support."""
    found = []
    for message, sentence, features in featured_sentences(view):
        probabilities = model.probabilities(features)
        score = 1.0 - probabilities[NEITHER]
        if score >= model.threshold:
            kind = max((k for k in probabilities if k != NEITHER), key=probabilities.__getitem__)
            found.append(
                Candidate(
                    message_id=message.message_id,
                    author=message.author,
                    date=message.date,
                    kind=kind,
                    sentence=sentence.text,
                    offset=sentence.offset,
                    evidence=(f"classifier: {kind} {probabilities[kind]:.2f}",),
                    score=round(score, 4),
                )
            )
    return found


def extract(
    messages: Iterable[SourceMessage], model: SentenceModel | None = None
) -> list[Candidate]:
    """Every candidate of one thread, strongest first (then in thread order), each marked
    `confident` when its score reaches the model's confident threshold.

    `model` defaults to the shipped one; the benchmark passes models that never saw the thread.
    """
    model = model or shipped_model()
    view = thread_view(messages)
    structural = structural_candidates(view, model.rule_precision)
    taken = {(c.message_id, c.offset) for c in structural}
    prose = [c for c in classifier_candidates(view, model) if c.ref not in taken]
    linked = link_targets(view, [*structural, *prose])
    order = {m.message_id: i for i, m in enumerate(view.messages)}
    ranked = sorted(linked, key=lambda c: (-c.score, order[c.message_id], c.offset, c.kind))
    return [replace(c, confident=c.score >= model.confident) for c in group_near_duplicates(ranked)]
