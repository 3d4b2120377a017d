"""Helpers for the UI's Pilot tests: the fixed size, a record of posted messages, settling."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from textual.message import Message
from textual.worker import WorkerCancelled

SIZE = (120, 36)
M = TypeVar("M", bound=Message)


class PostedMessages:
    """Every message the app posted, once each (a bubbling message reaches the hook per node)."""

    def __init__(self) -> None:
        self._seen: dict[int, Message] = {}

    def __call__(self, message: Message) -> None:
        self._seen.setdefault(id(message), message)

    def of(self, kind: type[M]) -> list[M]:
        """The posted messages of one kind, in order."""
        return [m for m in self._seen.values() if isinstance(m, kind)]


async def settle(pilot: Any) -> None:
    """Wait until every worker the keys started has finished and its messages are handled.

    An exclusive worker that a newer one replaced ends cancelled; that is the app working as
    meant (on a busy machine it happens often), so only a failure is raised. Workers started
    while waiting are waited for too.
    """
    await pilot.pause()
    while any(not w.is_finished for w in pilot.app.workers):
        running = [w for w in pilot.app.workers if w.is_running]  # pending ones start on a pause
        outcomes = await asyncio.gather(*(w.wait() for w in running), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, WorkerCancelled):
                raise outcome
        await pilot.pause()
    await pilot.pause()


def run_kwargs(posted: PostedMessages) -> dict[str, Any]:
    """Arguments for `run_test` used by every pilot test."""
    return {"size": SIZE, "message_hook": posted}
