"""Converting one parsed email (stdlib `email`, `policy.default`) into a ParsedMessage.

Every reader of real mail (mbox, Maildir, .eml) ends here. Headers are read from their raw text
(`raw_items`), not through the policy's header objects, because those raise on some broken
headers; the body is taken from the text/plain parts and decoded leniently. A single-part
message's body is decoded from its bytes without the parser (see `importers/raw_body.py`), so
that memory holds a message about twice, not ten times.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message

from threadlore.importers.charsets import decode_text
from threadlore.importers.header_block import read_header_block
from threadlore.importers.list_senders import real_sender
from threadlore.importers.mail_headers import (
    decode_words,
    own_id,
    parse_addresses,
    parse_date,
    parse_message_id,
    parse_message_ids,
    scope_bogus_ids,
    trim_references,
)
from threadlore.importers.patches import carried_patches, extract_trailers, parse_series_marker
from threadlore.importers.raw_body import (
    CUT_FROM,
    decoded_payload,
    is_single_part,
    parse_bytes,
    parse_cutting_bodies,
    split_message,
)
from threadlore.importers.records import InputError, ParsedMessage, ReadProblem
from threadlore.importers.subjects import is_reply_subject

_BODY_TYPES = frozenset({"text/plain", "text/x-patch", "text/x-diff", "text/x-csrc"})
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li|/tr)\b[^>]*>", re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# MIME headers that the parser and `get_content_type` read again and again, with values that
# repeat across a whole archive ("text/plain; charset=us-ascii")
_MEMOIZED_HEADERS = frozenset({"content-type", "content-transfer-encoding", "content-disposition"})
_BARE_CR = re.compile(rb"\r(?!\n)")


def _first_values(headers: list[tuple[str, str]]) -> dict[str, str]:
    """The first raw value of each header, by lower-case name."""
    first: dict[str, str] = {}
    for key, value in headers:
        first.setdefault(key.lower(), value)
    return first


def _parsed_payload(part: Message) -> bytes:
    """A parsed leaf part's bytes, transfer encoding undone."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
    return payload


def _html_to_text(markup: str) -> str:
    """A rough plain text of an HTML part, for messages that carry no text/plain."""
    return html.unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", markup)))


def _body(leaves: list[Message], payload: Callable[[Message], bytes | memoryview]) -> str:
    """The message's text: its text/plain (and attached diff) parts, else its HTML as text;
    `payload` reads a part's bytes, transfer encoding undone."""
    # a multipart leaf is one whose boundary never appears: its payload is the undivided text
    plain = [
        part
        for part in leaves
        if part.get_content_type() in _BODY_TYPES or part.get_content_maintype() == "multipart"
    ]
    if plain:
        text = "\n".join(decode_text(payload(part), part.get_content_charset()) for part in plain)
    else:
        markup = [part for part in leaves if part.get_content_type() == "text/html"]
        text = "\n".join(
            _html_to_text(decode_text(payload(part), part.get_content_charset())) for part in markup
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _list_ids(headers: list[tuple[str, str]]) -> tuple[str, ...]:
    """The lists a message went through, from List-Id and X-Mailing-List, without brackets."""
    found: list[str] = []
    for key, value in headers:
        if key.lower() not in ("list-id", "x-mailing-list"):
            continue
        text = decode_words(value)
        bracketed = re.search(r"<([^<>]+)>", text)
        list_id = (bracketed.group(1) if bracketed else text).strip().lower()
        if list_id:
            found.append(list_id)
    return tuple(dict.fromkeys(found))


def synthetic_message_id(*parts: str) -> str:
    """A 12-hex content hash standing in for a missing Message-ID.

    It depends only on the content, so re-importing gives the same id, and a message stored
    twice without an id is recognised as one message.
    """
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:12]


def convert_message(
    message: Message,
    *,
    source: str,
    position: int,
    body: memoryview | None = None,
    cut_bodies: Mapping[int, memoryview] | None = None,
) -> ParsedMessage:
    """Read one email into a ParsedMessage, keeping whatever a broken message still offers.

    Args:
        message: a message parsed with `policy.default` (any `email.message.Message` works).
        source: the file it came from, for the record and for errors.
        position: its 1-based place in that file.
        body: when `message` was parsed from its header block alone, the bytes after it, read
            as the parser would read the body of a single part.
        cut_bodies: when leaf bodies were cut out of the message before it was parsed, the
            bytes of each by `id()` of its part (see `raw_body.parse_cutting_bodies`).

    Raises:
        InputError: only when the message cannot be read at all.
    """
    try:
        return _convert(message, source, position, body, cut_bodies or {})
    except Exception as exc:  # a malformed message must become a one-line error, not a traceback
        raise InputError(source, position, "message", f"cannot be read: {exc}") from exc


def _body_text(
    message: Message, body: memoryview | None, cut_bodies: Mapping[int, memoryview]
) -> str:
    """The text of a parsed message, or of a header block over the body `body`."""
    if body is not None:
        return _body([message], lambda part: decoded_payload(part, body))

    def payload(part: Message) -> bytes | memoryview:
        cut = cut_bodies.get(id(part))
        return _parsed_payload(part) if cut is None else decoded_payload(part, cut)

    return _body([part for part in message.walk() if not part.is_multipart()], payload)


def _convert(
    message: Message,
    source: str,
    position: int,
    raw_body: memoryview | None,
    cut_bodies: Mapping[int, memoryview],
) -> ParsedMessage:
    """The conversion itself; each field reader copes with its own kind of damage."""
    raw_headers = [(str(name), str(value)) for name, value in message.raw_items()]
    first = _first_values(raw_headers)
    subject = " ".join(decode_words(first.get("subject", "")).split())
    authors = parse_addresses(first.get("from", ""))
    raw_date = first.get("date")
    date, date_inference = parse_date(raw_date)
    body = _body_text(message, raw_body, cut_bodies)
    message_id = parse_message_id(first.get("message-id", ""))
    synthetic = message_id is None or own_id(message_id) != message_id
    if message_id is None:
        message_id = synthetic_message_id(first.get("from", ""), raw_date or "", subject, body)
    parents = parse_message_ids(first.get("in-reply-to", ""))
    author, author_inference = real_sender(raw_headers, authors[0] if authors else None, body)
    in_reply_to, references = scope_bogus_ids(
        parents[0] if parents else None,
        trim_references(parse_message_ids(first.get("references", ""))),
        author.email if author else "",
        date,
    )
    inferences = tuple(i for i in (date_inference, author_inference) if i is not None)
    return ParsedMessage(
        source=source,
        position=position,
        message_id=own_id(message_id),
        synthetic_id=synthetic,
        subject=subject,
        author=author,
        to=parse_addresses(first.get("to", "")),
        cc=parse_addresses(first.get("cc", "")),
        date=date,
        in_reply_to=own_id(in_reply_to) if in_reply_to else None,
        references=tuple(map(own_id, references)),
        body=body,
        list_ids=_list_ids(raw_headers),
        read_patches=carried_patches(body),
        trailers=extract_trailers(body),
        series=None if is_reply_subject(subject) else parse_series_marker(subject),
        inferences=inferences,
    )


def without_bare_crs_in_headers(raw: bytes) -> bytes:
    """The message with each lone CR in its header block made a space (`raw` itself when there
    is none: a message may be large).

    The parser ends a line at a lone CR, so one stray CR in a Subject would end the header block
    there and turn every later header into body text. A message with no LF at all (old Mac line
    ends) is left alone: there, CR is the line end.
    """
    if b"\n" not in raw:
        return raw
    end = _HEADER_END.search(raw)
    cut = end.start() if end else len(raw)
    if _BARE_CR.search(raw, 0, cut) is None:
        return raw
    return b"".join((_BARE_CR.sub(b" ", raw[:cut]), memoryview(raw)[cut:]))


class _MemoizedHeaderRegistry(HeaderRegistry):
    """`policy.default`'s header factory, remembering the MIME headers it has parsed.

    `policy.default` parses a header anew on every access: the feed parser and each
    `get_content_type`/`get_content_charset` call parse Content-Type again, six times a message.
    Header objects are immutable, so one parse can serve every message with the same value.
    """

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - one registry lives as long as the process
    def _memoized(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)

    def __call__(self, name: str, value: str) -> BaseHeader:
        if name.lower() in _MEMOIZED_HEADERS:
            return self._memoized(name, value)
        return super().__call__(name, value)


MAIL_POLICY = policy.default.clone(header_factory=_MemoizedHeaderRegistry())


def parse_message_bytes(
    raw: bytes, *, source: str, position: int, cut_from: int = CUT_FROM
) -> ParsedMessage:
    """Parse one message's bytes (headers and body, no mbox `From ` line) into a ParsedMessage.

    The stdlib parser reads the header block; it reads the body too when that holds parts, else
    the body is decoded from `raw` as the parser would decode it (see `importers/raw_body.py`).
    So is a part's body of at least `cut_from` bytes: it is cut out before the parser reads
    the parts.
    """
    raw = without_bare_crs_in_headers(raw)
    header_block, body = split_message(raw)
    try:
        headers = read_header_block(header_block, MAIL_POLICY)
        single_part = is_single_part(headers)
    except Exception as exc:  # the parser collects defects; anything it raises is a bad message
        raise InputError(source, position, "message", f"cannot be parsed: {exc}") from exc
    if single_part:
        return convert_message(headers, source=source, position=position, body=body)
    try:
        cut = parse_cutting_bodies(raw, MAIL_POLICY, cut_from)
        if cut is None:
            return convert_message(parse_bytes(raw, MAIL_POLICY), source=source, position=position)
        parts, cut_bodies = cut
        return convert_message(parts, source=source, position=position, cut_bodies=cut_bodies)
    except RecursionError:  # MIME parts nested past the stack (the parser and walk() recurse)
        pass
    except InputError as exc:
        if not isinstance(exc.__cause__, RecursionError):
            raise
    except Exception as exc:
        raise InputError(source, position, "message", f"cannot be parsed: {exc}") from exc
    # too deep to take apart: its headers, and its body as written (every part's text is in it)
    message = convert_message(headers, source=source, position=position, body=body)
    problem = "MIME parts nested too deep to take apart: the body is kept as written"
    warning = ReadProblem(source, position, "body", problem)
    return replace(message, warnings=(*message.warnings, warning))
