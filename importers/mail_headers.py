"""Reading mail header values robustly: encoded words, addresses, message ids, dates.

Each reader takes the raw header text (as the parser kept it, folded and possibly 8-bit) and
returns what it could read without raising, because one broken header must not lose a message.
"""

from __future__ import annotations

import base64
import binascii
import functools
import quopri
import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from threadlore.importers.charsets import decode_text, from_surrogates
from threadlore.importers.records import Address, Inference, InferredField

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BRACKETED_ID = re.compile(r"<([^<>\s]+)>")
_BARE_ID = re.compile(r"(?<![<\w.+-])([\w.+=$%/-]+@[\w.-]+)(?![\w>])")
_OBFUSCATED = re.compile(r"\b([\w.+-]+) at ([\w-]+(?:\.[\w-]+)+)\b")
MAX_REFERENCES = 100
_ENCODED_WORD = re.compile(r"=\?(?P<charset>[^?\s]+)\?(?P<encoding>[bBqQ])\?(?P<text>[^?\s]*)\?=")
# an RFC 2047 encoded word not already inside a quoted string
_BARE_ENCODED_WORD = re.compile(r'(?<!")=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=')
_ADDRESS_SPECIALS = frozenset('()<>@,;:\\".[]')
# One address of the plain kinds most headers hold, `local@domain` or `Some Name <local@domain>`,
# with no comment, quote, group, encoded word or unusual white space: what getaddresses reads as
# the name's words joined by one space and the address as written. Anything else goes to it.
_ATOM = r'[^\s()<>@,;:\\".\[\]]+'
_ADDR_SPEC = rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*"
_NAME_WORD = r'[^\s()<>@,;:\\"\[\]]+'
_PLAIN_ADDRESS = re.compile(
    rf" *(?:(?:(?P<name>{_NAME_WORD}(?: +{_NAME_WORD})*) *)?<(?P<angled>{_ADDR_SPEC})>"
    rf"|(?P<bare>{_ADDR_SPEC})) *"
)


def unfold(raw: str) -> str:
    """Undo header folding (a line break before whitespace is not part of the value) and drop
    control characters, which only broken mailers put in headers."""
    if raw.isprintable():  # no line break and no control character: most values, as they are
        return raw
    return _CONTROL.sub("", _FOLD.sub("", raw).replace("\n", " "))


def _word_bytes(encoding: str, text: str) -> bytes | None:
    """The bytes of an encoded word's text (B or Q), or None when they cannot be read."""
    try:
        if encoding in "bB":
            padded = text + "=" * (-len(text) % 4)
            return base64.b64decode(padded, validate=True)
        return quopri.decodestring(text.replace("_", " ").encode("ascii"), header=True)
    except (binascii.Error, ValueError):
        return None


def decode_words(raw: str) -> str:
    """Decode RFC 2047 encoded words (and stray 8-bit bytes) in an unfolded header value.

    Text outside encoded words is kept as it is, raw UTF-8 included ("日本語 =?utf-8?q?caf=C3=A9?=
    done"); white space between two encoded words is dropped, and adjacent words in one charset
    are decoded together, so a character split across them is whole. Unknown or lying charsets
    fall back like body text does; a word that cannot be decoded is kept as written.
    """
    if "=?" not in raw and raw.isascii() and raw.isprintable():  # most values: nothing to do
        return raw.strip()
    text = from_surrogates(unfold(raw))
    if "=?" not in text:
        return text.strip()
    out: list[str] = []
    pending: tuple[str, bytearray] | None = None  # adjacent words of one charset, not yet decoded
    end = 0
    for word in _ENCODED_WORD.finditer(text):
        between = text[end : word.start()]
        data = _word_bytes(word["encoding"], word["text"])
        charset = word["charset"].split("*", 1)[0].lower()
        adjacent = pending is not None and not between.strip()
        if pending is not None and not (adjacent and data is not None and pending[0] == charset):
            out.append(decode_text(bytes(pending[1]), pending[0]))
            pending = None
        if not adjacent or data is None:
            out.append(between)
        if data is None:
            out.append(word.group())
        elif pending is None:
            pending = (charset, bytearray(data))
        else:
            pending[1].extend(data)
        end = word.end()
    if pending is not None:
        out.append(decode_text(bytes(pending[1]), pending[0]))
    out.append(text[end:])
    return unfold("".join(out)).strip()  # encoded words may hide line breaks and controls


def _quote_encoded_words(text: str) -> str:
    """Put encoded words that contain address specials (`]`, `;`, `@` …) in quotes.

    RFC 2047 forbids specials in an encoded word inside a name, but broken mailers write them;
    unquoted, they would split the name and lose the address that follows.
    """

    def quote(found: re.Match[str]) -> str:
        word = found.group()
        if not _ADDRESS_SPECIALS.intersection(word):
            return word
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return _BARE_ENCODED_WORD.sub(quote, text)


@functools.lru_cache(maxsize=256)
def parse_addresses(raw: str) -> tuple[Address, ...]:
    """Every address in an address header; the raw text as a name when none can be read.

    Mailing-list archives that obfuscate addresses ("john at example.com") are read back as
    addresses. Encoded names are decoded after splitting, so that a comma inside an encoded
    name does not split the address. Remembered by value: an archive's To, Cc and From name
    the same lists and people again and again (addresses are immutable).
    """
    text = from_surrogates(unfold(raw))
    plain = _plain_addresses(text)
    return plain if plain is not None else _read_addresses(text)


def _read_addresses(text: str) -> tuple[Address, ...]:
    """`parse_addresses` of an unfolded value, by getaddresses: any value at all."""
    text = _quote_encoded_words(text)
    if "@" not in text:
        text = _OBFUSCATED.sub(r"\1@\2", text)
    try:
        pairs = getaddresses([text])
    except (ValueError, IndexError, TypeError):
        pairs = []
    found = tuple(
        Address(name=decode_words(name), email=email.strip())
        for name, email in pairs
        if name.strip() or email.strip()
    )
    if found or not text.strip():
        return found
    return (Address(name=decode_words(text), email=""),)


def _plain_addresses(text: str) -> tuple[Address, ...] | None:
    """`parse_addresses` of a value made only of plain addresses (see _PLAIN_ADDRESS), read
    without getaddresses' character-by-character parser; None for any other value."""
    if "=?" in text:
        return None
    found: list[Address] = []
    for piece in text.split(","):
        plain = _PLAIN_ADDRESS.fullmatch(piece)
        if plain is None:
            return None
        if plain["bare"] is not None:
            found.append(Address(name="", email=plain["bare"]))
        else:  # the name's words, one space apart, as getaddresses joins them
            name = " ".join((plain["name"] or "").split())
            found.append(Address(name=decode_words(name), email=plain["angled"]))
    return tuple(found)


def parse_message_ids(raw: str) -> tuple[str, ...]:
    """The message ids in a References/In-Reply-To value, in order, without brackets.

    Bracketed ids are taken wherever they are, ignoring text between them ("(message from …)");
    when there is no bracketed id, bare `local@domain` tokens are taken instead.
    """
    text = from_surrogates(unfold(raw))
    ids = _BRACKETED_ID.findall(text) or _BARE_ID.findall(text)
    return tuple(dict.fromkeys(ids))


_GMANE_ADDRESS = re.compile(r"^(?P<local>.+)-[A-Za-z0-9+/_=]{6,}@public\.gmane\.org$", re.I)


# `export --format mbox` writes a stored id that has no domain (an archive-text message's content
# hash) as `<id@archive.invalid>`: .invalid is reserved (RFC 2606), so no mailer makes such an id.
OWN_ID_DOMAIN = "archive.invalid"


def own_id(message_id: str) -> str:
    """The stored id behind a Message-ID threadlore wrote out, so that importing its own export
    finds the messages it came from instead of adding copies; any other id as it is."""
    local, at, domain = message_id.rpartition("@")
    return local if at and domain.lower() == OWN_ID_DOMAIN else message_id


def is_bogus_id(message_id: str) -> bool:
    """An id no mailer makes: one without "@" (`git send-email --in-reply-to=yes` writes <yes>)."""
    return "@" not in message_id


def scope_bogus_ids(
    in_reply_to: str | None, references: tuple[str, ...], sender: str, when: datetime | None
) -> tuple[str | None, tuple[str, ...]]:
    """A message's parent and references without bogus ids, which would join unrelated threads.

    When a bogus id is all the message names as its parent, it becomes "<id> (as named by
    <sender> on <day>)": the patches one person sent together with `--in-reply-to=yes` stay
    together (under a parent never seen), apart from everyone else's.
    """
    kept = tuple(ref for ref in references if not is_bogus_id(ref))
    parent = in_reply_to if in_reply_to and not is_bogus_id(in_reply_to) else None
    named = in_reply_to or (references[-1] if references else None)
    if parent is None and not kept and named and is_bogus_id(named) and when is not None:
        address = sender.strip().lower()
        mangled = _GMANE_ADDRESS.match(address)
        local = mangled["local"] if mangled else address.split("@", 1)[0]
        if local:
            parent = f"{named} (as named by {local} on {when:%Y-%m-%d})"
    return parent, kept


def trim_references(ids: tuple[str, ...]) -> tuple[str, ...]:
    """At most MAX_REFERENCES ids: the first (the thread's root) and the latest ones.

    News software trims References the same way (RFC 5537, section 3.4.4). Threading needs only
    the root and the nearest ancestors, and an untrimmed header of thousands of ids would cost
    the store a link and an ancestry walk for each.
    """
    if len(ids) <= MAX_REFERENCES:
        return ids
    return (ids[0], *ids[len(ids) - MAX_REFERENCES + 1 :])


def parse_message_id(raw: str) -> str | None:
    """The id in a Message-ID value, without brackets; None when nothing usable is there."""
    text = from_surrogates(unfold(raw)).strip()
    bracketed = _BRACKETED_ID.search(text)
    if bracketed:
        return bracketed.group(1)
    token = text.split()[0].strip("<>") if text.split() else ""
    return token or None


_LOW_FOUR_DIGIT_YEAR = re.compile(r"(?<![\d:+-])00(\d\d)(?![\d:])")


def _with_written_year(parsed: datetime, text: str) -> datetime:
    """The date with a four-digit year as written: the parser reads "0001" as 2001 (its rule for
    two-digit years), but a year spelled with four digits is that year.

    Raises:
        ValueError: the year is 0000, which no calendar has.
    """
    written = _LOW_FOUR_DIGIT_YEAR.search(text)
    if written is None or int(written.group(1)) != parsed.year % 100 or parsed.year < 1900:
        return parsed
    year = int(written.group(1))
    if year == 0:
        raise ValueError("year 0000 does not exist")
    return parsed.replace(year=year)


def parse_date(raw: str | None) -> tuple[datetime | None, Inference | None]:
    """The Date header as an aware datetime with its offset as written.

    Returns the date and, when it had to be guessed or could not be read, an Inference saying
    why: a date without a zone (`-0000`, or none) is read as UTC; an unreadable one gives None.
    """
    if raw is None or not raw.strip():
        return None, Inference(InferredField.DATE, "", 0.0, ("the message has no Date header",))
    text = from_surrogates(unfold(raw)).strip()
    try:
        parsed = _with_written_year(parsedate_to_datetime(text), text)
    except (ValueError, TypeError, IndexError, OverflowError, OSError) as exc:
        reason = f"the Date header {text[:80]!r} could not be read ({exc or type(exc).__name__})"
        return None, Inference(InferredField.DATE, "", 0.0, (reason,))
    if parsed.tzinfo is not None:
        try:
            parsed.astimezone(UTC)  # years 1 and 9999 with an offset have no UTC instant
        except OverflowError:
            reason = f"the Date header {text[:80]!r} is outside the years a date can have"
            return None, Inference(InferredField.DATE, "", 0.0, (reason,))
        return parsed, None
    parsed = parsed.replace(tzinfo=UTC)
    reason = f"the Date header {text[:80]!r} gives no time zone; read as UTC"
    return parsed, Inference(InferredField.DATE, parsed.isoformat(), 0.5, (reason,))
