"""Who sent a message that its list re-sent under the list's own name.

Lists that rewrite From for DMARC put their own address in From and keep the sender elsewhere:
Mailman writes `From: Joel Fernandes via Ksummit-discuss <ksummit-discuss@…>` and the sender in
Reply-To; Google Groups writes `'Lee Duncan' via open-iscsi <open-iscsi@googlegroups.com>` and
the sender in X-Original-From. An anonymous list replaces every From (and Message-ID) with its
own and keeps the sender nowhere: the signature is then the only clue, read as the archive-text
inference reads it, and said to be a guess.

A From is the list's own address when it is the address List-Post, List-Id, X-Mailing-List or
Mailing-List name, or when its name says "… via …".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from threadlore.importers.archive_signatures import ClueKind, find_signature_clues
from threadlore.importers.mail_headers import decode_words, parse_addresses
from threadlore.importers.records import Address, Inference, InferredField

_VIA = re.compile(r"^['\"]?(?P<name>.+?)['\"]? via \S", re.IGNORECASE)
_MAILTO = re.compile(r"mailto:([^>\s,?]+)", re.IGNORECASE)
_ADDRESS = re.compile(r"[\w.+=-]+@[\w-]+(?:\.[\w-]+)+")
# confidence in a sender read from a header the list keeps for it, and in a signed name
HEADER_CONFIDENCE = 0.95
SIGNED_CONFIDENCE = 0.5


_LIST_HEADERS = frozenset({"list-post", "list-id", "x-mailing-list", "mailing-list"})


def list_addresses(headers: Sequence[tuple[str, str]]) -> set[str]:
    """The list's own addresses, lower-case, from the headers lists add."""
    found: set[str] = set()
    for name, value in headers:
        key = name.lower()
        if key not in _LIST_HEADERS:
            continue
        text = decode_words(value)
        if key == "list-post":
            found.update(_MAILTO.findall(text))
        elif key in ("list-id", "x-mailing-list", "mailing-list"):
            found.update(_ADDRESS.findall(text))
            bracketed = re.search(r"<([^<>@\s]+\.[^<>@\s]+)>", text)
            if bracketed:  # List-Id: <ksummit-discuss.lists.linuxfoundation.org>
                local, _, domain = bracketed.group(1).partition(".")
                found.add(f"{local}@{domain}")
    return {address.lower() for address in found}


def _header(headers: Sequence[tuple[str, str]], wanted: str) -> str:
    return next((value for name, value in headers if name.lower() == wanted), "")


def real_sender(
    headers: Sequence[tuple[str, str]], author: Address | None, body: str
) -> tuple[Address | None, Inference | None]:
    """The sender of a message whose From is its list's own address, and why we believe it.

    Returns `author` and no inference when From names someone else. When the list rewrote
    From, the sender it kept (X-Original-From, else a Reply-To that is not the list); when it
    kept none (an anonymous list), the name the message is signed with, as a guess; else None.
    """
    if author is None:
        return None, None
    lists = list_addresses(headers)
    rewritten = _VIA.match(author.name.strip())
    if author.email.lower() not in lists and not (rewritten and author.email):
        return author, None
    said = f"From is the list's own address ({author})"
    for name in ("x-original-from", "reply-to"):
        for address in parse_addresses(_header(headers, name)):
            if address.email and address.email.lower() not in lists | {author.email.lower()}:
                evidence: tuple[str, ...] = (
                    f"{said}: the list rewrote the sender's From",
                    f"{name}: {address}",
                )
                return address, Inference(
                    InferredField.AUTHOR, str(address), HEADER_CONFIDENCE, evidence
                )
    if rewritten:
        address = Address(rewritten["name"].strip().strip("'\""), "")
        evidence = (f"{said}: the list rewrote the sender's From and kept only their name",)
        return address, Inference(InferredField.AUTHOR, str(address), HEADER_CONFIDENCE, evidence)
    return _signed_sender(said, body)


def _signed_sender(said: str, body: str) -> tuple[Address | None, Inference]:
    """The name an anonymous list's message is signed with, if any."""
    clues = [c for c in find_signature_clues(body, truncated=False) if c.name]
    named = [c for c in clues if c.kind is not ClueKind.ENDORSEMENT]
    hidden = f"{said}, and no header keeps the sender: the list hides its senders"
    if not named:
        return None, Inference(InferredField.AUTHOR, "", 0.0, (hidden, "the message is unsigned"))
    clue = next((c for c in named if c.formal), named[-1])
    address = Address(clue.name, clue.email)
    evidence = (f"signed {clue.text.strip()!r}", hidden)
    return address, Inference(InferredField.AUTHOR, str(address), SIGNED_CONFIDENCE, evidence)
