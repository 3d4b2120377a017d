"""Messages the screens post, named in the past tense for what has happened.

Tests hook them (`run_test(message_hook=...)`) to check what a key press did, and parent screens
react to them instead of reaching into child widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from threadlore.db.views import (
    Matches,
    MessageSummary,
    MessageView,
    PersonSummary,
    ThreadSummary,
    TreeRow,
)

if TYPE_CHECKING:
    from threadlore.kb.discussion import DiscussionMap, StoredMap
    from threadlore.kb.replay_summary import ProposalReplay


@dataclass
class ThreadsFetched(Message):
    """A page of the thread list arrived from the store."""

    offset: int
    threads: list[ThreadSummary]
    total: int


@dataclass
class ThreadChosen(Message):
    """The user asked to open a thread, optionally at one of its messages, and with the search
    it was found by (whose matches `n`/`N` then visit)."""

    thread_id: int
    message_id: str | None = None
    query: str | None = None


@dataclass
class ThreadTreeFetched(Message):
    """A thread's reply tree arrived from the store."""

    thread_id: int
    rows: list[TreeRow]


@dataclass
class FirstLinesFetched(Message):
    """The first own line of each message of a thread arrived, for the index's rows."""

    thread_id: int
    lines: dict[str, str]


@dataclass
class ThreadMatchesFetched(Message):
    """The messages of the open thread that its search matches arrived, with their spans."""

    query: str
    matches: dict[str, Matches]


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
class SearchMatchesFetched(Message):
    """Where a query's words are in a page of its hits arrived: snippets and spans to mark."""

    query: str
    matches: dict[str, Matches]


@dataclass
class SearchFailed(Message):
    """A query could not run; `error` is the store's one-line explanation."""

    query: str
    error: str


@dataclass
class PeopleFetched(Message):
    """The people list and their messages per day arrived from the store."""

    people: list[PersonSummary]


@dataclass
class DecisionMapsFetched(Message):
    """The stored decision maps arrived (up to date with the shipped ones)."""

    maps: list[StoredMap]


@dataclass
class ReplayRequested(Message):
    """The user asked to replay a proposal (from the decisions map or the palette)."""

    discussion: DiscussionMap
    proposal_id: str


@dataclass
class ProposalReplayed(Message):
    """The model ran a proposal's policy on every workload; `slot` 0 is left, 1 is compared."""

    slot: int
    replay: ProposalReplay


@dataclass
class TraceStepShown(Message):
    """The trace view moved to a step (0-based)."""

    index: int


@dataclass
class MapChanged(Message):
    """Something was recorded, decided, removed or undone on a thread's map."""

    thread_id: int | None
