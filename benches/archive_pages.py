"""Real threads (mail with its true headers) rewritten as the web archive's text pages, with the
truth kept beside each page, so that inference can be scored against what the headers said.

A page mimics the seed (`samples/lkml-2007-fault-vs-truncate.txt`): the thread's subject with
"Re: ", the archive's "Previous/Next thread" chrome, then one block per message with only To:,
Cc: and Date:, addresses cut at the "@" (`akpm@...`), the date on a fixed-offset clock
(UTC−4 all year, as the seed's archive prints) to the minute, quoted text and the attribution
line above it stripped, whitespace collapsed (the archive renders HTML: every line trimmed, runs
of blanks made one, no double blank lines), messages longer than the archive shows cut with
"..." (and then no closing "-"), in depth-first order with the newest sibling first.

The truth is read from the headers by rules of this module's own, independent of the importers':
the author is From, or — where a list rewrote From to its own address (DMARC, "Name via List")
— X-Original-From or a Reply-To that is not the list; an anonymous list's messages have no true
author. The parent is the last In-Reply-To id present in the thread, else the last References id
present (the rule the corpus was cut by), with gmane-mangled ids read as their plain form and
ids without "@" (`<yes>`) ignored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

from threadlore.importers.email_message import parse_message_bytes
from threadlore.importers.mail_headers import parse_addresses, parse_message_ids
from threadlore.importers.mbox import split_mbox
from threadlore.importers.records import Address, ParsedMessage

ARCHIVE_OFFSET = timezone(timedelta(hours=-4))
CUT_ABOVE = 2000  # longer bodies are cut …
CUT_RANGE = (1650, 2000)  # … at a point in this range, as the seed's eight cut messages are
_GMANE = re.compile(r"^(?P<local>.+)-[A-Za-z0-9+/_=]+@public\.gmane\.org$", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*>")
_ATTRIBUTION = re.compile(r"(wrote|writes|said|schrieb|a écrit|escribió|scripsit)\s*:\s*$", re.I)
_MAX_ATTRIBUTION_LINES = 3


@dataclass(frozen=True)
class TrueMessage:
    """One message as its headers tell it: the real sender, parent (within the thread), UTC date."""

    message_id: str
    parent: str | None
    author: Address | None
    date: datetime
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str
    body: str


@dataclass(frozen=True)
class Page:
    """One thread as the archive prints it, and the truth of each block, in page order."""

    name: str
    text: str
    truth: tuple[TrueMessage, ...]


def plain_id(message_id: str, known: Iterable[str]) -> str:
    """A gmane-mangled id (`…-l3A5Bk7waGM@public.gmane.org`) as the known id it stands for."""
    mangled = _GMANE.match(message_id)
    if mangled is None:
        return message_id
    local = mangled["local"] + "@"
    return next((k for k in known if k.startswith(local)), message_id)


def plain_local_part(email: str) -> str:
    """An address's local part, lower-case, with gmane's mangling undone."""
    mangled = _GMANE.match(email.strip())
    local = mangled["local"] if mangled else email.strip().split("@", 1)[0]
    return local.lower()


RawHeaders = Message  # the headers as written (encoded words intact), from the stdlib parser


def _header(message: RawHeaders, name: str) -> str:
    return str(message.get(name, ""))


def _list_addresses(message: RawHeaders) -> set[str]:
    """The list's own addresses: List-Post's mailto, List-Id and X-Mailing-List as addresses."""
    found = set(re.findall(r"mailto:([^>\s,?]+)", _header(message, "List-Post")))
    for name in ("List-Id", "X-Mailing-List"):
        ident = re.search(r"<([^<>]+)>", _header(message, name))
        text = ident.group(1) if ident else _header(message, name).split(" ")[0]
        if "@" in text:
            found.add(text)
        elif "." in text:
            local, _, domain = text.partition(".")
            found.add(f"{local}@{domain}")
    return {a.lower() for a in found if a}


def true_author(message: RawHeaders) -> Address | None:
    """The real sender: From, unless it is the list's own address (then the rewritten sender).

    Read from the headers as written, not from what the importer made of them.
    """
    lists = _list_addresses(message)
    written = parse_addresses(_header(message, "From"))
    sender = written[0] if written else None
    if sender is None or sender.email.lower() not in lists:
        return sender
    for name in ("X-Original-From", "Reply-To"):
        for address in parse_addresses(_header(message, name)):
            if address.email and address.email.lower() not in lists:
                return address
    return None


def _parent(message: ParsedMessage, raw: RawHeaders, present: set[str]) -> str | None:
    replied = parse_message_ids(_header(raw, "In-Reply-To"))
    for ids in (replied, parse_message_ids(_header(raw, "References"))):
        for ref in reversed(ids):
            plain = plain_id(ref, present)
            if "@" in plain and plain in present and plain != message.message_id:
                return plain
    return None


def read_mail(raws: Iterable[tuple[bytes, str]]) -> list[TrueMessage]:
    """Every distinct message (by Message-ID, first copy kept), with its truth."""
    parsed: dict[str, tuple[ParsedMessage, RawHeaders]] = {}
    for raw, source in raws:
        message = parse_message_bytes(raw, source=source, position=1)
        if message.date is not None:
            headers = BytesParser(policy=compat32).parsebytes(raw, headersonly=True)
            parsed.setdefault(message.message_id, (message, headers))
    present = set(parsed)
    return [
        TrueMessage(
            message_id=m.message_id,
            parent=_parent(m, headers, present),
            author=true_author(headers),
            date=m.date.astimezone(UTC),
            to=m.to,
            cc=m.cc,
            subject=m.subject,
            body=m.body,
        )
        for m, headers in parsed.values()
        if m.date is not None
    ]


def read_mbox_file(path: Path) -> list[TrueMessage]:
    with path.open("rb") as stream:
        return read_mail((raw, str(path)) for raw in split_mbox(stream, str(path)))


def read_mail_folder(folder: Path) -> list[TrueMessage]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return read_mail((p.read_bytes(), str(p)) for p in files)


def threads(messages: Sequence[TrueMessage]) -> list[list[TrueMessage]]:
    """The messages grouped by reply tree, each tree in page order (depth-first, newest sibling
    first), trees by their root's date."""
    children: dict[str | None, list[TrueMessage]] = {}
    for message in messages:
        children.setdefault(message.parent, []).append(message)
    for siblings in children.values():
        siblings.sort(key=lambda m: m.date, reverse=True)
    pages = []
    for root in sorted(children.get(None, []), key=lambda m: m.date):
        ordered: list[TrueMessage] = []
        stack = [root]
        while stack:
            message = stack.pop()
            ordered.append(message)
            stack.extend(reversed(children.get(message.message_id, [])))
        pages.append(ordered)
    return pages


def archive_date(when: datetime) -> str:
    """`Wednesday, February 21, 2007 - 12:49 am` on the archive's clock."""
    local = when.astimezone(ARCHIVE_OFFSET)
    hour = local.hour % 12 or 12
    half = "am" if local.hour < 12 else "pm"
    return f"{local:%A, %B} {local.day}, {local.year} - {hour}:{local:%M} {half}"


def _cut_address(address: Address) -> str:
    email = address.email.strip()
    cut = email.split("@", 1)[0] + "@..." if "@" in email else email
    name = " ".join(address.name.replace("<", "").replace(">", "").split())
    if not cut:
        return name
    if not name:
        return f"<{cut}>"
    if any(c in name for c in ',;:"'):
        name = '"' + name.replace('"', "") + '"'
    return f"{name} <{cut}>"


def strip_quotes(body: str) -> str:
    """The body without quoted lines and the attribution lines that introduce them."""
    lines = body.splitlines()
    kept: list[str] = []
    for line in lines:
        if _QUOTED.match(line):
            # drop the attribution paragraph just above the quote ("On …, X wrote:")
            end = len(kept)
            while end and not kept[end - 1].strip():
                end -= 1
            start = end
            while start and kept[start - 1].strip() and end - start < _MAX_ATTRIBUTION_LINES:
                start -= 1
            paragraph = kept[start:end]
            if paragraph and _ATTRIBUTION.search(paragraph[-1].strip()):
                del kept[start:end]
            continue
        kept.append(line)
    return "\n".join(kept)


def collapse_whitespace(text: str) -> str:
    """Every line trimmed with runs of blanks made one; no double or edge blank lines."""
    out: list[str] = []
    for line in text.splitlines():
        words = " ".join(line.split())
        if words or (out and out[-1]):
            out.append(words)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def archive_body(message_id: str, body: str) -> tuple[str, bool]:
    """The body as the archive shows it, and whether it was cut."""
    text = collapse_whitespace(strip_quotes(body))
    if len(text) <= CUT_ABOVE:
        return text, False
    low, high = CUT_RANGE
    digest = int(hashlib.sha256(message_id.encode()).hexdigest()[:8], 16)
    return text[: low + digest % (high - low)] + "...", True


def render_page(name: str, thread: Sequence[TrueMessage], fallback_to: Address) -> Page:
    """One thread as an archive page; `fallback_to` stands for headers an export dropped."""
    root = thread[0]
    lines = [f"Re: {root.subject}", "", "Previous thread: none", "", "Next thread: none"]
    for message in thread:
        to = message.to or (() if message.cc else (fallback_to,))
        if to:
            lines.append("To: " + ", ".join(_cut_address(a) for a in to))
        if message.cc:
            lines.append("Cc: " + ", ".join(_cut_address(a) for a in message.cc))
        lines.append(f"Date: {archive_date(message.date)}")
        lines.append("")
        body, cut = archive_body(message.message_id, message.body)
        if body:
            lines.append(body)
        lines.append("" if cut else "-")
        if not cut:
            lines.append("")
    return Page(name, "\n".join(lines).rstrip("\n") + "\n", tuple(thread))
