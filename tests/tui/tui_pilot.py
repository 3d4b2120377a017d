"""Helpers for the UI's Pilot tests: the fixed size, a record of posted messages, settling."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.message import Message

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
    """Wait until every worker the keys started has finished and its messages are handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def run_kwargs(posted: PostedMessages) -> dict[str, Any]:
    """Arguments for `run_test` used by every pilot test."""
    return {"size": SIZE, "message_hook": posted}
