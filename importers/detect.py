"""Recognising an input's format and reading any mix of inputs as one stream of messages.

Formats are told apart by content, not by name: gzip magic, an mbox `From ` line, the web
archive's text layout, or RFC 822 headers; a folder is a public-inbox when it holds git epochs of
messages, a Maildir when it has `cur/` or `new/`, otherwise it is walked for files of those
formats.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from threadlore.importers.archive_dates import ArchiveClock
from threadlore.importers.charsets import without_nul
from threadlore.importers.eml import looks_like_message, read_eml
from threadlore.importers.maildir import SkipHandler, is_maildir, log_skip, read_maildir
from threadlore.importers.mbox import GZIP_MAGIC, read_mbox
from threadlore.importers.public_inbox import looks_like_public_inbox, read_public_inbox
from threadlore.importers.records import (
    MAX_MESSAGE_BYTES,
    ErrorHandler,
    ImportRecord,
    InputError,
    ParsedMessage,
    ReadPosition,
    UnreadableInput,
    source_name,
)
from threadlore.importers.selection import EVERYTHING, Selection

ARCHIVE_TEXT = "archive-text"
MBOX = "mbox"
MBOX_GZ = "mbox.gz"
MAILDIR = "maildir"
EML = "eml"
PUBLIC_INBOX = "public-inbox"
DIRECTORY = "directory"
_HEAD_BYTES = 8192


def _looks_like_archive_text(head: str) -> bool:
    """Ask the archive-text importer, imported only when needed; without it, the answer is no."""
    try:
        from threadlore.importers.archive_text import looks_like_archive_text
    except ImportError:
        return False
    return looks_like_archive_text(head)


def _first_line(head: bytes) -> bytes:
    return next((line for line in head.splitlines() if line.strip()), b"")


def detect_format(path: str | Path) -> str:
    """The format of one input: "archive-text", "mbox", "mbox.gz", "maildir", "eml",
    "public-inbox" or "directory".

    Raises:
        InputError: when the path does not exist, cannot be read, or is in none of these formats.
    """
    path = Path(path)
    if path.is_dir():
        try:
            if looks_like_public_inbox(path):
                return PUBLIC_INBOX
            return MAILDIR if is_maildir(path) else DIRECTORY
        except OSError as exc:  # a folder this user may not look into
            problem = f"cannot be read ({exc.strerror or exc})"
            raise UnreadableInput(source_name(path), None, "folder", problem) from exc
    if not path.is_file():  # opening a pipe would wait for a writer forever
        raise InputError(source_name(path), None, "path", "not a regular file or folder")
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as exc:
        raise UnreadableInput(
            source_name(path), None, "path", f"cannot be read ({exc.strerror or exc})"
        ) from exc
    if not head.strip():
        raise InputError(source_name(path), None, "whole file", "empty file")
    if head.startswith(GZIP_MAGIC):
        return MBOX_GZ
    if _first_line(head).startswith(b"From "):
        return MBOX
    if looks_like_message(head):
        return EML
    if _looks_like_archive_text(head.decode("utf-8", "replace")):
        return ARCHIVE_TEXT
    problem = "not an mbox, Maildir, .eml or web-archive text file"
    raise InputError(source_name(path), None, "start of file", problem)


def _read_archive_text(
    path: Path, on_error: ErrorHandler | None, clock: ArchiveClock | None
) -> Iterator[ParsedMessage]:
    """The archive-text importer's messages; a file holding NUL bytes has them dropped here (it
    decodes its lines itself, keeping them)."""
    from threadlore.importers.archive_text import read_archive_text

    messages = read_archive_text(path, on_error, clock)
    with Path(path).open("rb") as file:
        holds_nul = any(b"\x00" in block for block in iter(lambda: file.read(1 << 20), b""))
    return (without_nul(m) for m in messages) if holds_nul else messages


@dataclass(frozen=True)
class _Reading:
    """What every input of one import is read with."""

    on_skip: SkipHandler
    on_error: ErrorHandler | None
    clock: ArchiveClock | None
    positions: Mapping[str, ReadPosition]
    selection: Selection
    cap: int  # the most bytes a message may have


def _walk_directory(folder: Path, how: _Reading) -> Iterator[ImportRecord]:
    """Read every file of a known format under a folder that is not a Maildir, sorted (each
    folder's entries in name order, a plain subfolder's contents in its place), without
    recursion: a tree may be thousands of folders deep. A file or folder that cannot be read
    is an error (reported, and the walk goes on); one that holds no mail is skipped."""
    stack = [iter(_listing(folder))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            how.on_skip(entry, "hidden file or folder")
            continue
        if entry.is_symlink() and entry.is_dir():  # as os.walk: a link may lead back up
            how.on_skip(entry, "symbolic link to a folder, not followed")
            continue
        try:
            kind = detect_format(entry)
            if kind == DIRECTORY:
                stack.append(iter(_listing(entry)))
                continue
        except UnreadableInput as exc:
            if how.on_error is None:
                raise
            how.on_error(exc)
            continue
        except InputError as exc:
            how.on_skip(entry, exc.problem)
            continue
        yield from _read_one(entry, kind, how)


def _listing(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
        raise UnreadableInput(source_name(folder), None, "folder", problem) from exc


def _messages_of(path: Path, kind: str, how: _Reading) -> Iterator[ParsedMessage]:
    """The messages of one input of a format that holds nothing but messages."""
    if kind in (MBOX, MBOX_GZ):
        yield from read_mbox(path, how.on_error, how.cap)
    elif kind == MAILDIR:
        yield from read_maildir(path, how.on_skip, how.on_error, how.cap)
    elif kind == EML:
        yield read_eml(path, how.cap)
    else:
        yield from _read_archive_text(path, how.on_error, how.clock)


def _read_one(path: Path, kind: str, how: _Reading) -> Iterator[ImportRecord]:
    """Read one input of a known kind; with `on_error`, its error is reported, not raised."""
    try:
        if kind == DIRECTORY:
            yield from _walk_directory(path, how)
        elif kind == PUBLIC_INBOX:
            yield from read_public_inbox(
                path, how.positions, on_error=how.on_error, selection=how.selection
            )
        else:
            selection = how.selection
            for message in _messages_of(path, kind, how):
                if selection.keeps_everything or selection.keeps(message):
                    yield message
    except InputError as exc:
        if how.on_error is None:
            raise
        how.on_error(exc)


def read_records(
    paths: Sequence[str | Path],
    *,
    on_skip: SkipHandler = log_skip,
    on_error: ErrorHandler | None = None,
    clock: ArchiveClock | None = None,
    positions: Mapping[str, ReadPosition] | None = None,
    selection: Selection = EVERYTHING,
    cap: int = MAX_MESSAGE_BYTES,
) -> Iterator[ImportRecord]:
    """Stream the messages of every input in turn, whatever each one's format, with what a
    public-inbox adds: the messages it deleted, and how far each of its epochs was read.

    Args:
        paths: files and folders, in the order to read them.
        on_skip: told about each file inside a folder that is not read, and why (default: log).
        on_error: told about each input, file in a folder or message that cannot be read, after
            which reading goes on with the next one; without it, the first such error ends the
            stream (the messages read before it have been yielded).
        clock: the clock archive-text pages printed their times on (default: see
            `archive_dates`).
        positions: how far each public-inbox epoch was read before (by its absolute path);
            an epoch is read from there on.
        selection: the messages to keep (`--since`, `--list`); the rest are left out.
        cap: the most bytes a message may have; a larger one is skipped, reported to
            `on_error`, with no more than `cap` bytes of it read.

    Raises:
        InputError: when a named input is missing or unreadable, or is in no known format,
            and `on_error` is not given.
    """
    how = _Reading(on_skip, on_error, clock, positions or {}, selection, cap)
    for raw_path in paths:
        path = Path(raw_path)
        try:
            if not path.exists():
                raise InputError(source_name(path), None, "path", "does not exist")
            kind = detect_format(path)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        yield from _read_one(path, kind, how)


def read_inputs(
    paths: Sequence[str | Path],
    *,
    on_skip: SkipHandler = log_skip,
    on_error: ErrorHandler | None = None,
    clock: ArchiveClock | None = None,
) -> Iterator[ParsedMessage]:
    """The messages of `read_records`: every message each input holds (a public-inbox's from
    its first commit, including those it later deleted)."""
    for record in read_records(paths, on_skip=on_skip, on_error=on_error, clock=clock):
        if isinstance(record, ParsedMessage):
            yield record
