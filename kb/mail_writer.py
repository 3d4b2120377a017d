"""Writing stored messages back out as real mail: RFC 5322 bytes and mbox entries.

One place builds the bytes both `threadlore am` (a series for `git am`) and `export --format
mbox` (a thread for mutt, notmuch, b4) write: headers encoded as RFC 2047 where they are not
ASCII, a UTF-8 text body sent 8bit (what `git format-patch` sends, and what `git am` expects),
and mboxrd's `From ` escaping, which our importer, mutt and notmuch undo or tolerate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

_POLICY = policy.default.clone(linesep="\n", max_line_length=78)
_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)
MBOX_SEPARATOR = b"From threadlore Thu Jan  1 00:00:00 1970\n"
CUT_DOMAIN = "cut.invalid"


def mail_date(when: datetime | None) -> str | None:
    """A Date header's value, in the sender's own offset."""
    if when is None:
        return None
    return format_datetime(when if when.tzinfo else when.replace(tzinfo=UTC))


def mail_address(written: str) -> str:
    """An address as mail may carry it: one the archive cut (`akpm@...`) at `cut.invalid`."""
    name, address = parseaddr(written)
    if not address and not name:
        return written
    local, at, domain = address.partition("@")
    if at and (not domain.strip(".") or domain.endswith("...")):
        address = f"{local}@{CUT_DOMAIN}"
    return formataddr((name, address)) if address else name


def message_bytes(headers: Sequence[tuple[str, str]], body: str) -> bytes:
    """One message: the headers in order (a None-free list), then the body as UTF-8 text."""
    message = EmailMessage(policy=_POLICY)
    for name, value in headers:
        message[name] = value
    text = body if body.endswith("\n") else body + "\n"
    cte = "7bit" if text.isascii() else "8bit"
    message.set_content(text, charset="utf-8", cte=cte)
    del message["MIME-Version"]
    message["MIME-Version"] = "1.0"
    return message.as_bytes()


def mbox_entry(raw: bytes, *, escape: bool = True) -> bytes:
    """A message as one mbox entry: the separator, the message with `From ` lines escaped the
    mboxrd way, and the blank line that ends it. Without `escape`, the message is written as
    `git format-patch` writes one (which `git am` reads as it is)."""
    escaped = _FROM_LINE.sub(rb">\1", raw) if escape else raw
    return MBOX_SEPARATOR + escaped + (b"" if escaped.endswith(b"\n") else b"\n") + b"\n"
