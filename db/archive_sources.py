"""An archive-text source read again from the store: its page rebuilt from the stored messages
and inferred anew, with corrected values pinned (see `importers.archive_messages`).

Archive text keeps no ids, so its messages are stored under content hashes, and everything the
page leaves out (authors, parents, dates, series positions) was inferred at import. A correction
to one message changes what can be inferred about its neighbours (a corrected parent changes
whose replies the later messages can be), so corrections are applied by inferring the whole
source again with them pinned.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadlore.db.models import Message, Recipient, Source
from threadlore.importers.archive_blocks import ArchiveBlock, ArchiveThread
from threadlore.importers.archive_dates import (
    DEFAULT_CLOCK,
    ArchiveClock,
    format_archive_date,
    parse_clock,
)
from threadlore.importers.archive_inference import BlockPins
from threadlore.importers.archive_messages import build_messages
from threadlore.importers.records import Address, ParsedMessage


def stored_page(session: Session, source_id: int) -> tuple[ArchiveThread, list[str], ArchiveClock]:
    """The page of an archive-text source as its stored messages rebuild it: the blocks in page
    order, the ids they are stored under, and the source's clock.

    Raises:
        LookupError: no such source, or it holds no archive-text (synthetic-id) messages.
    """
    source = session.get(Source, source_id)
    if source is None:
        raise LookupError(f"no source {source_id}")
    messages = session.scalars(
        select(Message)
        .where(Message.source_id == source_id, Message.synthetic.is_(True))
        .where(Message.placeholder.is_(False))
        .order_by(Message.position)
    ).all()
    if not messages:
        raise LookupError(f"source {source.path} holds no archive-text messages")
    clock = parse_clock(source.clock) if source.clock else DEFAULT_CLOCK
    recipients: dict[int, dict[str, list[Address]]] = {}
    rows = session.execute(
        select(Recipient.message_id, Recipient.kind, Recipient.name, Recipient.email)
        .where(Recipient.message_id.in_([m.id for m in messages]))
        .order_by(Recipient.message_id, Recipient.position)
    )
    for message_pk, kind, name, email in rows:
        recipients.setdefault(message_pk, {}).setdefault(kind, []).append(Address(name, email))
    blocks = []
    for message in messages:
        addressed = recipients.get(message.id, {})
        when = message.date_utc.replace(tzinfo=UTC) if message.date_utc else None
        blocks.append(
            ArchiveBlock(
                position=message.position or 0,
                line=0,
                to=tuple(addressed.get("to", ())),
                cc=tuple(addressed.get("cc", ())),
                date_text=format_archive_date(when, clock) if when else "",
                body=message.body,
                truncated=message.truncated,
            )
        )
    thread = ArchiveThread(source.path, messages[0].subject, tuple(blocks))
    return thread, [m.message_id for m in messages], clock


def reinfer_source(
    session: Session, source_id: int, pins: Mapping[str, BlockPins] | None = None
) -> list[ParsedMessage]:
    """Infer an archive-text source's messages again from the store, with `pins` (corrected
    values by message id: `InferredField.AUTHOR` "Name <address>", `PARENT` an id or "" for
    none, `DATE` ISO 8601) taken as certain. Returns one ParsedMessage per stored message, in
    page order, under the ids they are stored with; nothing is written."""
    thread, ids, clock = stored_page(session, source_id)
    return list(build_messages(thread, clock=clock, pins=pins, ids=ids))
