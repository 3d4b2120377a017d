"""The longest values the store's columns hold, and a message fitted to them before it is
written, so that both engines store the same message. SQLite keeps text of any length;
PostgreSQL refuses a `character varying(N)` value past N characters and an index entry past
~2,700 bytes. A Message-ID or reference longer than `MAX_ID_BYTES` is shortened to its start
and a hash of the whole (the same id always gets the same short form, so threads still join);
a name, address, trailer key or hunk heading longer than `MAX_SHORT_CHARS` is cut. Either way
the message carries a warning saying so.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from threadlore.importers.records import Address, ParsedMessage, ParsedPatch, ReadProblem

MAX_ID_BYTES = 998  # RFC 5322's longest line; the columns are varchar(998), indexed
MAX_SHORT_CHARS = 255  # names, addresses, trailer keys, hunk headings: varchar(255)
_HASH_CHARS = 40


def fitted_id(message_id: str) -> str:
    """`message_id`, or its start and the SHA-1 of the whole when it is too long to store."""
    if _id_fits(message_id):
        return message_id
    raw = message_id.encode("utf-8")
    digest = hashlib.sha1(raw).hexdigest()
    start = raw[: MAX_ID_BYTES - _HASH_CHARS - 1].decode("utf-8", "ignore")
    return f"{start}~{digest}"


def _id_fits(message_id: str) -> bool:
    return len(message_id) <= MAX_ID_BYTES // 4 or len(message_id.encode("utf-8")) <= MAX_ID_BYTES


def _text_fits(text: str) -> bool:
    # case folding makes a text at most three times longer (U+0390 → three code points): a
    # short one fits without folding it, which every address of every message would cost
    if len(text) <= MAX_SHORT_CHARS // 3:
        return True
    return len(text) <= MAX_SHORT_CHARS and len(text.casefold()) <= MAX_SHORT_CHARS


def _fits(message: ParsedMessage) -> bool:
    """Whether every value of the message fits the store as it is (most messages)."""
    ids = (message.message_id, message.in_reply_to or "", *message.references)
    addresses = (*message.to, *message.cc, *((message.author,) if message.author else ()))
    texts = (
        *(part for address in addresses for part in (address.name, address.email)),
        *(trailer.key for trailer in message.trailers),
        *(h.function for p in message.patches for f in p.files for h in f.hunks),
    )
    return all(map(_id_fits, ids)) and all(map(_text_fits, texts))


def fitted_text(text: str) -> str:
    """`text` cut so that it, and its case-folded key (which may be longer), fit the store."""
    if _text_fits(text):
        return text
    cut = text[:MAX_SHORT_CHARS]
    while len(cut.casefold()) > MAX_SHORT_CHARS:
        cut = cut[:-1]
    return cut


def _fitted_address(address: Address) -> Address:
    return Address(fitted_text(address.name), fitted_text(address.email))


def _fitted_patch(patch: ParsedPatch) -> ParsedPatch:
    files = tuple(
        replace(f, hunks=tuple(replace(h, function=fitted_text(h.function)) for h in f.hunks))
        for f in patch.files
    )
    return replace(patch, files=files)


def fitted_message(message: ParsedMessage) -> ParsedMessage:
    """`message` with every value the store limits fitted to it, and a warning per kind of
    value changed; the message itself when everything fits."""
    if _fits(message):
        return message
    fitted = replace(
        message,
        message_id=fitted_id(message.message_id),
        in_reply_to=None if message.in_reply_to is None else fitted_id(message.in_reply_to),
        references=tuple(fitted_id(r) for r in message.references),
        author=None if message.author is None else _fitted_address(message.author),
        to=tuple(_fitted_address(a) for a in message.to),
        cc=tuple(_fitted_address(a) for a in message.cc),
        trailers=tuple(replace(t, key=fitted_text(t.key)) for t in message.trailers),
        patches=tuple(_fitted_patch(p) for p in message.patches),
    )
    if fitted == message:
        return message
    pairs = {
        "Message-ID": (message.message_id, fitted.message_id),
        "In-Reply-To or References": (
            (message.in_reply_to, message.references),
            (fitted.in_reply_to, fitted.references),
        ),
        "a name or address": (
            (message.author, message.to, message.cc),
            (fitted.author, fitted.to, fitted.cc),
        ),
        "a trailer or hunk heading": (
            (message.trailers, message.patches),
            (fitted.trailers, fitted.patches),
        ),
    }
    changed = [what for what, (before, after) in pairs.items() if before != after]
    problem = (
        f"{' and '.join(changed)} too long for the store: shortened "
        f"(ids to {MAX_ID_BYTES} bytes with a hash of the whole, text to {MAX_SHORT_CHARS} "
        "characters)"
    )
    warning = ReadProblem(message.source, message.position, "headers", problem)
    return replace(fitted, warnings=(*message.warnings, warning))
