"""The parsed-message records every importer yields, whatever the input format.

Importers turn a foreign shape (mbox, Maildir, .eml, the web archive's text) into these plain,
immutable dataclasses; persistence lives in db/, which is the only consumer that writes them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any


class InferredField(StrEnum):
    """A field an importer had to infer because the input did not state it."""

    AUTHOR = "author"
    PARENT = "parent"
    DATE = "date"
    SERIES = "series"


@dataclass(frozen=True)
class Address:
    """A name and address as written in a header; `email` may be cut ("akpm@...") by an archive."""

    name: str
    email: str

    def __str__(self) -> str:
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email


@dataclass(frozen=True)
class Inference:
    """Why an importer believes a value it could not read directly.

    `value` is the inferred value in text form (an author's address, a parent's message id, an ISO
    timestamp, a series position such as "3/6"); `confidence` is in [0, 1]; `evidence` lists the
    reasons a reader can check, strongest first.
    """

    field: InferredField
    value: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Trailer:
    """A `Key: value` trailer such as Signed-off-by or Acked-by."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """One `@@` hunk; `function` is the section heading printed after the second `@@`."""

    source_start: int
    source_length: int
    target_start: int
    target_length: int
    function: str
    added: int
    removed: int


@dataclass(frozen=True)
class PatchedFile:
    """One file a patch touches, with its hunks and line counts."""

    path: str
    old_path: str | None
    added: int
    removed: int
    hunks: tuple[Hunk, ...]
    is_new: bool = False
    is_deleted: bool = False
    is_binary: bool = False

    def __reduce__(self) -> tuple[Callable[..., PatchedFile], tuple[object, ...]]:
        """Pickled with its hunks' fields in one tuple (`_patched_file`): a tuple or list a
        hunk, which unpickling keeps until it ends, left a large patch's hunks among holes."""
        fields = tuple(
            value
            for h in self.hunks
            for value in (
                h.source_start,
                h.source_length,
                h.target_start,
                h.target_length,
                h.function,
                h.added,
                h.removed,
            )
        )
        flags = (self.is_new, self.is_deleted, self.is_binary)
        return _patched_file, (self.path, self.old_path, self.added, self.removed, fields, *flags)


def _patched_file(
    path: str,
    old_path: str | None,
    added: int,
    removed: int,
    fields: tuple[Any, ...],
    is_new: bool,
    is_deleted: bool,
    is_binary: bool,
) -> PatchedFile:
    """A PatchedFile from what `PatchedFile.__reduce__` gives."""
    hunks = tuple(Hunk(*fields[i : i + 7]) for i in range(0, len(fields), 7))
    return PatchedFile(path, old_path, added, removed, hunks, is_new, is_deleted, is_binary)


@dataclass(frozen=True)
class SeriesPosition:
    """Where a patch stands in a series: `[PATCH v2 3/6]` is version 2, index 3, total 6."""

    version: int
    index: int
    total: int
    inferred: bool = False


@dataclass(frozen=True, eq=False)
class ParsedPatch:
    """A diff found in a message body.

    `truncated` is set when the archive cut the diff off ("..." in place of the rest), so that
    unidiff could not parse it whole; `files` then holds what could be read, and `added` and
    `removed` come from the diffstat the author included, when there is one.

    `text` is the diff, or with `span` set, the body the diff is the slice `span` of: a large
    patch's diff is most of its body, and a second copy of it was held by the reader, pickled to
    the storing process and held there while the body was written (issue 18: 5× the message).
    `diff` is the diff's text either way; patches are equal when their diffs are.
    """

    text: str
    files: tuple[PatchedFile, ...]
    truncated: bool
    added: int
    removed: int
    span: tuple[int, int] | None = None

    @property
    def diff(self) -> str:
        """The diff's text, cut from the body each time when it lies there."""
        if self.span is None:
            return self.text
        start, stop = self.span
        return self.text[start:stop]

    def _key(self) -> tuple[object, ...]:
        return (self.diff, self.files, self.truncated, self.added, self.removed)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParsedPatch) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True)
class ParsedMessage:
    """One message as an importer read it.

    `message_id` is the Message-ID without angle brackets, or a short content hash (with
    `synthetic_id` set) where the input has none; either is stable across re-imports. `in_reply_to`
    and `references` name parents by those ids. `position` is the 1-based order of the message in
    `source`. Values the importer inferred are listed in `inferences` with their evidence;
    `warnings` lists what could not be read as written (the message is stored all the same).
    `clock` names the clock a zoneless source's dates were read on (archive text: "UTC-04:00"),
    and `headers` an archive-text message's header fields as written, its Date read again on
    another clock; mail carries none (no reader wants them: 25% of what a reader pickles).
    `read_patches` are the body's patches as the importer read them, or None where it left them
    unread (a large body, see `importers.patches.carried_patches`): read them through `patches`,
    which reads what was left.
    """

    source: str
    position: int
    message_id: str
    synthetic_id: bool
    subject: str
    author: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None
    in_reply_to: str | None
    references: tuple[str, ...]
    body: str
    headers: tuple[tuple[str, str], ...] = ()
    list_ids: tuple[str, ...] = ()
    read_patches: tuple[ParsedPatch, ...] | None = ()
    trailers: tuple[Trailer, ...] = ()
    series: SeriesPosition | None = None
    truncated: bool = False
    inferences: tuple[Inference, ...] = field(default=())
    warnings: tuple[ReadProblem, ...] = ()
    clock: str | None = None

    def inference(self, which: InferredField) -> Inference | None:
        """The inference recorded for a field, if the importer had to infer it."""
        return next((i for i in self.inferences if i.field is which), None)

    @property
    def patches(self) -> tuple[ParsedPatch, ...]:
        """The body's patches: those the importer read, or read from the body now (each time
        this is asked) where it left them unread."""
        if self.read_patches is not None:
            return self.read_patches
        from threadlore.importers.patches import extract_patches  # which makes these records

        return extract_patches(self.body)

    @property
    def patches_unread(self) -> bool:
        """Whether the importer left the patches for whoever reads them (`patches`)."""
        return self.read_patches is None


@dataclass(frozen=True)
class MessageDeleted:
    """A message its archive deleted (a public-inbox `d` commit): the store removes it.

    `position` is where the deletion stands in `source` (the commit's number in its epoch).
    """

    source: str
    position: int
    message_id: str


@dataclass(frozen=True)
class ReadPosition:
    """How far an incremental source has been read: the last commit of a public-inbox epoch
    (`source`, its git folder) and how many commits that is. The store keeps it, so that the
    next import reads only what came after."""

    source: str
    commit: str
    commits: int


ImportRecord = ParsedMessage | MessageDeleted | ReadPosition
"""What an import stream carries: messages, deletions, and how far a git source was read."""


@dataclass(frozen=True)
class ReadProblem:
    """Something an importer could not read as written: the file, the message (1-based) and its
    byte offset in the file when known, where in the message, and what is wrong."""

    source: str
    position: int | None
    where: str
    problem: str
    offset: int | None = None

    def __str__(self) -> str:
        at = f"message {self.position}, " if self.position is not None else ""
        byte = f"byte {self.offset}, " if self.offset is not None else ""
        return f"{self.source}: {at}{byte}{self.where}: {self.problem}"


def source_name(path: Path | str) -> str:
    """A file's name as a source: text any store can hold. Bytes of the name that are not
    UTF-8 (`caf\\xe9.eml` from a Latin-1 system) are spelled `\\xe9` rather than kept as the
    lone surrogates Python reads them as, which no store can encode."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class InputError(ValueError):
    """Bad input: names the file, the message position and where in it, for a one-line error."""

    def __init__(
        self,
        source: str,
        position: int | None,
        where: str,
        problem: str,
        offset: int | None = None,
    ) -> None:
        self.source = source
        self.position = position
        self.where = where
        self.problem = problem
        self.offset = offset
        super().__init__(str(self.report))

    @property
    def report(self) -> ReadProblem:
        """The error as a plain record (an exception's own pickling loses these fields)."""
        return ReadProblem(self.source, self.position, self.where, self.problem, self.offset)


MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""The largest message read by default (`import --max-message-size`): a larger one is skipped
while it is read, so a compressed bomb or a 200 MB one-line body costs no more memory than this."""


def too_large(
    source: str, position: int, size: int, cap: int, offset: int | None = None
) -> InputError:
    """The error of a message past the size cap, read no further than the cap."""
    what = f"at least {size:,}" if size > cap else f"{size:,}"
    problem = f"{what} bytes, past the {cap:,}-byte cap (import --max-message-size): skipped"
    return InputError(source, position, "message", problem, offset)


class UnreadableInput(InputError):
    """A file or folder the system would not let us read (permissions, an I/O error): unlike
    a file that holds no mail, never passed over in silence inside a folder."""


ErrorHandler = Callable[[InputError], None]
"""Told about each input, or message in one, that cannot be read, so that reading can go on."""
