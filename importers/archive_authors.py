"""Who wrote an archive message: votes from signatures, addressing and replies, weighed together.

Each kind of evidence casts weighted votes for people in the participant directory:

- a signature the directory's names explain ("Dave." → Dave Airlie, a Signed-off-by: by address);
- a signature learned from the thread ("-- wli": the replies to messages signed so are addressed
  To: Bill Irwin), see `learn_signatures`;
- the addressing of a reply: a replier keeps the parent's recipients and its author but drops
  their own address, so the one address dropped names the author (new participants and people
  who Cc themselves drop nothing, and then this vote is simply missing);
- the replies to the message, which are addressed To: its author.

Votes for one person combine as independent evidence (1 - Π(1 - w)); the best person's
confidence is lowered by the strongest vote for anyone else, and that conflict is stated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from threadlore.importers.archive_blocks import ArchiveBlock
from threadlore.importers.archive_people import Directory, email_key, is_mailing_list
from threadlore.importers.archive_signatures import ClueKind, SignatureClue

SIGNATURE_WEIGHT = 0.6
SIGNED_ADDRESS_WEIGHT = 0.5
DROPPED_ADDRESS_WEIGHT = 0.6
SEVERAL_DROPPED_WEIGHT = 0.1
REPLY_WEIGHT = 0.35
_MAX_DROPPED = 3
_MIN_LEARNING_VOTES = 2
_MIN_LEARNING_SHARE = 0.6


@dataclass(frozen=True)
class AuthorVote:
    """One piece of evidence that `email` (a directory key) wrote the message."""

    email: str
    weight: float
    reason: str


@dataclass(frozen=True)
class AuthorDecision:
    """The inferred author (a directory address), how sure, and why (strongest reason first)."""

    email: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class LearnedSignature:
    """A signature name the directory cannot explain, tied to an address by the thread itself.

    `weight` grows with the number of replies that taught it and their agreement, up to the
    weight of a signature the directory explains.
    """

    email: str
    weight: float
    reason: str


def _person(directory: Directory, email: str) -> str:
    address = directory.address(email)
    return str(address) if address else email


def signature_votes(
    clues: Iterable[SignatureClue],
    directory: Directory,
    learned: Mapping[str, LearnedSignature],
) -> list[AuthorVote]:
    """Votes from sign-offs, closing names and signature blocks."""
    votes = []
    for clue in clues:
        if clue.local and (person := directory.by_local_part(clue.local)):
            weight = SIGNATURE_WEIGHT if clue.kind is ClueKind.SIGN_OFF else SIGNED_ADDRESS_WEIGHT
            reason = f"{clue.kind}: {clue.text.strip()!r} is the address of {person}"
            votes.append(AuthorVote(email_key(person.email), weight, reason))
            continue
        named = directory.named(clue.name) if clue.name else ()
        for person in named:
            share = "" if len(named) == 1 else f" (one of {len(named)} people so named)"
            reason = f"signed {clue.text.strip()!r}: the directory's {person}{share}"
            votes.append(AuthorVote(email_key(person.email), SIGNATURE_WEIGHT / len(named), reason))
        if not named and (known := learned.get(clue.name.lower())):
            votes.append(AuthorVote(known.email, known.weight, known.reason))
    return votes


def dropped_addresses(
    block: ArchiveBlock, parent: ArchiveBlock, parent_author: str | None
) -> set[str]:
    """People on the parent (its recipients and author) that this reply no longer addresses."""
    before = {email_key(a.email) for a in parent.recipients if not is_mailing_list(a)}
    if parent_author:
        before.add(parent_author)
    return before - {email_key(a.email) for a in block.recipients}


def recipient_votes(
    block: ArchiveBlock,
    parent: ArchiveBlock,
    parent_author: str | None,
    directory: Directory,
) -> list[AuthorVote]:
    """Votes from the addresses a reply drops compared with its parent."""
    dropped = sorted(dropped_addresses(block, parent, parent_author))
    if len(dropped) == 1:
        reason = (
            f"replying to #{parent.position}, it drops only {_person(directory, dropped[0])} "
            "from that message's recipients and author (a replier drops their own address)"
        )
        return [AuthorVote(dropped[0], DROPPED_ADDRESS_WEIGHT, reason)]
    if 1 < len(dropped) <= _MAX_DROPPED:
        names = ", ".join(_person(directory, e) for e in dropped)
        reason = f"one of the {len(dropped)} people it drops from #{parent.position}: {names}"
        return [AuthorVote(e, SEVERAL_DROPPED_WEIGHT, reason) for e in dropped]
    return []


def first_person_addressed(block: ArchiveBlock) -> str | None:
    """The person a message is addressed to: its first To:, unless that is a list.

    A message whose first To: is a list (a patch series posted to the list) answers nobody in
    particular, so it says nothing about whom it answers.
    """
    if not block.to or is_mailing_list(block.to[0]):
        return None
    return email_key(block.to[0].email)


def _addressed_alike(one: ArchiveBlock, other: ArchiveBlock) -> bool:
    """Same first To: and the same recipients overall."""
    keys = [{email_key(a.email) for a in b.recipients} for b in (one, other)]
    firsts = [email_key(b.to[0].email) if b.to else "" for b in (one, other)]
    return keys[0] == keys[1] and firsts[0] == firsts[1]


def reply_votes(
    block: ArchiveBlock, replies: Sequence[ArchiveBlock], directory: Directory
) -> list[AuthorVote]:
    """Votes from the replies: each is addressed To: the author of the message it answers.

    A reply addressed exactly like the message is most likely its author's own follow-up
    ("Or, to be more helpful, …"), addressed like the message it follows, so it casts no vote.
    """
    votes = []
    for reply in replies:
        if _addressed_alike(block, reply):
            continue
        if addressed := first_person_addressed(reply):
            reason = f"reply #{reply.position} is addressed To: {_person(directory, addressed)}"
            votes.append(AuthorVote(addressed, REPLY_WEIGHT, reason))
    return votes


def decide_author(votes: Sequence[AuthorVote]) -> AuthorDecision | None:
    """Weigh the votes: the best-supported person, with conflicts lowering the confidence."""
    if not votes:
        return None
    support: dict[str, float] = {}
    for vote in votes:
        support[vote.email] = 1 - (1 - support.get(vote.email, 0.0)) * (1 - vote.weight)
    ranked = sorted(support, key=lambda e: -support[e])
    best = ranked[0]
    rival = support[ranked[1]] if len(ranked) > 1 else 0.0
    evidence = [v.reason for v in sorted(votes, key=lambda v: -v.weight) if v.email == best]
    if len(ranked) > 1:
        against = max((v for v in votes if v.email == ranked[1]), key=lambda v: v.weight)
        evidence.append(f"against: {against.reason}")
    confidence = round(support[best] * (1 - rival / 2), 2)
    return AuthorDecision(best, confidence, tuple(evidence))


def _explained(clue: SignatureClue, directory: Directory) -> bool:
    """Whether the directory alone ties a clue to someone (by name or by address)."""
    by_name = bool(clue.name) and bool(directory.named(clue.name))
    return by_name or (bool(clue.local) and directory.by_local_part(clue.local) is not None)


def learn_signatures(
    clues: Sequence[Sequence[SignatureClue]],
    replies: Sequence[Sequence[ArchiveBlock]],
    directory: Directory,
) -> dict[str, LearnedSignature]:
    """Tie signature names the directory cannot explain to the address their replies go To:.

    A name is learned when at least two replies to messages signed with it are addressed, and at
    least 60% of them to one person; e.g. "-- wli" → Bill Irwin. Messages that also carry a
    signature the directory explains ("Nick" above "SuSE Labs") teach nothing.
    """
    addressed: dict[str, Counter[str]] = {}
    signed: Counter[str] = Counter()
    for block_clues, block_replies in zip(clues, replies, strict=True):
        if any(_explained(clue, directory) for clue in block_clues):
            continue
        for name in {c.name.lower() for c in block_clues if c.name}:
            signed[name] += 1
            counts = addressed.setdefault(name, Counter())
            counts.update(e for r in block_replies if (e := first_person_addressed(r)))
    learned = {}
    for name, counts in addressed.items():
        total = sum(counts.values())
        if total < _MIN_LEARNING_VOTES:
            continue
        email, count = counts.most_common(1)[0]
        if count / total >= _MIN_LEARNING_SHARE:
            reason = (
                f"signed {name!r}, a name no header spells; of the replies to the {signed[name]} "
                f"messages so signed, {count} of {total} are addressed To: "
                f"{_person(directory, email)}"
            )
            weight = SIGNATURE_WEIGHT * count / total * (1 - 0.5**total)
            learned[name] = LearnedSignature(email, round(weight, 2), reason)
    return learned
