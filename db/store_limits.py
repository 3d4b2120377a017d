"""The longest values the store's columns hold, and a message fitted to them before it is
written, so that both engines store the same message. SQLite keeps text of any length;
PostgreSQL refuses a `character varying(N)` value past N characters and an index entry past
~2,700 bytes. A Message-ID or reference longer than `MAX_ID_BYTES` is shortened to its start
and a hash of the whole (the same id always gets the same short form, so threads still join);
a name, address, trailer key or hunk heading longer than `MAX_SHORT_CHARS` is cut. Either way
the message carries a warning saying so.

A message whose patches its importer left unread (a large body) keeps them unread: the writer
fits them as it reads them (`fitted_patches`). Whether any hunk heading is too long is told
first by a look for a long text after an `@@`; only a body with one is read for it here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from threadlore.importers.records import Address, ParsedMessage, ParsedPatch, ReadProblem

MAX_ID_BYTES = 998  # RFC 5322's longest line; the columns are varchar(998), indexed
MAX_SHORT_CHARS = 255  # names, addresses, trailer keys, hunk headings: varchar(255)
_HASH_CHARS = 40
# a hunk heading is what follows a line's `@@`: none is longer than this run when it is absent
_LONG_AFTER_AT = re.compile(rf"@@[^\n]{{{MAX_SHORT_CHARS // 3 + 1}}}")


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
    """Whether every value of the message but its hunk headings fits the store as it is."""
    ids = (message.message_id, message.in_reply_to or "", *message.references)
    addresses = (*message.to, *message.cc, *((message.author,) if message.author else ()))
    texts = (
        *(part for address in addresses for part in (address.name, address.email)),
        *(trailer.key for trailer in message.trailers),
    )
    return all(map(_id_fits, ids)) and all(map(_text_fits, texts))


def _headings_fit(message: ParsedMessage) -> bool:
    """Whether every hunk heading of the message's patches fits, without reading the patches
    the importer left unread unless a heading may be too long."""
    if message.patches_unread and _LONG_AFTER_AT.search(message.body) is None:
        return True
    return _patches_fit(message.patches)


def _patches_fit(patches: tuple[ParsedPatch, ...]) -> bool:
    return all(_text_fits(h.function) for p in patches for f in p.files for h in f.hunks)


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


def fitted_patches(patches: tuple[ParsedPatch, ...]) -> tuple[ParsedPatch, ...]:
    """`patches` with their hunk headings fitted to the store; themselves when all fit."""
    return patches if _patches_fit(patches) else tuple(map(_fitted_patch, patches))


def fitted_message(message: ParsedMessage) -> ParsedMessage:
    """`message` with every value the store limits fitted to it, and a warning per kind of
    value changed; the message itself when everything fits. Patches left unread stay so."""
    headings_fit = _headings_fit(message)
    if headings_fit and _fits(message):
        return message
    patches = () if headings_fit else message.patches  # read once, if left unread
    fitted_read = fitted_patches(patches)
    fitted = replace(
        message,
        message_id=fitted_id(message.message_id),
        in_reply_to=None if message.in_reply_to is None else fitted_id(message.in_reply_to),
        references=tuple(fitted_id(r) for r in message.references),
        author=None if message.author is None else _fitted_address(message.author),
        to=tuple(_fitted_address(a) for a in message.to),
        cc=tuple(_fitted_address(a) for a in message.cc),
        trailers=tuple(replace(t, key=fitted_text(t.key)) for t in message.trailers),
        read_patches=message.read_patches
        if headings_fit or message.patches_unread
        else fitted_read,
    )
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
            (message.trailers, patches),
            (fitted.trailers, fitted_read),
        ),
    }
    changed = [what for what, (before, after) in pairs.items() if before != after]
    if not changed:
        return message
    problem = (
        f"{' and '.join(changed)} too long for the store: shortened "
        f"(ids to {MAX_ID_BYTES} bytes with a hash of the whole, text to {MAX_SHORT_CHARS} "
        "characters)"
    )
    warning = ReadProblem(message.source, message.position, "headers", problem)
    return replace(fitted, warnings=(*message.warnings, warning))
