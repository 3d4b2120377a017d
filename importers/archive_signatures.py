"""The signs of authorship a message body carries: sign-offs, closing names, signature blocks.

Each clue keeps the text as written, so the evidence can quote it ("signed 'Dave.'"). Mapping a
clue to a person is the author inference's job: by name through the participant directory, or,
for a signature no name explains ("-- wli"), by what the thread teaches (see archive_authors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from threadlore.importers.patches import extract_trailers

_SIGNATURE_SEPARATOR = re.compile(r"^--\s?(?P<inline>\S.{0,20})?$")
_CLOSING_NAME = re.compile(r"^(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\.?$")
_FULL_NAME_LINE = re.compile(r"^(?P<name>[A-Z][\w'-]+(?: [A-Z][\w'-]+)+)(?:,|$)")
_AKA = re.compile(r"\baka (?P<name>[A-Za-z][\w-]+)")
_SPELLED_EMAIL = re.compile(r"\b(?P<local>[a-z][\w.+-]*) at [\w-]+ dot ")
_SIGN_OFF = re.compile(r"^(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>")
_DIFF_LINE = re.compile(r"^(\+\+\+ |--- |@@ |Index: |diff --git )")
_MAX_SIGNATURE_LINES = 6


class ClueKind(StrEnum):
    """Where a clue came from; the kinds differ in how much they say."""

    SIGN_OFF = "Signed-off-by"
    CLOSING_NAME = "closing name"
    SIGNATURE = "signature"


@dataclass(frozen=True)
class SignatureClue:
    """One sign of authorship: `name` to look up, or `local` (an address's local part)."""

    kind: ClueKind
    text: str
    name: str = ""
    local: str = ""


def _sign_off_clues(body: str) -> list[SignatureClue]:
    """The last Signed-off-by: in a patch mail, the sender signs off last."""
    sign_offs = [t for t in extract_trailers(body) if t.key.lower() == "signed-off-by"]
    if not sign_offs:
        return []
    match = _SIGN_OFF.match(sign_offs[-1].value)
    if match is None:
        return [SignatureClue(ClueKind.SIGN_OFF, sign_offs[-1].value, name=sign_offs[-1].value)]
    local = match["email"].split("@", 1)[0]
    return [SignatureClue(ClueKind.SIGN_OFF, sign_offs[-1].value, match["name"], local)]


def _signature_block_clues(block: list[str]) -> list[SignatureClue]:
    """Names and spelled-out addresses in the lines after a "--" separator."""
    clues = []
    for line in block:
        text = line.strip()
        if full := _FULL_NAME_LINE.match(text):
            clues.append(SignatureClue(ClueKind.SIGNATURE, text, name=full["name"]))
        if aka := _AKA.search(text):
            clues.append(SignatureClue(ClueKind.SIGNATURE, text, name=aka["name"]))
        if spelled := _SPELLED_EMAIL.search(text):
            clues.append(SignatureClue(ClueKind.SIGNATURE, text, local=spelled["local"]))
    return clues


def _tail_clues(lines: list[str]) -> list[SignatureClue]:
    """Clues at the end of a whole (not cut) body: a signature block, then a closing name."""
    clues: list[SignatureClue] = []
    separator = next(
        (
            i
            for i in range(len(lines) - 1, max(-1, len(lines) - 2 - _MAX_SIGNATURE_LINES), -1)
            if _SIGNATURE_SEPARATOR.match(lines[i].rstrip())
        ),
        None,
    )
    if separator is not None and not any(_DIFF_LINE.match(x) for x in lines[separator:]):
        match = _SIGNATURE_SEPARATOR.match(lines[separator].rstrip())
        assert match is not None
        if match["inline"]:
            clues.append(SignatureClue(ClueKind.SIGNATURE, lines[separator], name=match["inline"]))
        clues.extend(_signature_block_clues(lines[separator + 1 :]))
        lines = lines[:separator]
    written = [line.strip() for line in lines if line.strip()]
    if written and (closing := _CLOSING_NAME.match(written[-1])):
        clues.append(SignatureClue(ClueKind.CLOSING_NAME, written[-1], name=closing["name"]))
    return clues


def find_signature_clues(body: str, truncated: bool) -> tuple[SignatureClue, ...]:
    """Every authorship clue in a body, strongest kind first.

    A body the archive cut off has lost its end, so only its sign-offs (near the top of a patch
    mail) are read; the closing lines of a cut body are whatever text the cut fell on.
    """
    clues = _sign_off_clues(body)
    if not truncated:
        clues.extend(_tail_clues(body.rstrip().splitlines()))
    return tuple(clues)
