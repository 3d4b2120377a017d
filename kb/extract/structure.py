"""Candidates that mail structure states without prose: patches, revisions, trailers, options.

- a patch posting (`[PATCH …]`, not a reply) is a proposal: the changelog or cover-letter sentence
  that says what it does;
- a later revision of the same patch supersedes the earlier (a decision; `linking` then marks
  the review comments its "Changes since v1: … (suggested by X)" lines credit as addressed);
- `Acked-by:` / `Reviewed-by:` / `Tested-by:` lines a reply adds support the patch, by that
  person; `Nacked-by:` and a reply opening with "NAK" object to it; a reply opening with
  "+1", "Ack", "Agreed", "LGTM", "Looks good" supports what it answers;
- a reply to a patch saying "Applied", "queued for …", "merged into …" is a decision: accepted,
  with the tree or commit when it names one;
- a numbered, lettered or "Option A" list introduced as options is one question with one
  proposal per item, and a later "I'd go with 2" supports item 2.

Each rule's candidates are scored with the precision the rule had on the training threads
(`SentenceModel.rule_precision`), so rules and classifier rank on one scale.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from threadlore.importers.subjects import clean_subject, is_reply_subject, parse_series_marker
from threadlore.kb.discussion import Status
from threadlore.kb.extract.candidates import (
    DECISION,
    OBJECTION,
    PROPOSAL,
    SUPPORT,
    Candidate,
    SentenceRef,
    SourceMessage,
)
from threadlore.kb.extract.sentences import MessageText, Sentence

SERIES, REVISION, TRAILER, MAINTAINER, OPTIONS, VOTE, AGREEMENT = (
    "series",
    "revision",
    "trailer",
    "maintainer",
    "options",
    "vote",
    "agreement",
)
RULES = (SERIES, REVISION, TRAILER, MAINTAINER, OPTIONS, VOTE, AGREEMENT)
UNMEASURED_PRECISION = 0.5
"""The score of a rule that never fired on the training threads."""

_SUPPORT_TRAILERS = frozenset({"acked-by", "reviewed-by", "tested-by"})
_OBJECTION_TRAILERS = frozenset({"nacked-by", "naked-by"})
_NAK = re.compile(r"^(?:NAK|NACK)(?:ed)?\b", re.IGNORECASE)
SAYS_WHAT_IT_DOES = re.compile(
    r"^(?:this (?:patch|series|commit|change|set)\b|(?:so )?(?:fix|add|make|use|remove|introduce|"
    r"replace|convert|move|avoid|allow|teach|let|switch|rework|implement|extend|drop|split|"
    r"update|document|define|rename|change|provide|enable|disable|support|refactor|clean|"
    r"simplify|export|return|check|handle|mark|set|stop|skip|limit|reduce|restrict|keep|pass|"
    r"print|warn|increase|decrease|bump|revert|defer|only|always|never|don't|do not)\b)",
    re.IGNORECASE,
)
_APPLIED = re.compile(
    r"^(?:thanks[,!.]?\s*|(?:and\s+)?(?:now\s+)?)?(?:i(?:'ve| have)?\s+|we(?:'ve| have)?\s+)?"
    r"(?:just\s+|now\s+)?(?:applied|queued|merged|pulled|picked(?: it)? up|committed|pushed|"
    r"taken|will (?:apply|queue|merge|take)|(?:'ll|will) (?:apply|queue|merge|take))\b",
    re.IGNORECASE,
)
_AGREEMENT = re.compile(
    r"^(?:\+1\b|ack(?:ed)?\b(?!-by)|agreed?\b|lgtm\b|(?:this |that |it )?(?:looks|sounds) "
    r"(?:good|great|fine|sane|reasonable)|i (?:fully |totally |completely )?agree\b)",
    re.IGNORECASE,
)
_RESERVATION = re.compile(r"\b(?:but|however|though|although|except)\b", re.IGNORECASE)
_NOT_A_DECISION = re.compile(r"\b(?:test|tested|works?|boots?|compil|build|reproduc)", re.I)
_TREE = re.compile(
    r"\b(?:to|into|in|for)\s+(?:the\s+)?(?P<tree>[\w./-]*[\w/-]+(?:\s+(?:tree|branch))?)",
    re.IGNORECASE,
)
_COMMIT = re.compile(r"\b[0-9a-f]{7,40}\b")
_OPTION_INTRO = re.compile(
    r"\b(?:options?|alternatives?|approach(?:es)?|ways?|choices?|solutions?|either|possib\w+"
    r"|proposals?|ideas?|two|three|four|five|several|multiple|various|different)\b",
    re.IGNORECASE,
)
_CHOICE_END = r"(?=\s*(?:$|[.,;:!?)]|(?:as|since|because|too|then|over|but|here)\b))"
_VOTE = re.compile(
    r"(?:i'?d\s+(?:go|vote|opt)\s+(?:for|with)|i\s+(?:prefer|vote\s+for|like|favou?r)|"
    r"\+1\s+(?:for|on)|(?:go|going)\s+with|my\s+(?:vote|preference)\s+(?:is|would be|goes to))"
    r"\s+(?:(?:option|approach|solution|alternative|choice|number|#)\s*\(?(?P<named>\w{1,2})\)?"
    r"|\((?P<paren>\w{1,2})\)|(?P<digit>\d{1,2}))" + _CHOICE_END + r"|"
    r"^(?:\((?P<first>\w)\)|(?P<closed>\w)\)|(?P<number>\d{1,2}))\s+(?:sounds|seems|is|looks)\s+"
    r"(?:best|better|good|right|preferable|like the (?:best|right))",
    re.IGNORECASE,
)
"""A reply picking an option by its label: "I'd go with 2", "+1 for option B", "(c) sounds best"."""
_PERSON = re.compile(r"^\s*\"?(?P<name>[^<\"]+?)\"?\s*(?:<[^>]*>)?\s*$")


@dataclass
class ThreadView:
    """A thread's messages in order, their own sentences, and how they reply to each other."""

    messages: Sequence[SourceMessage]
    texts: Mapping[str, MessageText]
    by_id: dict[str, SourceMessage] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {m.message_id: m for m in self.messages}

    def ancestors(self, message: SourceMessage) -> Iterator[SourceMessage]:
        """The message's parent, grandparent, … as far as the thread has them."""
        seen = {message.message_id}
        parent_id = message.parent_id
        while parent_id is not None and parent_id in self.by_id and parent_id not in seen:
            seen.add(parent_id)
            parent = self.by_id[parent_id]
            yield parent
            parent_id = parent.parent_id

    def sentence_at(self, ref: SentenceRef) -> Sentence | None:
        text = self.texts.get(ref[0])
        return next((s for s in text.sentences if s.offset == ref[1]), None) if text else None


def is_patch_posting(message: SourceMessage) -> bool:
    """A message that posts a patch or a cover letter, as opposed to a reply about one."""
    return (
        not is_reply_subject(message.subject) and parse_series_marker(message.subject) is not None
    )


def _candidate(
    message: SourceMessage,
    sentence: Sentence,
    kind: str,
    origin: str,
    evidence: str,
    precision: Mapping[str, float],
    **extra: object,
) -> Candidate:
    return Candidate(
        message_id=message.message_id,
        author=message.author,
        date=message.date,
        kind=kind,
        sentence=sentence.text,
        offset=sentence.offset,
        evidence=(evidence,),
        score=precision.get(origin, UNMEASURED_PRECISION),
        origin=origin,
        **extra,  # type: ignore[arg-type]
    )


def posting_sentence(text: MessageText) -> Sentence | None:
    """The sentence of a patch posting that says what it does.

    The first changelog (or cover letter) sentence that opens like a summary ("This patch …",
    an imperative "Fix …", "Add …"), else the first sentence that does not introduce something
    (":"), is not a greeting and is not a trailer.
    """
    prose = [
        s
        for s in text.sentences
        if s.trailer_key is None and not s.after_separator and len(s.text.split()) >= 4
    ]
    summary = next((s for s in prose if SAYS_WHAT_IT_DOES.match(s.text)), None)
    return summary or next((s for s in prose if not s.text.endswith(":")), None)


def _posting_candidates(view: ThreadView, precision: Mapping[str, float]) -> dict[str, Candidate]:
    """Each patch posting's proposal, by message id."""
    found = {}
    for message in view.messages:
        if not is_patch_posting(message):
            continue
        sentence = posting_sentence(view.texts[message.message_id])
        if sentence is None:
            continue
        marker = parse_series_marker(message.subject)
        assert marker is not None
        where = f"{marker.index}/{marker.total}" if not marker.inferred else "single patch"
        found[message.message_id] = _candidate(
            message,
            sentence,
            PROPOSAL,
            SERIES,
            f"patch posting v{marker.version} {where}: {clean_subject(message.subject)}",
            precision,
        )
    return found


def _revision_candidates(
    view: ThreadView, postings: Mapping[str, Candidate], precision: Mapping[str, float]
) -> list[Candidate]:
    """A decision "superseded" for each patch a later version of the same patch replaces."""
    latest: dict[tuple[str, int], tuple[int, Candidate]] = {}
    found = []
    for message in view.messages:
        posting = postings.get(message.message_id)
        marker = parse_series_marker(message.subject)
        if posting is None or marker is None:
            continue
        key = (clean_subject(message.subject).casefold(), marker.index)
        earlier = latest.get(key)
        if earlier is not None and earlier[0] < marker.version:
            sentence = view.sentence_at(posting.ref)
            assert sentence is not None
            found.append(
                _candidate(
                    message,
                    sentence,
                    DECISION,
                    REVISION,
                    f"v{marker.version} supersedes v{earlier[0]}",
                    precision,
                    target=earlier[1].ref,
                    status=Status.SUPERSEDED.value,
                )
            )
        if earlier is None or earlier[0] <= marker.version:
            latest[key] = (marker.version, posting)
    return found


def _posting_of(
    view: ThreadView, message: SourceMessage, postings: Mapping[str, Candidate]
) -> Candidate | None:
    return next(
        (postings[a.message_id] for a in view.ancestors(message) if a.message_id in postings), None
    )


def trailer_person(sentence: Sentence) -> str:
    """The name in a trailer line ("Acked-by: Jane Doe <jane@x>" → "Jane Doe")."""
    value = sentence.text.split(":", 1)[1]
    match = _PERSON.match(value)
    return match["name"].strip() if match else value.strip()


def _reply_candidates(
    view: ThreadView, postings: Mapping[str, Candidate], precision: Mapping[str, float]
) -> list[Candidate]:
    """Trailers, NAKs and maintainers' decisions in the replies to patch postings."""
    found = []
    for message in view.messages:
        if is_patch_posting(message):
            continue
        posting = _posting_of(view, message, postings)
        target = posting.ref if posting else None
        for sentence in view.texts[message.message_id].sentences:
            key = sentence.trailer_key
            if key in _SUPPORT_TRAILERS or key in _OBJECTION_TRAILERS:
                kind = SUPPORT if key in _SUPPORT_TRAILERS else OBJECTION
                found.append(
                    _candidate(
                        message,
                        sentence,
                        kind,
                        TRAILER,
                        f"{sentence.text.split(':', 1)[0]} in a reply",
                        precision,
                        target=target,
                    )
                )
                found[-1] = replace(found[-1], author=trailer_person(sentence))
            elif (
                key is None
                and _AGREEMENT.match(sentence.text)
                and not _RESERVATION.search(sentence.text)
            ):
                found.append(_candidate(message, sentence, SUPPORT, AGREEMENT, "agrees", precision))
            elif key is None and _NAK.match(sentence.text):
                found.append(
                    _candidate(
                        message, sentence, OBJECTION, TRAILER, "NAK", precision, target=target
                    )
                )
            elif (
                posting is not None
                and key is None
                and _APPLIED.match(sentence.text)
                and not _NOT_A_DECISION.search(sentence.text)
            ):
                found.append(
                    _candidate(
                        message,
                        sentence,
                        DECISION,
                        MAINTAINER,
                        _where_applied(sentence.text),
                        precision,
                        target=target,
                        status=Status.ACCEPTED.value,
                    )
                )
    return found


def _where_applied(text: str) -> str:
    """ "applied" with the tree or commit the maintainer names, when there is one."""
    parts = ["a reply to the patch says it was applied"]
    tree = _TREE.search(text)
    if tree:
        parts.append(f"tree: {tree['tree']}")
    commit = _COMMIT.search(text)
    if commit:
        parts.append(f"commit: {commit[0]}")
    return "; ".join(parts)


def _option_lists(text: MessageText) -> list[tuple[str, list[Sentence]]]:
    """The message's lists introduced as options: (the intro, the items' opening sentences)."""
    lists: dict[str, list[Sentence]] = {}
    for sentence in text.sentences:
        if sentence.list_label is not None and sentence.list_label not in "-*•+":
            lists.setdefault(sentence.intro, []).append(sentence)
    return [
        (intro, items)
        for intro, items in lists.items()
        if len(items) >= 2
        and (_OPTION_INTRO.search(intro) or all(s.text.endswith("?") for s in items))
    ]


def _option_candidates(
    view: ThreadView, precision: Mapping[str, float]
) -> tuple[list[Candidate], dict[str, dict[str, Candidate]]]:
    """One proposal per option, and each message's options by label (for votes)."""
    found: list[Candidate] = []
    by_message: dict[str, dict[str, Candidate]] = {}
    for message in view.messages:
        for intro, items in _option_lists(view.texts[message.message_id]):
            for item in items:
                candidate = _candidate(
                    message,
                    item,
                    PROPOSAL,
                    OPTIONS,
                    f"option {item.list_label} of {len(items)} after: {intro[:60]}",
                    precision,
                    question=intro,
                )
                found.append(candidate)
                by_message.setdefault(message.message_id, {})[item.list_label or ""] = candidate
    return found, by_message


def _vote_candidates(
    view: ThreadView,
    options: Mapping[str, Mapping[str, Candidate]],
    precision: Mapping[str, float],
) -> list[Candidate]:
    """Replies that pick an option by its label: support for that option."""
    found = []
    for message in view.messages:
        earlier = [a.message_id for a in view.ancestors(message) if a.message_id in options]
        earlier += [m for m in options if m not in earlier and m != message.message_id]
        if not earlier:
            continue
        for sentence in view.texts[message.message_id].sentences:
            vote = _VOTE.search(sentence.text)
            if vote is None:
                continue
            label = next(v for v in vote.groups() if v).lower()
            chosen = next((options[m][label] for m in earlier if label in options[m]), None)
            if chosen is not None:
                found.append(
                    _candidate(
                        message,
                        sentence,
                        SUPPORT,
                        VOTE,
                        f"votes for option {label}",
                        precision,
                        target=chosen.ref,
                    )
                )
    return found


def structural_candidates(view: ThreadView, precision: Mapping[str, float]) -> list[Candidate]:
    """Every candidate the structural rules find in the thread (one per sentence and kind)."""
    postings = _posting_candidates(view, precision)
    options, by_label = _option_candidates(view, precision)
    found = [
        *postings.values(),
        *_revision_candidates(view, postings, precision),
        *_reply_candidates(view, postings, precision),
        *options,
        *_vote_candidates(view, by_label, precision),
    ]
    unique: dict[tuple[str, int, str], Candidate] = {}
    for candidate in found:
        unique.setdefault((candidate.message_id, candidate.offset, candidate.kind), candidate)
    return list(unique.values())
