"""A small real store (SQLite, through `db.ingest`) for tests that run the UI on the real store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from benches.synthetic_threads import thread_messages
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages

HOSTILE_SUBJECT = "title \x1b]0;pwned\x07 change"
HOSTILE_BODY = "clear \x1b[2J screen and \x1b[31mred\x1b[0m text\nbidi \u202eexe.txt"


def build_store(folder: Path) -> str:
    """Import two threads (one of 12 messages, one hostile message) and return the store's URL."""
    url = f"sqlite:///{folder / 'store.sqlite'}"
    messages = list(thread_messages(1, 12))
    hostile = replace(
        next(thread_messages(2, 1)),
        message_id="hostile@bench",
        subject=HOSTILE_SUBJECT,
        body=HOSTILE_BODY,
        read_patches=(),
    )
    report = import_messages(open_store(url), [*messages, hostile])
    assert report.added == 13, report
    return url
