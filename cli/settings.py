"""What every command shares without click: the settings `--db`/`--json` build, the exit codes,
one-line errors and JSON output. The read commands' fast path (`cli/fast_path.py`) runs on this
module alone; `cli/options.py` builds click's options on it.
"""

from __future__ import annotations

import os
import sys

from threadlore.cli.terminal import inert

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from typing import Any, NoReturn

EXIT_OK = 0
EXIT_FAILURE = 1  # bad input, bad query, nothing found
EXIT_USAGE = 2  # click's own exit code for a malformed command line
EXIT_VIOLATION = 3  # `model check` found an invariant broken
EXIT_PARTIAL = 4  # `import` stored what it could: some messages have warnings or were skipped
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)

ENV_DB = "THREADLORE_DB"
STORE_INT_MAX = 2**63 - 1  # the largest integer either store holds (SQLite INTEGER, PG BIGINT)


def default_database_url() -> str:
    """A SQLite file in the user's data directory ($XDG_DATA_HOME/threadlore on Linux)."""
    import platformdirs

    data_dir = platformdirs.user_data_dir("threadlore", appauthor=False)
    return f"sqlite:///{os.path.join(data_dir, 'threadlore.sqlite')}"


class Settings:
    """What a command needs to know about where and how to work; passed, never global."""

    __slots__ = ("db_url", "db_url_given", "json")

    def __init__(self, db_url: str, json: bool, db_url_given: bool = False) -> None:
        self.db_url = db_url
        self.json = json
        self.db_url_given = db_url_given  # --db or $THREADLORE_DB, not the default store

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and (self.db_url, self.json, self.db_url_given) == (
            other.db_url,
            other.json,
            other.db_url_given,
        )

    def __hash__(self) -> int:
        return hash((self.db_url, self.json, self.db_url_given))

    def __repr__(self) -> str:
        return f"Settings(db_url={self.shown_url!r}, json={self.json})"

    @property
    def shown_url(self) -> str:
        """The database URL as it may be printed: any password replaced by `***`."""
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(self.db_url)
        if parts.password is None:
            return self.db_url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))


class UserError(Exception):
    """An error the user can act on: printed as one line, exit code 1, never a traceback
    (`cli/main.py` hands it to click as one of click's own)."""

    exit_code = EXIT_FAILURE

    def format_message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def show(self) -> None:
        complain(self.format_message())


def complain(line: str) -> None:
    """One line on stderr, its control characters spelled out: a file name may hold a newline
    (which would make the line two) or an escape sequence (which the terminal would obey)."""
    sys.stderr.write(f"threadlore: {inert(line)}\n")
    sys.stderr.flush()


def failure_of(exc: OSError | ValueError) -> UserError:
    """A bad input file or a malformed value a command met, as one line."""
    return UserError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def reader_left() -> NoReturn:
    """End quietly when the reader of stdout left (`threadlore search x | head`)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_FAILURE)


def echo(line: str) -> None:
    """One line on stdout."""
    sys.stdout.write(line + "\n")


STORE_BACKENDS = ("sqlite", "postgresql")


def checked_store_url(url: str) -> str:
    """A store URL a user gave, refused in one line when no store could keep what is written:
    not a URL, a database threadlore does not speak, memory, or a file in a missing folder.

    A plain `sqlite:///FILE` or a PostgreSQL URL is read here without SQLAlchemy's parser:
    `threadlore search` imports no SQLAlchemy (see `db/driver.py`); a PostgreSQL URL that
    names no server is refused when the store is opened."""
    from threadlore.db.driver import postgres_conninfo, sqlite_file

    plain = sqlite_file(url)
    if plain is not None:
        return _checked_sqlite_file(url, plain)
    if postgres_conninfo(url) is not None:
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    except ArgumentError:
        hint = "sqlite:///FILE or postgresql://…"
        raise UserError(f"{url!r} is not a database URL ({hint})") from None
    backend = parsed.get_backend_name()
    if backend not in STORE_BACKENDS:
        raise UserError(f"threadlore keeps its store in SQLite or PostgreSQL, not {backend}")
    if backend == "sqlite":
        return _checked_sqlite_file(url, parsed.database)
    return url


def _checked_sqlite_file(url: str, database: str | None) -> str:
    if database in (None, "", ":memory:"):
        raise UserError("an in-memory store is lost when the command ends: give a file")
    folder = os.path.dirname(os.path.expanduser(database)) or "."
    if not os.path.isdir(folder):
        raise UserError(f"no folder {folder} for the store {database}")
    return url


def json_document(data: Any) -> str:
    """Every command's one JSON encoding: indented UTF-8 text; dates and paths as strings."""
    import json  # loaded when first used: a search's start does not pay for it (issue 15)

    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def print_json(data: Any) -> None:
    """Write JSON to stdout: UTF-8, indented, one document per command; on a terminal, C1 and
    bidi controls inside strings are written as `\\u` escapes (cli/terminal.py)."""
    from threadlore.cli.terminal import is_terminal, terminal_safe_json  # rich: only when used

    document = json_document(data)
    sys.stdout.write((terminal_safe_json(document) if is_terminal() else document) + "\n")


def first_line(exc: BaseException) -> str:
    """An error's first line (its type's name when it has no text), for one-line messages."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def readable_text(value: str | None) -> str | None:
    """An argument as text, whatever the terminal's encoding.

    Python hands bytes that are not UTF-8 (a Latin-1 terminal's "café") over as lone surrogates,
    which no database can bind; they are read the way undeclared 8-bit mail is read.
    """
    if value is None or value.isascii():
        return value
    from threadlore.importers.charsets import decode_undeclared

    return decode_undeclared(value.encode("utf-8", "surrogateescape"))


def is_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
