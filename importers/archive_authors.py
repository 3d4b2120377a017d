"""Who wrote an archive message: votes from signatures, addressing and replies, weighed together.

Each kind of evidence casts weighted votes for people of the page's directory (by person key):

- a signature the directory explains ("Dave." → Dave Airlie, a Signed-off-by: by address, a
  name signed in full that only signatures spell);
- a signature learned from the thread ("-- wli": the replies to messages signed so are addressed
  To: Bill Irwin), see `learn_signatures`;
- the addressing of a reply: a replier keeps the parent's recipients and its author but drops
  their own address, so the one address dropped names the author (new participants and people
  who Cc themselves drop nothing, and then this vote is simply missing);
- the replies to the message, which are addressed To: its author — most surely when a list
  rewrote that author's From ("Joel Fernandes via Ksummit-discuss <ksummit-discuss@...>"): the
  reply then copies the author's own name.

Votes for one person combine as independent evidence (1 - Π(1 - w)); a person the message is
addressed to is unlikely to have written it (people rarely write to themselves), and the best
person's confidence is lowered by the strongest vote for anyone else, which is stated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from threadlore.importers.archive_people import Directory, name_words
from threadlore.importers.archive_signatures import ClueKind, SignatureClue

SIGNATURE_WEIGHT = 0.7
SIGNED_ADDRESS_WEIGHT = 0.7
ENDORSEMENT_WEIGHT = 0.5
INFORMAL_NAME_WEIGHT = 0.7
DROPPED_ADDRESS_WEIGHT = 0.5
SEVERAL_DROPPED_WEIGHT = 0.1
REPLY_WEIGHT = 0.35
VIA_REPLY_WEIGHT = 0.6
GREETING_WEIGHT = 0.6
NAME_ONLY_WEIGHT = 0.45  # a signed name no header spells: a person, or a company, a title …
SELF_ADDRESSED = 0.3  # what is left of the support for someone the message is addressed to
_MAX_DROPPED = 3
_MIN_LEARNING_VOTES = 2
_MIN_LEARNING_SHARE = 0.6


@dataclass(frozen=True)
class AuthorVote:
    """One piece of evidence that the person with key `key` wrote the message.

    `self_copied` says the evidence holds even when the message is addressed to that person:
    `git send-email` and quilt copy a patch to the people who signed it off, sender included.
    """

    key: str
    weight: float
    reason: str
    self_copied: bool = False


@dataclass(frozen=True)
class AuthorDecision:
    """The inferred author (a directory key), how sure, and why (strongest reason first)."""

    key: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class LearnedSignature:
    """A signature name the directory cannot explain, tied to a person by the thread itself.

    `weight` grows with the number of replies that taught it and their agreement, up to the
    weight of a signature the directory explains.
    """

    key: str
    weight: float
    reason: str


def describe(directory: Directory, key: str) -> str:
    """A person as evidence names them."""
    person = directory.people.get(key)
    return str(person) if person else key


def _name_votes(
    clue: SignatureClue, directory: Directory, learned: Mapping[str, LearnedSignature]
) -> list[AuthorVote]:
    """Votes for the people a signed name means: people the headers name first, then what the
    thread taught about the name, then a person known only by that signed name."""
    if not clue.name:
        return []
    named = directory.named(clue.name, addressed=True)
    if not named and (known := learned.get(" ".join(name_words(clue.name)))):
        return [AuthorVote(known.key, known.weight, known.reason)]
    formal = clue.formal or clue.kind is not ClueKind.CLOSING_NAME
    weight = SIGNATURE_WEIGHT if formal else INFORMAL_NAME_WEIGHT
    if not named:
        named, weight = directory.named(clue.name), NAME_ONLY_WEIGHT
    votes = []
    for person in named:
        share = "" if len(named) == 1 else f" (one of {len(named)} people so named)"
        only = "" if person.emails else ", a name no header spells"
        reason = f"signed {clue.text.strip()!r}: {person}{only}{share}"
        votes.append(AuthorVote(person.key, weight / len(named), reason))
    return votes


def signature_votes(
    clues: Iterable[SignatureClue],
    directory: Directory,
    learned: Mapping[str, LearnedSignature],
) -> list[AuthorVote]:
    """Votes from sign-offs, endorsements, closing names and signature blocks."""
    votes = []
    for clue in clues:
        single = clue.name.strip(".") if " " not in clue.name.strip() else ""
        local = clue.local or single
        if local and (person := directory.by_local_part(local)):
            weight = {
                ClueKind.SIGN_OFF: SIGNATURE_WEIGHT,
                ClueKind.ENDORSEMENT: ENDORSEMENT_WEIGHT,
            }.get(clue.kind, SIGNED_ADDRESS_WEIGHT)
            reason = f"{clue.kind}: {clue.text.strip()!r} is the address of {person}"
            sign_off = clue.kind is ClueKind.SIGN_OFF
            votes.append(AuthorVote(person.key, weight, reason, self_copied=sign_off))
            continue
        if clue.kind is ClueKind.ENDORSEMENT:
            votes.extend(
                AuthorVote(v.key, ENDORSEMENT_WEIGHT * v.weight / SIGNATURE_WEIGHT, v.reason)
                for v in _name_votes(clue, directory, learned)
            )
            continue
        votes.extend(_name_votes(clue, directory, learned))
    return votes


def dropped_people(
    directory: Directory, index: int, parent: int, parent_author: str | None
) -> set[str]:
    """People on the parent (its recipients and author) that this reply no longer addresses."""
    before = set(directory.recipients[parent])
    if parent_author and directory.addressable(parent_author):
        before.add(parent_author)
    return before - directory.recipients[index]


@dataclass(frozen=True)
class DropTrust:
    """How far a page's replies drop exactly their author's address, as its signed messages
    show: `agreed` of `checked` single drops named the person the signature names."""

    agreed: int = 0
    checked: int = 0

    @property
    def weight(self) -> float:
        """The drop vote's weight: the rate of agreement, starting from three in four."""
        return round(DROPPED_ADDRESS_WEIGHT * (self.agreed + 1.5) / (self.checked + 2) / 0.75, 2)

    @property
    def note(self) -> str:
        if not self.checked:
            return ""
        return (
            f" (on this page, {self.agreed} of {self.checked} such drops name the person the "
            "message is signed by)"
        )


def recipient_votes(
    directory: Directory,
    index: int,
    parent: int,
    parent_author: str | None,
    trust: DropTrust | None = None,
) -> list[AuthorVote]:
    """Votes from the people a reply drops compared with its parent."""
    trust = trust or DropTrust()
    dropped = sorted(dropped_people(directory, index, parent, parent_author))
    if len(dropped) == 1:
        reason = (
            f"replying to #{parent + 1}, it drops only {describe(directory, dropped[0])} "
            "from that message's recipients and author (a replier drops their own address)"
            + trust.note
        )
        return [AuthorVote(dropped[0], trust.weight, reason)]
    if 1 < len(dropped) <= _MAX_DROPPED:
        names = ", ".join(describe(directory, key) for key in dropped)
        reason = f"one of the {len(dropped)} people it drops from #{parent + 1}: {names}"
        return [AuthorVote(key, SEVERAL_DROPPED_WEIGHT, reason) for key in dropped]
    return []


def first_person_addressed(directory: Directory, index: int) -> str | None:
    """The person a message is addressed to: its first To:, unless that is a list.

    A message whose first To: is a list (a patch series posted to the list) answers nobody in
    particular, so it says nothing about whom it answers — unless the list rewrote the sender
    ("Name via List"), which names the person.
    """
    to = directory.blocks[index].to
    return directory.key_of(to[0]) if to else None


def _addressed_alike(directory: Directory, one: int, other: int) -> bool:
    """Same first To: and the same recipients overall."""
    firsts = [directory.to_keys[i][:1] for i in (one, other)]
    return directory.recipients[one] == directory.recipients[other] and firsts[0] == firsts[1]


def greeted_people(directory: Directory, names: Sequence[str]) -> tuple[str, ...]:
    """The people a reply's greeting names ("Hi Lee,"), where the name means one person."""
    keys = []
    for name in names:
        found = directory.named(name)
        if len(found) == 1:
            keys.append(found[0].key)
    return tuple(keys)


def reply_votes(
    directory: Directory,
    index: int,
    replies: Sequence[int],
    greeted: Sequence[Sequence[str]] = (),
) -> list[AuthorVote]:
    """Votes from the replies: each is addressed To: the author of the message it answers, and
    may greet them by name ("Hi Lee,").

    A reply addressed exactly like the message is most likely its author's own follow-up
    ("Or, to be more helpful, …"), addressed like the message it follows, so it casts no vote.
    """
    votes = []
    for reply in replies:
        for key in greeted[reply] if greeted else ():
            reason = f"reply #{reply + 1} greets {describe(directory, key)}"
            votes.append(AuthorVote(key, GREETING_WEIGHT, reason))
        if _addressed_alike(directory, index, reply):
            continue
        if addressed := first_person_addressed(directory, reply):
            rewritten = directory.via_named(reply, addressed)
            weight = VIA_REPLY_WEIGHT if rewritten else REPLY_WEIGHT
            how = " (the list's rewrite of that sender's From)" if rewritten else ""
            reason = f"reply #{reply + 1} is addressed To: {describe(directory, addressed)}{how}"
            votes.append(AuthorVote(addressed, weight, reason))
    return votes


def decide_author(
    votes: Sequence[AuthorVote], addressed: Iterable[str] = ()
) -> AuthorDecision | None:
    """Weigh the votes: the best-supported person, with conflicts lowering the confidence.

    Support for someone in `addressed` (the message's own recipients) is cut to a third: one
    rarely writes to oneself (but a patch's signer is copied on it, see `AuthorVote`).
    """
    if not votes:
        return None
    support: dict[str, float] = {}
    for vote in votes:
        support[vote.key] = 1 - (1 - support.get(vote.key, 0.0)) * (1 - vote.weight)
    copied = {vote.key for vote in votes if vote.self_copied}
    own = set(addressed) & set(support) - copied
    for key in own:
        support[key] *= SELF_ADDRESSED
    ranked = sorted(support, key=lambda k: -support[k])
    best = ranked[0]
    rival = support[ranked[1]] if len(ranked) > 1 else 0.0
    evidence = [v.reason for v in sorted(votes, key=lambda v: -v.weight) if v.key == best]
    if best in own:
        evidence.append("but the message is addressed to them, and one rarely writes to oneself")
    if len(ranked) > 1:
        against = max((v for v in votes if v.key == ranked[1]), key=lambda v: v.weight)
        evidence.append(f"against: {against.reason}")
    confidence = round(support[best] * (1 - rival / 2), 2)
    if confidence <= 0:
        return None
    return AuthorDecision(best, confidence, tuple(evidence))


def _explained(clue: SignatureClue, directory: Directory) -> bool:
    """Whether the headers alone tie a clue to someone (by name or by address)."""
    by_name = bool(clue.name) and bool(directory.named(clue.name, addressed=True))
    return by_name or (bool(clue.local) and directory.by_local_part(clue.local) is not None)


def learn_signatures(
    clues: Sequence[Sequence[SignatureClue]],
    replies: Sequence[Sequence[int]],
    directory: Directory,
) -> dict[str, LearnedSignature]:
    """Tie signature names the directory cannot explain to the person their replies go To:.

    A name is learned when at least two replies to messages signed with it are addressed, and at
    least 60% of them to one person; e.g. "-- wli" → Bill Irwin. Messages that also carry a
    signature the directory explains ("Nick" above "SuSE Labs") teach nothing.
    """
    addressed: dict[str, Counter[str]] = {}
    signed: Counter[str] = Counter()
    for block_clues, block_replies in zip(clues, replies, strict=True):
        if any(_explained(clue, directory) for clue in block_clues):
            continue
        for name in {" ".join(name_words(c.name)) for c in block_clues if c.name}:
            if not name:
                continue
            signed[name] += 1
            counts = addressed.setdefault(name, Counter())
            counts.update(e for r in block_replies if (e := first_person_addressed(directory, r)))
    learned = {}
    for name, counts in addressed.items():
        total = sum(counts.values())
        if total < _MIN_LEARNING_VOTES:
            continue
        key, count = counts.most_common(1)[0]
        if count / total >= _MIN_LEARNING_SHARE:
            reason = (
                f"signed {name!r}, a name no header spells; of the replies to the {signed[name]} "
                f"messages so signed, {count} of {total} are addressed To: "
                f"{describe(directory, key)}"
            )
            weight = SIGNATURE_WEIGHT * count / total * (1 - 0.5**total)
            learned[name] = LearnedSignature(key, round(weight, 2), reason)
    return learned
