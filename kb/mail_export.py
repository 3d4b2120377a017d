"""A thread as real mail: an mbox that mutt, notmuch and b4 read (`export --format mbox`).

Every message gets the headers mail programs thread by: From, To, Cc, Date, Subject,
Message-ID, In-Reply-To and References (its ancestors in the stored tree, root first, so the
file threads the way the store does, corrections included). A message read from the web
archive's text format had none of them: they come from the inference, and each inferred value
is named in an `X-Threadlore-Inferred:` header with its confidence (1.00 and who corrected it,
for a value a person corrected). Two things are made up so that the mail is well-formed and
says so: an archive-text message's content-hash id becomes `<hash@archive.invalid>`, and an
address the archive cut (`akpm@...`) keeps its name at the reserved `.invalid` domain
(`akpm@cut.invalid`). Messages never seen (placeholders) are not written; their replies still
name them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formataddr

from threadlore.db.views import MessageView, TreeRow
from threadlore.importers.mail_headers import OWN_ID_DOMAIN
from threadlore.kb.mail_writer import mail_address, mail_date, mbox_entry, message_bytes
from threadlore.kb.thread_views import ThreadViews

INFERRED_HEADER = "X-Threadlore-Inferred"


def mail_id(message_id: str) -> str:
    """A stored id as a Message-ID: archive-text content hashes get a domain."""
    return message_id if "@" in message_id else f"{message_id}@{OWN_ID_DOMAIN}"


def inferred_notes(view: MessageView) -> list[str]:
    """One `X-Threadlore-Inferred` value per inferred field: the field, the confidence, the
    value (and who corrected it, for a correction)."""
    corrected = {c.field: c for c in view.corrections}
    notes = []
    for inference in view.inferences:
        correction = corrected.pop(inference.field, None)
        if correction is not None:
            note = f"{inference.field}; confidence=1.00; corrected by {correction.by}"
            notes.append(f"{note} on {correction.at:%Y-%m-%d}; value={correction.value}")
        else:
            notes.append(
                f"{inference.field}; confidence={inference.confidence:.2f}; value={inference.value}"
            )
    for field, correction in corrected.items():
        notes.append(f"{field}; confidence=1.00; corrected by {correction.by}")
    return notes


def _headers(view: MessageView, ancestors: Sequence[str]) -> list[tuple[str, str]]:
    summary = view.summary
    author = mail_address(formataddr((summary.author or "", view.author_email or "")))
    headers = [("From", author)]
    for name, addresses in (("To", view.to), ("Cc", view.cc)):
        if addresses:
            headers.append((name, ", ".join(mail_address(a) for a in addresses)))
    date = mail_date(summary.date)
    if date is not None:
        headers.append(("Date", date))
    headers += [("Subject", summary.subject), ("Message-ID", f"<{mail_id(summary.id)}>")]
    if ancestors:
        headers.append(("In-Reply-To", f"<{mail_id(ancestors[-1])}>"))
        headers.append(("References", " ".join(f"<{mail_id(a)}>" for a in ancestors)))
    headers += [(INFERRED_HEADER, note) for note in inferred_notes(view)]
    return headers


@dataclass(frozen=True)
class ExportedThread:
    """The mbox's bytes, how many messages it holds, how many have inferred headers."""

    mbox: bytes
    messages: int
    inferred: int


def thread_mbox(views: ThreadViews, ref: str) -> ExportedThread:
    """The thread `ref` names (a thread number or a message id) as an mbox, in tree order.

    Raises:
        LookupError: when `ref` names no thread.
    """
    rows: list[TreeRow] = views.thread_tree(views.resolve_thread(ref))
    chain: list[str] = []  # the ancestors of the row being written, root first
    parts: list[bytes] = []
    inferred = 0
    for row in rows:
        del chain[row.depth :]
        if not row.placeholder:
            view = views.get_message(row.message.id)
            inferred += bool(view.inferences or view.corrections)
            parts.append(mbox_entry(message_bytes(_headers(view, chain), view.body)))
        chain.append(row.message.id)
    return ExportedThread(b"".join(parts), len(parts), inferred)
