"""The three reads a thread's patch and mail services make, answered by the CLI and the UI alike.

`tui.data_source.StoreReader` (the UI's store reader) has these methods, so the UI hands its
reader to `kb.series`, `kb.am`, `kb.interdiff` and `kb.mail_export`; the command line hands
them `SessionViews` over its session.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from threadlore.db import queries
from threadlore.db.views import MessageView, TreeRow


class ThreadViews(Protocol):
    """The reads a series needs (`tui.data_source.StoreReader` has them too)."""

    def resolve_thread(self, ref: str) -> int: ...

    def thread_tree(self, thread_id: int) -> list[TreeRow]: ...

    def get_message(self, message_id: str) -> MessageView: ...


class SessionViews:
    """`ThreadViews` over one session of the store."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def resolve_thread(self, ref: str) -> int:
        return queries.resolve_thread(self.session, ref)

    def thread_tree(self, thread_id: int) -> list[TreeRow]:
        return queries.thread_tree(self.session, thread_id)

    def get_message(self, message_id: str) -> MessageView:
        return queries.get_message(self.session, message_id)
