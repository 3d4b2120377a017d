"""Building public-inbox archives in tests with git plumbing, the way public-inbox writes them.

A v2 epoch commit's tree is one blob: `m` (a message added) or `d` (a message deleted). A v1
inbox's tree holds every message at `ab/cdef…`, the SHA-1 of its Message-ID; deleting removes it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from email.utils import parseaddr
from pathlib import Path

_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(git_dir: Path, *args: str, stdin: bytes | None = None, when: int | None = None) -> str:
    """Run git on a repository and return what it printed."""
    env = {**os.environ, **_ENV}
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"{when} +0000"
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        input=stdin,
        capture_output=True,
        check=True,
        env=env,
    )
    return done.stdout.decode().strip()


def message_id_of(raw: bytes) -> str:
    """The Message-ID of a raw message, without brackets."""
    for line in raw.decode().splitlines():
        if line.lower().startswith("message-id:"):
            return parseaddr(line.split(":", 1)[1])[1].strip("<>") or line.split("<")[1][:-1]
    raise ValueError("no Message-ID")


class Epoch:
    """One v2 epoch (`git/N.git`), written commit by commit; made if missing, else added to."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self.tip: str | None = None
        if git_dir.exists():
            self.tip = git(git_dir, "rev-parse", "refs/heads/master")
            return
        git_dir.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)

    def _commit(self, name: str, raw: bytes, when: int | None) -> str:
        blob = git(self.git_dir, "hash-object", "-w", "--stdin", stdin=raw)
        tree = git(self.git_dir, "mktree", stdin=f"100644 blob {blob}\t{name}\n".encode())
        parents = ["-p", self.tip] if self.tip else []
        commit = git(self.git_dir, "commit-tree", tree, *parents, "-m", name, when=when)
        git(self.git_dir, "update-ref", "refs/heads/master", commit)
        self.tip = commit
        return commit

    def add(self, raw: bytes, when: int | None = None) -> str:
        """Commit a message as `m`; the new commit."""
        return self._commit("m", raw, when)

    def delete(self, raw: bytes) -> str:
        """Commit a deletion: the deleted message as `d`."""
        return self._commit("d", raw, None)


class V1Inbox:
    """A v1 inbox: one repository whose tree keeps every message by its Message-ID's SHA-1."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
        self.tip: str | None = None
        self.files: dict[str, str] = {}

    @staticmethod
    def path_of(raw: bytes) -> str:
        digest = hashlib.sha1(message_id_of(raw).encode()).hexdigest()  # v1 names files so
        return f"{digest[:2]}/{digest[2:]}"

    def _commit(self) -> str:
        folders: dict[str, list[str]] = {}
        for path, blob in sorted(self.files.items()):
            folder, name = path.split("/")
            folders.setdefault(folder, []).append(f"100644 blob {blob}\t{name}\n")
        subtrees = {
            folder: git(self.git_dir, "mktree", stdin="".join(entries).encode())
            for folder, entries in folders.items()
        }
        top = "".join(f"040000 tree {tree}\t{folder}\n" for folder, tree in subtrees.items())
        tree = git(self.git_dir, "mktree", stdin=top.encode())
        parents = ["-p", self.tip] if self.tip else []
        commit = git(self.git_dir, "commit-tree", tree, *parents, "-m", "message")
        git(self.git_dir, "update-ref", "refs/heads/master", commit)
        self.tip = commit
        return commit

    def add(self, raw: bytes) -> str:
        self.files[self.path_of(raw)] = git(self.git_dir, "hash-object", "-w", "--stdin", stdin=raw)
        return self._commit()

    def delete(self, raw: bytes) -> str:
        del self.files[self.path_of(raw)]
        return self._commit()


def mail(
    message_id: str, subject: str, body: str, *, parent: str | None = None, hour: int = 10
) -> bytes:
    """A small message: From, Subject, Date (7 May 2024 at `hour`), Message-ID, List-Id and the
    reply headers."""
    lines = [
        "From: Ann Writer <ann@example.org>",
        "To: linux-mm@kvack.org",
        f"Subject: {subject}",
        f"Date: Tue, 07 May 2024 {hour:02}:00:00 +0000",
        f"Message-ID: <{message_id}>",
        "List-Id: <linux-mm.kvack.org>",
    ]
    if parent:
        lines += [f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
    return ("\n".join(lines) + "\n\n" + body + "\n").encode()
