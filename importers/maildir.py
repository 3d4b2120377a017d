"""Reading a Maildir or a notmuch-style mail tree: every message file under a folder.

stdlib `mailbox.Maildir` reads only `cur/` and `new/` of one folder and Maildir++ `.Sub`
folders, while notmuch's trees (and its test corpora) keep messages in nested plain folders and
at any depth. So the tree is walked instead, in sorted order: `tmp/` (mail still being
delivered), hidden files and folders, and files that are not messages are skipped, each with a
reason given to `on_skip`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from threadlore.importers.eml import looks_like_message, read_eml
from threadlore.importers.records import ErrorHandler, InputError, ParsedMessage

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
        return "not a regular file"
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not head.strip():
        return "empty file"
    if not looks_like_message(head):
        return "does not start with mail headers"
    return None


def message_files(root: Path, on_skip: SkipHandler = log_skip) -> Iterator[Path]:
    """The message files under `root`, folder by folder in sorted order, without listing the
    whole tree first; skipped files and folders are reported to `on_skip`."""
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        for name in sorted(subfolders):
            if name.startswith(".") or name == "tmp":
                subfolders.remove(name)
                why = (
                    "hidden folder" if name.startswith(".") else "tmp/: mail still being delivered"
                )
                on_skip(here / name, why)
        subfolders.sort()
        for name in sorted(files):
            path = here / name
            reason = _skip_reason(path)
            if reason is None:
                yield path
            else:
                on_skip(path, reason)


def read_maildir(
    root: str | Path, on_skip: SkipHandler = log_skip, on_error: ErrorHandler | None = None
) -> Iterator[ParsedMessage]:
    """Read every message under a Maildir or mail tree, one file at a time.

    Args:
        root: the Maildir or tree.
        on_skip: told about each file that is not a message, and why.
        on_error: told about each message file that cannot be read, after which reading goes on;
            without it, such a file ends the reading with its error.

    Raises:
        InputError: when `root` is not a readable folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(str(root), None, "path", "is not a folder")
    for path in message_files(root, on_skip):
        try:
            message = read_eml(path)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        yield message
