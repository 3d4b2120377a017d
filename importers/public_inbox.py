"""Reading a public-inbox archive, the git form lore.kernel.org mirrors are kept in, incrementally.

public-inbox keeps a list as git history. A v2 inbox is a folder of epochs, `git/0.git`,
`git/1.git`, … (`grokmirror` or `git clone --mirror …/linux-mm/0` make them); every commit of an
epoch has a tree of one file: `m`, the message it adds, or `d`, a message it deletes. A v1 inbox is
one git repository whose commits add a message as a file named by the SHA-1 of its Message-ID
(`ab/cdef…`) and delete one by removing that file.

git is read through its command line: `git log --raw` names each commit's blobs, and one
`git cat-file --batch` process streams them, both in C and without a dependency (see README:
dulwich would read the packs in Python). Each message goes through `email_message` like any
other mail. Where the store remembers an epoch's last commit (`ReadPosition`), only the commits
after it are read; a remembered commit that is no longer in the history (rewritten by
`public-inbox-purge`) means the epoch is read again from its start, which re-imports nothing.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO

from threadlore.importers.email_message import parse_message_bytes
from threadlore.importers.records import (
    ErrorHandler,
    ImportRecord,
    InputError,
    MessageDeleted,
    ParsedMessage,
    ReadPosition,
    source_name,
)
from threadlore.importers.selection import EVERYTHING, Selection

_EPOCH = re.compile(r"^(\d+)\.git$")
_V1_PATH = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{38,62}$")
_V1_FOLDER = re.compile(r"^[0-9a-f]{2}$")
_BRANCH = "refs/heads/master"  # where public-inbox writes, whatever HEAD says
# how often the stream says how far an epoch has been read: the store commits that position
# with the batch holding the messages before it, so a killed import resumes near where it died
POSITION_EVERY = 1000
BLOBS_PER_REQUEST = 256  # 256 ids of up to 65 bytes: well within a pipe's 64 KiB


def is_git_dir(path: Path) -> bool:
    """Whether a folder is a bare git repository (or a `.git` folder)."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def _git(git_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git on a repository; its exit status and output are the caller's to read.

    Raises:
        InputError: when git is not installed.
    """
    try:
        return subprocess.run(
            ["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        problem = "git is not installed (a public-inbox is read with it)"
        raise InputError(str(git_dir), None, "git", problem) from exc


def _tip(git_dir: Path) -> str | None:
    """The newest commit of an epoch: public-inbox's branch, else HEAD; None when empty."""
    for ref in (_BRANCH, "HEAD"):
        found = _git(git_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if found.returncode == 0:
            return found.stdout.strip()
    return None


def _layout(git_dir: Path) -> str | None:
    """ "v2" for an epoch (its tree is `m` or `d`), "v1" for a v1 inbox, "empty" for a repository
    without commits (a new epoch), None for other git."""
    tip = _tip(git_dir)
    if tip is None:
        return "empty"
    listed = _git(git_dir, "ls-tree", "--name-only", tip)
    names = set(listed.stdout.split())
    if listed.returncode != 0 or not names:
        return None
    if names <= {"m", "d"}:
        return "v2"
    return "v1" if all(_V1_FOLDER.match(n) for n in names) else None


@dataclass(frozen=True)
class Epoch:
    """One git repository of an inbox, and how its commits store messages."""

    git_dir: Path
    layout: str  # "v1" or "v2"

    @property
    def source(self) -> str:
        """The epoch's name as a source: its absolute path, the same from any working folder."""
        return source_name(self.git_dir)


def inbox_epochs(path: Path) -> list[Epoch]:
    """The epochs of a public-inbox at `path`, oldest first; [] when it is not one.

    `path` is a v2 inbox (with `git/N.git`), one epoch of it, or a v1 inbox's repository.
    """
    git_folder = path / "git"
    if git_folder.is_dir():
        numbered = [
            (int(found[1]), entry)
            for entry in git_folder.iterdir()
            if (found := _EPOCH.match(entry.name)) and is_git_dir(entry)
        ]
        epochs = [Epoch(entry.resolve(), "v2") for _, entry in sorted(numbered)]
        return [e for e in epochs if _layout(e.git_dir) in ("v2", "empty")]
    if is_git_dir(path):
        layout = _layout(path)
        return [Epoch(path.resolve(), layout)] if layout in ("v1", "v2") else []
    return []


def looks_like_public_inbox(path: Path) -> bool:
    """Whether a folder is a public-inbox (v2 inbox, one of its epochs, or a v1 inbox)."""
    return (
        path.is_dir() and (is_git_dir(path) or (path / "git").is_dir()) and bool(inbox_epochs(path))
    )


class _Blobs:
    """One `git cat-file --batch` process: blobs' bytes by their object ids, many per request.

    Asking for one blob at a time would hand the CPU to git and back for every message, which
    on a busy machine costs milliseconds each; a batch of ids is written at once (never more
    than the pipe holds, so the write cannot wait on git's output) and the answers read back.
    """

    def __init__(self, git_dir: Path) -> None:
        self.process = subprocess.Popen(
            ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def read(self, oids: Sequence[str]) -> dict[str, bytes | None]:
        """Each blob's content (None when the repository does not have it), by id."""
        stdin, stdout = self._pipes()
        found: dict[str, bytes | None] = {}
        for start in range(0, len(oids), BLOBS_PER_REQUEST):
            asked = oids[start : start + BLOBS_PER_REQUEST]
            stdin.write(b"".join(oid.encode() + b"\n" for oid in asked))
            stdin.flush()
            for oid in asked:
                header = stdout.readline().split()
                if len(header) != 3:  # "<oid> missing"
                    found[oid] = None
                    continue
                found[oid] = stdout.read(int(header[2]))
                stdout.read(1)  # the newline after each object
        return found

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        return self.process.stdin, self.process.stdout

    def close(self) -> None:
        for pipe in self._pipes():
            pipe.close()
        self.process.wait()


@dataclass
class _Commit:
    oid: str
    time: int
    added: list[str]
    deleted: list[str]


def _commit_changes(epoch: Epoch, line: str, commit: _Commit) -> None:
    """Note one `--raw` line (`:100644 100644 old new M\\tpath`): a message added or deleted."""
    meta, _, path = line.partition("\t")
    fields = meta.split()
    if len(fields) < 5:
        return
    old, new, status = fields[2], fields[3], fields[4][:1]
    if epoch.layout == "v2":
        if status in "AM" and path == "m":
            commit.added.append(new)
        elif status in "AM" and path == "d":
            commit.deleted.append(new)
    elif _V1_PATH.match(path):
        if status in "DM":
            commit.deleted.append(old)
        if status in "AM":
            commit.added.append(new)


def _commits(epoch: Epoch, revisions: str) -> Iterator[_Commit]:
    """Every commit in `revisions`, oldest first, with the blobs it adds and deletes."""
    command = ["git", f"--git-dir={epoch.git_dir}", "log", "--reverse", "--raw", "--root"]
    command += ["--no-abbrev", "--no-renames", "--format=%x01%H %ct", revisions, "--"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace"
    )
    assert process.stdout is not None and process.stderr is not None
    current: _Commit | None = None
    try:
        for line in process.stdout:
            if line.startswith("\x01"):
                if current is not None:
                    yield current
                oid, _, when = line[1:].strip().partition(" ")
                current = _Commit(oid, int(when or 0), [], [])
            elif line.startswith(":") and current is not None:
                _commit_changes(epoch, line.rstrip("\n"), current)
        if current is not None:
            yield current
    finally:
        process.stdout.close()
        problem = process.stderr.read().strip()
        process.stderr.close()
        status = process.wait()
    if status != 0:
        raise InputError(epoch.source, None, "git log", problem.splitlines()[0] if problem else "")


def _batched(items: Iterator[_Commit], size: int) -> Iterator[list[_Commit]]:
    """The commits in lists of `size` (the last one shorter)."""
    while chunk := list(islice(items, size)):
        yield chunk


def _start(epoch: Epoch, tip: str, known: ReadPosition | None) -> tuple[str, int] | None:
    """The revision range still to read and the number of commits before it; None when the
    epoch has nothing new."""
    if known is None:
        return tip, 0
    if known.commit == tip:
        return None
    if _git(epoch.git_dir, "merge-base", "--is-ancestor", known.commit, tip).returncode == 0:
        return f"{known.commit}..{tip}", known.commits
    return tip, 0  # the history was rewritten: read it all again


def _parsed(
    raw: bytes | None, oid: str, epoch: Epoch, position: int, on_error: ErrorHandler | None
) -> ParsedMessage | None:
    try:
        if raw is None:
            raise InputError(epoch.source, position, "git", f"blob {oid} is missing")
        return parse_message_bytes(raw, source=epoch.source, position=position)
    except InputError as exc:
        if on_error is None:
            raise
        on_error(exc)
        return None


def read_epoch(
    epoch: Epoch,
    known: ReadPosition | None = None,
    *,
    on_error: ErrorHandler | None = None,
    selection: Selection = EVERYTHING,
) -> Iterator[ImportRecord]:
    """The messages an epoch added after `known` (all of them without it), the messages it
    deleted, and how far it was read: a `ReadPosition` every POSITION_EVERY commits and at the
    end. With a selection that leaves messages out, no position is given, so that a later
    import without it reads them.

    Raises:
        InputError: when git cannot read the epoch, or (without `on_error`) a message.
    """
    tip = _tip(epoch.git_dir)
    start = _start(epoch, tip, known) if tip is not None else None
    if start is None:
        return
    revisions, count = start
    remember = selection.keeps_everything
    since = selection.since.timestamp() if selection.since is not None else None
    blobs = _Blobs(epoch.git_dir)
    try:
        for commits in _batched(_commits(epoch, revisions), BLOBS_PER_REQUEST):
            # a message archived before `since` was sent before it: its blob need not be read
            for commit in commits:
                if since is not None and commit.time < since:
                    commit.added.clear()
            contents = blobs.read([o for c in commits for o in (*c.deleted, *c.added)])
            for commit in commits:
                count += 1
                for oid in commit.deleted:
                    gone = _parsed(contents[oid], oid, epoch, count, on_error)
                    if gone is not None:
                        yield MessageDeleted(epoch.source, count, gone.message_id)
                for oid in commit.added:
                    message = _parsed(contents[oid], oid, epoch, count, on_error)
                    if message is not None and selection.keeps(message):
                        yield message
                if remember and count % POSITION_EVERY == 0:
                    yield ReadPosition(epoch.source, commit.oid, count)
        if remember:
            yield ReadPosition(epoch.source, tip or "", count)
    finally:
        blobs.close()


def read_public_inbox(
    path: str | Path,
    positions: Mapping[str, ReadPosition] | None = None,
    *,
    on_error: ErrorHandler | None = None,
    selection: Selection = EVERYTHING,
) -> Iterator[ImportRecord]:
    """Read every epoch of an inbox in order, each from where `positions` says it was left.

    Raises:
        InputError: when `path` is not a public-inbox, or git cannot read an epoch.
    """
    path = Path(path)
    epochs = inbox_epochs(path)
    if not epochs:
        raise InputError(
            source_name(path), None, "path", "not a public-inbox (no git/N.git epochs)"
        )
    for epoch in epochs:
        known = (positions or {}).get(epoch.source)
        yield from read_epoch(epoch, known, on_error=on_error, selection=selection)
