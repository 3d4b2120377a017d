"""Reading a Maildir or a notmuch-style mail tree: every message file under a folder.

stdlib `mailbox.Maildir` reads only `cur/` and `new/` of one folder and Maildir++ `.Sub`
folders, while notmuch's trees (and its test corpora) keep messages in nested plain folders and
at any depth. So the tree is walked instead, in sorted order and without recursion (a tree may be
thousands of folders deep): `tmp/` (mail still being delivered), hidden files and folders, and
files that are not messages are skipped, each with a reason given to `on_skip`; a file or
folder that cannot be read is an error, never skipped in silence.

A mail program may move messages while they are read (`new/` to `cur/`, a flag added to the
name). So a file that is gone when its turn comes is looked for again: once the walk is over,
each Maildir's `cur/` and `new/` are listed again and every message whose unique name (the part
before `:2,`) was not read yet is read, until a listing brings nothing new.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from threadlore.importers.eml import looks_like_message, read_eml
from threadlore.importers.records import (
    MAX_MESSAGE_BYTES,
    ErrorHandler,
    InputError,
    ParsedMessage,
    source_name,
)

SkipHandler = Callable[[Path, str], None]
_LOG = logging.getLogger(__name__)
_HEAD_BYTES = 4096
_JUNK_NAMES = ("dovecot", "courierimap", "maildirfolder", "subscriptions")


def log_skip(path: Path, reason: str) -> None:
    """The default skip handler: note the skipped file in the log."""
    _LOG.info("skipped %s: %s", path, reason)


def is_maildir(folder: Path) -> bool:
    """Whether a folder is a Maildir (it has `cur/` or `new/`)."""
    return (folder / "cur").is_dir() or (folder / "new").is_dir()


def _skip_reason(path: Path) -> str | None:
    """Why a file is not read as a message, or None when it should be."""
    if path.name.startswith("."):
        return "hidden file (index or state of a mail program)"
    if path.name.lower().startswith(_JUNK_NAMES) or path.suffix == ".lock":
        return "a mail program's bookkeeping file"
    if not path.is_file():  # opening a pipe would wait for a writer forever
        return None if not os.path.lexists(path) else "not a regular file"  # gone: looked for
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return None  # reading it says why it cannot be read
    if not head.strip():
        return "empty file"
    if not looks_like_message(head):
        return "does not start with mail headers"
    return None


def _unreadable_folder(folder: Path, exc: OSError) -> InputError:
    return InputError(source_name(folder), None, "folder", f"cannot be read ({exc.strerror})")


def message_files(
    root: Path, on_skip: SkipHandler = log_skip, on_error: ErrorHandler | None = None
) -> Iterator[Path]:
    """The message files under `root`, folder by folder in sorted order (each folder's files,
    then its subfolders, as os.walk), without listing the whole tree first and without
    recursion; skipped files and folders are reported to `on_skip`, folders that cannot be
    listed to `on_error` (raised without it)."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            if on_error is None:
                raise _unreadable_folder(folder, exc) from exc
            on_error(_unreadable_folder(folder, exc))
            continue
        subfolders: list[Path] = []
        for entry in entries:
            path = folder / entry.name
            if not entry.is_dir():  # a link to a folder is listed, not followed, as os.walk
                reason = _skip_reason(path)
                if reason is None:
                    yield path
                else:
                    on_skip(path, reason)
            elif entry.name.startswith(".") or entry.name == "tmp":
                hidden = entry.name.startswith(".")
                on_skip(path, "hidden folder" if hidden else "tmp/: mail still being delivered")
            elif not entry.is_symlink():
                subfolders.append(path)
        stack.extend(reversed(subfolders))


def _unique_name(path: Path) -> str:
    """A Maildir message's name without the flags a mail program changes (`:2,S`)."""
    return path.name.split(":", 1)[0]


def _moved(path: Path) -> bool:
    """Whether a file in a Maildir's `cur/` or `new/` went away before it was read."""
    return path.parent.name in _MAILDIR_PARTS and not os.path.lexists(path)


_MAILDIR_PARTS = ("cur", "new")


def read_maildir(
    root: str | Path,
    on_skip: SkipHandler = log_skip,
    on_error: ErrorHandler | None = None,
    cap: int = MAX_MESSAGE_BYTES,
) -> Iterator[ParsedMessage]:
    """Read every message under a Maildir or mail tree, one file at a time.

    Args:
        root: the Maildir or tree.
        on_skip: told about each file that is not a message, and why.
        on_error: told about each message file or folder that cannot be read, after which
            reading goes on; without it, such a file ends the reading with its error.
        cap: the most bytes a message file may have; a larger one is such a file.

    Raises:
        InputError: when `root` is not a readable folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(source_name(root), None, "path", "is not a folder")
    done: dict[Path, set[str]] = {}  # each Maildir's unique names read (or that failed)
    yield from _read_files(message_files(root, on_skip, on_error), done, on_error, cap)
    while True:  # until a listing brings nothing new: see the module's docstring
        before = sum(map(len, done.values()))
        yield from _read_files(_listed_again(done), done, on_error, cap)
        if sum(map(len, done.values())) == before:
            return


def _read_files(
    paths: Iterator[Path], done: dict[Path, set[str]], on_error: ErrorHandler | None, cap: int
) -> Iterator[ParsedMessage]:
    """Read each message file, but none of a Maildir twice and none that moved away."""
    for path in paths:
        maildir = path.parent.parent if path.parent.name in _MAILDIR_PARTS else None
        names = done.setdefault(maildir, set()) if maildir is not None else set()
        if _unique_name(path) in names:
            continue
        try:
            message = read_eml(path, cap)
        except InputError as exc:
            if _moved(path):
                continue  # read under its new name when the Maildir is listed again
            names.add(_unique_name(path))
            if on_error is None:
                raise
            on_error(exc)
            continue
        names.add(_unique_name(path))
        yield message


def _listed_again(done: dict[Path, set[str]]) -> Iterator[Path]:
    """The message files of each Maildir met so far that are not in `done` (skipped files
    were reported the first time)."""
    for maildir, names in list(done.items()):
        for part in _MAILDIR_PARTS:
            try:
                listed = sorted(os.listdir(maildir / part))
            except OSError:
                continue
            for name in listed:
                path = maildir / part / name
                if name.split(":", 1)[0] not in names and _skip_reason(path) is None:
                    yield path
