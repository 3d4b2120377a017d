"""Files the command line writes (`-o FILE`): whole or not at all.

The text is written to a new file beside FILE and renamed over it only once it is all on disk,
so a write that fails half way (the disk full, a quota) leaves FILE as it was, with no partial
file beside it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` (str is written as UTF-8), keeping the old file on failure.

    Only a regular file (or a new one) is replaced: `-o /dev/null`, a pipe or a terminal is
    written as it is, and a symbolic link's target is replaced, not the link.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        kind = stat.S_IFREG
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    if not stat.S_ISREG(kind):
        with path.open("wb") as out:
            out.write(content)
        return
    path = Path(os.path.realpath(path))
    try:
        handle, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:  # named as FILE, not as the draft beside it
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(draft, _mode_for(path))
        os.replace(draft, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(draft)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def _mode_for(path: Path) -> int:
    """The permissions `path` has, or a new file would get (mkstemp's own are owner-only)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
