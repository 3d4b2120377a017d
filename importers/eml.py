"""Reading a single message file (.eml, RFC 822), as saved by a mail client or one Maildir entry."""

from __future__ import annotations

import os
import re
from pathlib import Path

from threadlore.importers.email_message import parse_message_bytes
from threadlore.importers.records import (
    MAX_MESSAGE_BYTES,
    InputError,
    ParsedMessage,
    source_name,
    too_large,
)

_HEADER_LINE = re.compile(rb"^([!-9;-~]+):")
# header names that open real messages; a first line such as "Re: [patch 0/6] …" (a web
# archive's title) has the form of a header but not the name of one
_COMMON_HEADERS = frozenset(
    b"""received return-path delivered-to from to cc subject date message-id mime-version
    content-type content-transfer-encoding in-reply-to references reply-to sender
    envelope-to path newsgroups xref user-agent organization list-id precedence
    authentication-results dkim-signature arc-seal arc-message-signature arc-authentication-results
    thread-topic thread-index importance""".split()
)


def looks_like_message(head: bytes) -> bool:
    """Whether a file's first bytes open an RFC 822 message (a known header, or any `X-` one).

    A leading mbox `From ` line is allowed, since some tools save single messages with one.
    """
    lines = [line for line in head.splitlines() if line.strip()]
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    match = _HEADER_LINE.match(lines[0]) if lines else None
    if match is None:
        return False
    name = match.group(1).lower()
    return name in _COMMON_HEADERS or name.startswith((b"x-", b"list-", b"resent-"))


def read_eml(path: str | Path, cap: int = MAX_MESSAGE_BYTES) -> ParsedMessage:
    """Read one message file; a leading mbox `From ` line, if any, is not part of the message.

    Raises:
        InputError: when the file cannot be read, or holds more than `cap` bytes (only that
            much is read).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            known = os.fstat(handle.fileno()).st_size
            raw = handle.read(min(known, cap) + 1)  # not a buffer of the cap's size
            if len(raw) > known:  # the file grew while it was read
                raw += handle.read(cap + 1 - len(raw))
    except OSError as exc:
        raise InputError(
            source_name(path), None, "file", f"cannot be read ({exc.strerror or exc})"
        ) from exc
    if len(raw) > cap:
        raise too_large(source_name(path), 1, len(raw), cap)
    if raw.startswith(b"From "):
        raw = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    return parse_message_bytes(raw, source=source_name(path), position=1)
