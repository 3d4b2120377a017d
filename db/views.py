"""Read-only views of the store that the CLI and the UI show: plain dataclasses, no ORM objects.

`db/queries.py` builds these in a fixed number of queries per call (never one query per row), so a
screen or a command can page through large stores; `as_json()` gives the stable field names the
README documents for `--json`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from threadlore.importers.subjects import strip_reply_markers


def bare_subject(subject: str) -> str:
    """A subject without its `Re:`/`Fwd:` prefixes: a tree shows a reply's subject only when
    this differs from its parent's, as mutt's index does."""
    return strip_reply_markers(subject)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def local_date(date_utc: datetime | None, offset_minutes: int | None) -> datetime | None:
    """A stored UTC date given back in the sender's UTC offset."""
    if date_utc is None:
        return None
    zone = timezone(timedelta(minutes=offset_minutes or 0))
    return date_utc.replace(tzinfo=UTC).astimezone(zone)


class JsonView:
    """Mixin: a dataclass view rendered with ISO 8601 dates and lists for tuples."""

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = _jsonable(asdict(self))  # type: ignore[call-overload]
        return result


@dataclass(frozen=True)
class InferenceView(JsonView):
    """Why threadlore believes an inferred value (author, parent, date, series)."""

    field: str
    value: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class CorrectionNote(JsonView):
    """A person's correction of an inferred value: it wins, and says who made it and when."""

    field: str
    value: str
    replaced: str
    by: str
    at: datetime


@dataclass(frozen=True)
class HunkView(JsonView):
    source_start: int
    source_length: int
    target_start: int
    target_length: int
    function: str
    added: int
    removed: int


@dataclass(frozen=True)
class PatchedFileView(JsonView):
    path: str
    added: int
    removed: int
    hunks: tuple[HunkView, ...]


@dataclass(frozen=True)
class PatchView(JsonView):
    """A patch in a message: its files, diffstat, trailers and series place."""

    diff: str
    truncated: bool
    added: int
    removed: int
    files: tuple[PatchedFileView, ...]
    series: str | None  # "v1 3/6", with " (inferred)" appended when it was inferred
    revises: tuple[str, ...]  # message ids of earlier versions this patch resends or revises
    revised_by: tuple[str, ...]


@dataclass(frozen=True)
class MessageSummary(JsonView):
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


@dataclass(frozen=True)
class MessageView(JsonView):
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


@dataclass(frozen=True)
class TreeRow(JsonView):
    """One row of a thread's reply tree, in display order; `depth` 0 is a root."""

    message: MessageSummary
    depth: int
    is_last_child: bool
    ancestors_last: tuple[bool, ...]  # for each ancestor level: was that ancestor a last child
    placeholder: bool = False  # a parent that was referenced but never seen

    def as_json(self) -> dict[str, Any]:
        """Without `ancestors_last`: it is drawing state a script rebuilds from `depth` and
        `is_last_child`, and it grows with the square of a chain's depth (3,000 deep: 55 MB of
        JSON, and minutes to copy)."""
        return {
            "message": self.message.as_json(),
            "depth": self.depth,
            "is_last_child": self.is_last_child,
            "placeholder": self.placeholder,
        }


@dataclass(frozen=True)
class ThreadSummary(JsonView):
    """One thread as a line: subject, counts, people, first and last dates."""

    id: int
    subject: str
    root: str | None
    messages: int
    people: tuple[str, ...]
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class PersonSummary(JsonView):
    """One human (aliases merged) or one mailing list, with message counts."""

    id: int
    name: str
    is_list: bool
    messages: int
    aliases: tuple[str, ...] = field(default=())
    first: datetime | None = None
    last: datetime | None = None


Span = tuple[int, int]  # [start, end) character offsets into a text


@dataclass(frozen=True)
class Snippet:
    """One line of a message to show in a list, and the spans of it a search matched."""

    text: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Matches:
    """Where a search's words are in one message (db/snippets.py): its subject's and its body's
    spans, and the snippet a list of hits shows."""

    subject: tuple[Span, ...]
    body: tuple[Span, ...]
    snippet: Snippet
