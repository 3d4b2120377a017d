"""Read-only views of the store that the CLI and the UI show: frozen records, no ORM objects.

`db/queries.py` builds these in a fixed number of queries per call (never one query per row), so a
screen or a command can page through large stores; `view_json()` gives the stable field names the
README documents for `--json`. Every read command imports this module, so its classes are
`FrozenRecord`s (db/frozen_record.py), which cost nothing to define (issue 15).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from threadlore.db.frozen_record import FrozenRecord

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from typing import Any

# drawing state a script rebuilds from `depth` and `is_last_child`, which grows with the square of
# a chain's depth (a 3,000-deep chain: 55 MB of JSON, and minutes to copy)
_NOT_IN_JSON = frozenset({"ancestors_last"})


def view_json(value: Any) -> Any:
    """A view (or a list or tuple of them) as JSON: ISO 8601 dates, lists for tuples."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, FrozenRecord):
        return {k: view_json(v) for k, v in value.as_dict().items() if k not in _NOT_IN_JSON}
    if isinstance(value, list | tuple):
        return [view_json(v) for v in value]
    return value


def local_date(date_utc: datetime | None, offset_minutes: int | None) -> datetime | None:
    """A stored UTC date given back in the sender's UTC offset."""
    if date_utc is None:
        return None
    zone = timezone(timedelta(minutes=offset_minutes or 0))
    return date_utc.replace(tzinfo=UTC).astimezone(zone)


class InferenceView(FrozenRecord):
    """Why threadlore believes an inferred value (author, parent, date, series)."""

    field: str
    value: str
    confidence: float
    evidence: tuple[str, ...]


class CorrectionNote(FrozenRecord):
    """A person's correction of an inferred value: it wins, and says who made it and when."""

    field: str
    value: str
    replaced: str
    by: str
    at: datetime


class HunkView(FrozenRecord):
    source_start: int
    source_length: int
    target_start: int
    target_length: int
    function: str
    added: int
    removed: int


class PatchedFileView(FrozenRecord):
    path: str
    added: int
    removed: int
    hunks: tuple[HunkView, ...]


class PatchView(FrozenRecord):
    """A patch in a message: its files, diffstat, trailers and series place."""

    diff: str
    truncated: bool
    added: int
    removed: int
    files: tuple[PatchedFileView, ...]
    series: str | None  # "v1 3/6", with " (inferred)" appended when it was inferred
    revises: tuple[str, ...]  # message ids of earlier versions this patch resends or revises
    revised_by: tuple[str, ...]


class MessageSummary(FrozenRecord):
    """One message as a line in a list: the fields `--json` promises for every message."""

    id: str
    position: int
    author: str | None
    parent: str | None
    date: datetime | None
    subject: str
    has_patch: bool
    thread: int | None
    author_confidence: float | None = None  # set when the author was inferred


class MessageView(FrozenRecord):
    """One message in full: headers, body, patches, trailers, place in its thread, inferences."""

    summary: MessageSummary
    source: str
    author_email: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    body: str
    patches: tuple[PatchView, ...]
    trailers: tuple[tuple[str, str], ...]
    children: tuple[str, ...]
    inferences: tuple[InferenceView, ...]
    corrections: tuple[CorrectionNote, ...] = ()


class TreeRow(FrozenRecord):
    """One row of a thread's reply tree, in display order; `depth` 0 is a root."""

    message: MessageSummary
    depth: int
    is_last_child: bool
    ancestors_last: tuple[bool, ...]  # for each ancestor level: was that ancestor a last child
    placeholder: bool = False  # a parent that was referenced but never seen


class ThreadSummary(FrozenRecord):
    """One thread as a line: subject, counts, people, first and last dates."""

    id: int
    subject: str
    root: str | None
    messages: int
    people: tuple[str, ...]
    first: datetime | None
    last: datetime | None


class PersonSummary(FrozenRecord):
    """One human (aliases merged) or one mailing list, with message counts."""

    id: int
    name: str
    is_list: bool
    messages: int
    aliases: tuple[str, ...] = ()
    first: datetime | None = None
    last: datetime | None = None

    @property
    def other_names(self) -> tuple[str, ...]:
        """The names and addresses besides the one it is listed under (which is an alias too)."""
        return tuple(alias for alias in self.aliases if alias != self.name)


Span = tuple[int, int]  # [start, end) character offsets into a text


class Snippet(FrozenRecord):
    """One line of a message to show in a list, and the spans of it a search matched."""

    text: str
    spans: tuple[Span, ...] = ()


class Matches(FrozenRecord):
    """Where a search's words are in one message (db/snippets.py): its subject's and its body's
    spans, and the snippet a list of hits shows."""

    subject: tuple[Span, ...]
    body: tuple[Span, ...]
    snippet: Snippet
