"""Messages the screens post, named in the past tense for what has happened.

Tests hook them (`run_test(message_hook=...)`) to check what a key press did, and parent screens
react to them instead of reaching into child widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from db.views import MessageSummary, MessageView, PersonSummary, ThreadSummary, TreeRow


@dataclass
class ThreadsFetched(Message):
    """A page of the thread list arrived from the store."""

    offset: int
    threads: list[ThreadSummary]
    total: int


@dataclass
class ThreadChosen(Message):
    """The user asked to open a thread, optionally at one of its messages."""

    thread_id: int
    message_id: str | None = None


@dataclass
class ThreadTreeFetched(Message):
    """A thread's reply tree arrived from the store."""

    thread_id: int
    rows: list[TreeRow]


@dataclass
class MessageHighlighted(Message):
    """The cursor moved onto a message (in a tree or a list of hits)."""

    message_id: str


@dataclass
class MessageFetched(Message):
    """A message's full view arrived from the store and is now shown."""

    message: MessageView


@dataclass
class SearchCompleted(Message):
    """A query ran; `hits` is the page that starts at `offset`."""

    query: str
    offset: int
    hits: list[MessageSummary]


@dataclass
class SearchFailed(Message):
    """A query could not run; `error` is the store's one-line explanation."""

    query: str
    error: str


@dataclass
class PeopleFetched(Message):
    """The people list and their messages per day arrived from the store."""

    people: list[PersonSummary]
