"""The signs of authorship a message body carries: sign-offs, closing names, signature blocks.

Each clue keeps the text as written, so the evidence can quote it ("signed 'Dave.'"). Mapping a
clue to a person is the author inference's job: by name or address through the page's directory,
or, for a signature no name explains ("-- wli"), by what the thread teaches (see archive_authors).

A list's footer ("Ksummit-discuss mailing list …", Google Groups' "You received this message …")
ends many messages of a page and would hide the closing name above it: `find_footers` finds the
tails most of the page's messages share, and clues are read above them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from threadlore.importers.patches import extract_trailers

_SIGNATURE_SEPARATOR = re.compile(r"^--\s?(?P<inline>[^\s-].{0,24})?$")
_NAME = r"[^\W\d_][\w'’.-]*"
_CLOSING_NAME = re.compile(rf"^(?:[-~—–]+\s?)?(?P<name>{_NAME}(?: {_NAME}){{0,3}})[.!]?$")
_FORMULA_AND_NAME = re.compile(
    rf"^(?P<formula>[A-Za-z][A-Za-z ]{{1,20}}),\s*(?P<name>{_NAME}(?: {_NAME}){{0,2}})\.?$"
)
_FULL_NAME_LINE = re.compile(
    r"^(?P<name>[^\W\d_][\w'’-]+(?: [^\W\d_]\.)?(?: [^\W\d_][\w'’-]+){1,3})(?:,|\s+--|\s+[<(|/]|$)"
)
_AKA = re.compile(r"\baka (?P<name>[A-Za-z][\w-]+)")
_SPELLED_EMAIL = re.compile(r"\b(?P<local>[a-z][\w.+-]*) (?:at|AT) [\w-]+ (?:dot|DOT) ")
_SIGN_OFF = re.compile(r"^(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>")
_DIFF_LINE = re.compile(r"^(\+\+\+ |--- |@@ |Index: |diff --git )")
_WORD = re.compile(r"\S+")
_HEX_ID = re.compile(r"[0-9a-f-]{16,}", re.IGNORECASE)
_LIST_FOOTER = re.compile(r"^(_{20,}|You received this message because you are subscribed to)")
_SIGNATURE_WINDOW = 10
_CLOSING_WINDOW = 3
_FOOTER_LINES = 8
_FOOTER_SHARE = 0.4
_FOOTER_MIN = 3
_FOOTER_CHARS = 60
# Words that close a message but are no one's name ("Thanks,", "Cheers"); lower case.
CLOSING_WORDS = frozenset(
    """thanks thank thx thanx tia cheers regards best bye ciao greetings hth sincerely love
    yours br rgds kind warm many all again you much very so ok okay yes no sure done agreed sorry
    hi hello hey dear later soon fine good great nice cool right indeed exactly ack nak nack
    acked reviewed tested signed the a an and or but not it this that these those is are was
    looks sounds seems works hmm hm well oh ah anyway thoughts comments ideas question questions
    answer note notes update updates patch patches series fix fixes bug cover letter original
    message forwarded sent applied merged queued pulled nope""".split()  # noqa: SIM905 - words
)
_FORMULAS = frozenset(
    """thanks thank thx thanx cheers regards best bye ciao greetings sincerely love yours br
    rgds later""".split()  # noqa: SIM905
)


class ClueKind(StrEnum):
    """Where a clue came from; the kinds differ in how much they say."""

    SIGN_OFF = "Signed-off-by"
    ENDORSEMENT = "endorsement"
    CLOSING_NAME = "closing name"
    SIGNATURE = "signature"


@dataclass(frozen=True)
class SignatureClue:
    """One sign of authorship: `name` to look up, or `local` (an address's local part), with
    the whole `email` when the clue spells it (a sign-off's address).

    `formal` says the name follows a closing formula ("Regards,\\nUlrich"), or sits in a
    signature block, where a capitalised word is a name rather than the end of a sentence.
    """

    kind: ClueKind
    text: str
    name: str = ""
    local: str = ""
    formal: bool = False
    email: str = ""


def _is_link(word: str) -> bool:
    """A URL or an address: `://` or `@` with something on both sides.

    Looked for word by word: a pattern such as `\\S+://\\S+` over a whole line is tried at
    every position of a long word, which made a 20,000-character word take a minute."""
    scheme = word.find("://", 1)
    at = word.find("@", 1)
    return (scheme != -1 and scheme + 3 < len(word)) or (at != -1 and at + 1 < len(word))


def _blank_word(word: str) -> str:
    return "…" if _is_link(word) else _HEX_ID.sub("…", word)


def _shape(line: str) -> str:
    """A footer line with what changes from message to message (ids, links) blanked."""
    return _WORD.sub(lambda word: _blank_word(word.group()), line.strip())


def _has_link_or_id(line: str) -> bool:
    return any(_is_link(word) or _HEX_ID.search(word) for word in line.split())


def find_footers(bodies: Sequence[str]) -> frozenset[tuple[str, ...]]:
    """The tails (up to eight lines, by shape) that many of a page's messages end with.

    A tail is a footer when at least 40% of the messages (and three) end with it, and it has two
    lines or more and 60 characters: a short shared tail could be a person's closing name.
    """
    tails = [[_shape(line) for line in body.splitlines() if line.strip()] for body in bodies]
    counts: Counter[tuple[str, ...]] = Counter()
    for lines in tails:
        counts.update(tuple(lines[-size:]) for size in range(2, min(len(lines), _FOOTER_LINES) + 1))
    wanted = max(_FOOTER_MIN, _FOOTER_SHARE * len(bodies))
    return frozenset(
        tail
        for tail, count in counts.items()
        if count >= wanted and sum(map(len, tail)) >= _FOOTER_CHARS
    )


def without_footer(lines: list[str], footers: frozenset[tuple[str, ...]]) -> list[str]:
    """A body's lines without the longest footer it ends with: one the page's messages share,
    or the footer list managers add (Mailman's line of underscores, Google Groups' "You received
    this message because you are subscribed …"), which one message alone can show."""
    written = [i for i, line in enumerate(lines) if line.strip()]
    for size in range(min(len(written), _FOOTER_LINES), 1, -1):
        if tuple(_shape(lines[i]) for i in written[-size:]) in footers:
            return lines[: written[-size]]
    for index in written[-_FOOTER_LINES:]:
        if _LIST_FOOTER.match(lines[index].strip()):
            return lines[:index]
    return lines


def _sign_off_clues(body: str) -> list[SignatureClue]:
    """The last Signed-off-by: in a patch mail, the sender signs off last; in a reply without a
    diff, an Acked-by/Reviewed-by/Signed-off-by is the replier's own endorsement."""
    trailers = extract_trailers(body)
    sign_offs = [t for t in trailers if t.key.lower() == "signed-off-by"]
    kind = ClueKind.SIGN_OFF
    if not any(_DIFF_LINE.match(line) for line in body.splitlines()):
        endorsements = [
            t
            for t in trailers
            if t.key.lower() in ("acked-by", "reviewed-by", "tested-by", "signed-off-by")
        ]
        if endorsements and not sign_offs:
            sign_offs, kind = endorsements, ClueKind.ENDORSEMENT
    if not sign_offs:
        return []
    value = sign_offs[-1].value
    match = _SIGN_OFF.match(value)
    if match is None:
        return [SignatureClue(kind, value, name=value)]
    email = match["email"].strip()
    name = match["name"].strip().strip('"')
    return [SignatureClue(kind, value, name, email.split("@", 1)[0], email=email)]


def _full_name(text: str) -> re.Match[str] | None:
    """A line that starts with a full name: two to four capitalised words ("Ulrich Windl")."""
    found = _FULL_NAME_LINE.match(text)
    if found is None or not all(w[0].isupper() for w in found["name"].split()):
        return None
    return found if _is_name(found["name"]) else None


def _signature_block_clues(block: list[str]) -> list[SignatureClue]:
    """Names and spelled-out addresses in the lines after a "--" separator."""
    clues = []
    for line in block:
        text = line.strip()
        if full := _full_name(text):
            clues.append(SignatureClue(ClueKind.SIGNATURE, text, name=full["name"], formal=True))
        if aka := _AKA.search(text):
            clues.append(SignatureClue(ClueKind.SIGNATURE, text, name=aka["name"], formal=True))
        if spelled := _SPELLED_EMAIL.search(text):
            clues.append(SignatureClue(ClueKind.SIGNATURE, text, local=spelled["local"]))
    return clues[:2]


def closing_name(line: str) -> tuple[str, bool] | None:
    """The name a closing line gives ("Dave.", "-Olof", "~Bhaskar", "Thanks, Paul"), and whether a
    formula introduced it on the same line; None for a line that is no name."""
    text = line.strip()
    if formula := _FORMULA_AND_NAME.match(text):
        if formula["formula"].split()[0].lower() in _FORMULAS and _is_name(formula["name"]):
            return formula["name"], True
        return None
    closing = _CLOSING_NAME.match(text)
    if closing is None or not _is_name(closing["name"]):
        return None
    return closing["name"].rstrip("."), False


def _is_name(text: str) -> bool:
    """No closing word ("Thanks"), and every word capitalised when there are several."""
    words = text.replace(".", " ").split()
    if not words or any(word.lower().strip("'’") in CLOSING_WORDS for word in words):
        return False
    return len(words) == 1 or all(word[0].isupper() for word in words)


def _is_formula(line: str) -> bool:
    words = re.findall(r"[a-z]+", line.lower())
    return bool(words) and len(words) <= 3 and words[0] in _FORMULAS and line.rstrip()[-1:] in ",!."


def _closing_clues(lines: list[str]) -> list[SignatureClue]:
    """A closing name among the last lines above the signature (the lines after it being
    addresses, links or a title)."""
    written = [line.strip() for line in lines if line.strip()]
    for back in range(1, min(_CLOSING_WINDOW, len(written)) + 1):
        line = written[-back]
        found = closing_name(line)
        if found is not None:
            name, formula = found
            formal = formula or (back < len(written) and _is_formula(written[-back - 1]))
            if name[:1].islower() and not formal and back > 1:
                return []
            return [SignatureClue(ClueKind.CLOSING_NAME, line, name=name, formal=formal)]
        if len(line.split()) > 6 and not _has_link_or_id(line):
            return []  # a sentence: whatever is above it is not a closing
    return []


def _tail_clues(lines: list[str]) -> list[SignatureClue]:
    """Clues at the end of a whole (not cut) body: a signature block, then a closing name.

    The signature starts at the first "--" separator among the last lines: a "-- Linus Torvalds"
    under someone else's signature is a quotation of Linus, not a second signature.
    """
    clues: list[SignatureClue] = []
    low = max(-1, len(lines) - 1 - _SIGNATURE_WINDOW)
    separators = [
        i for i in range(len(lines) - 1, low, -1) if _SIGNATURE_SEPARATOR.match(lines[i].strip())
    ]
    if separators and not any(_DIFF_LINE.match(x) for x in lines[separators[-1] :]):
        first = separators[-1]
        match = _SIGNATURE_SEPARATOR.match(lines[first].strip())
        assert match is not None
        if match["inline"] and _is_name(match["inline"]):
            name = match["inline"].strip().rstrip(".")
            clues.append(SignatureClue(ClueKind.SIGNATURE, lines[first], name=name, formal=True))
        clues.extend(_signature_block_clues(lines[first + 1 :]))
        lines = lines[:first]
    clues.extend(_closing_clues(lines))
    return clues


_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|dear|hallo|hola|ciao|(?:good )?(?:morning|evening|afternoon))\s+)?"
    rf"(?P<names>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME}){{0,2}})\s*[,!:]$",
    re.IGNORECASE,
)


def find_greeting(body: str) -> tuple[str, ...]:
    """The names a reply greets on its first line ("Hi Lee,", "Dan,", "Hello Ulrich and Don!"):
    whom it answers."""
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    found = _GREETING.match(first)
    if found is None or len(first.split()) > 6:
        return ()
    names = re.split(r"\s*(?:,|\band\b|&)\s*", found["names"])
    return tuple(n for n in names if n and n[0].isupper() and _is_name(n))


def find_signature_clues(
    body: str, truncated: bool, footers: frozenset[tuple[str, ...]] = frozenset()
) -> tuple[SignatureClue, ...]:
    """Every authorship clue in a body, strongest kind first.

    A body the archive cut off has lost its end, so only its sign-offs (near the top of a patch
    mail) are read; the closing lines of a cut body are whatever text the cut fell on.
    """
    clues = _sign_off_clues(body)
    if not truncated:
        clues.extend(_tail_clues(without_footer(body.rstrip().splitlines(), footers)))
    return tuple(clues)
