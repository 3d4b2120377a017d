"""Lenient text decoding for mail: declared charsets that lie, unknown ones, raw 8-bit bytes.

Mail in the wild declares `us-ascii` over UTF-8, `iso-8859-1` over UTF-8, or charsets Python
does not know (`none`, `x-unknown`), and puts unencoded 8-bit bytes in headers. None of that may
stop an import, so every path ends in a decoding that cannot fail.
"""

from __future__ import annotations

import codecs
from dataclasses import fields, is_dataclass, replace
from typing import Any

# charsets that are often declared over text that is really UTF-8
_OFTEN_MISDECLARED = frozenset(
    {"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso-8859-15", "windows-1252"}
)


def _candidates(declared: str | None) -> list[str]:
    """The charsets to try, best first (over ASCII data, the Latin/ASCII charsets and UTF-8 read
    alike, so UTF-8 may go first whatever the data)."""
    declared = (declared or "").strip().strip('"').lower() or None
    prefer_utf8 = declared is None or declared in _OFTEN_MISDECLARED
    ordered = ["utf-8", declared] if prefer_utf8 else [declared, "utf-8"]
    return [charset for charset in ordered if charset]


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes UTF-8 rejected as Windows-1252 (Latin-1 where
    Windows-1252 leaves a byte undefined)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in bad), error.end


_MIXED = "threadlore-utf8-cp1252"
codecs.register_error(_MIXED, _cp1252_bytes)


def decode_undeclared(data: bytes | memoryview) -> str:
    """Decode 8-bit text whose charset nobody stated: UTF-8 where it is valid, each other byte
    as Windows-1252. Raw header bytes often mix both (a UTF-8 name beside a Latin-1 word)."""
    return str(data, "utf-8", _MIXED).replace("\x00", "")


def decode_text(data: bytes | memoryview, declared: str | None = None) -> str:
    """Decode `data`, trusting the declared charset only as far as it works; drop NUL bytes.

    With no charset declared, UTF-8 is read where valid and other bytes as Windows-1252. UTF-8
    is also tried first when a Latin/ASCII charset is declared over 8-bit data (valid multi-byte
    UTF-8 is almost never real Latin-1). When the declared charset and UTF-8 both fail (an
    unknown charset, UTF-8 cut mid-character), the undeclared reading is the last resort: it
    keeps the valid UTF-8 and cannot fail. `data` may be a view of a larger message's bytes,
    which is then not copied.
    """
    if not (declared or "").strip().strip('"'):
        return decode_undeclared(data)
    for charset in _candidates(declared):
        try:
            return str(data, charset).replace("\x00", "")
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return decode_undeclared(data)


def from_surrogates(text: str) -> str:
    """Turn the surrogate-escaped 8-bit bytes the email parser leaves in headers into text."""
    if text.isascii() or not any("\udc80" <= char <= "\udcff" for char in text):
        return text.replace("\x00", "")
    return decode_text(text.encode("utf-8", "surrogateescape"))


def without_nul(value: Any) -> Any:
    """`value` (text, a tuple, a record of them) with NUL characters dropped from every text
    in it, as the decodings above drop them: no store keeps them alike (PostgreSQL's text holds
    none). `value` itself when it holds none."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, tuple):
        items = tuple(without_nul(item) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for name in (f.name for f in fields(value) if f.init):
            old = getattr(value, name)
            if (new := without_nul(old)) is not old:
                changed[name] = new
        return replace(value, **changed) if changed else value
    return value
