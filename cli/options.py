"""Options every command shares (`--db`, `--json`), the settings they build, and one-line errors."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import click
import platformdirs

from threadlore.cli.terminal import inert
from threadlore.importers.charsets import decode_undeclared

EXIT_OK = 0
EXIT_FAILURE = 1  # bad input, bad query, nothing found
EXIT_USAGE = 2  # click's own exit code for a malformed command line
EXIT_VIOLATION = 3  # `model check` found an invariant broken
EXIT_PARTIAL = 4  # `import` stored what it could: some messages have warnings or were skipped
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)

ENV_DB = "THREADLORE_DB"
STORE_INT_MAX = 2**63 - 1  # the largest integer either store holds (SQLite INTEGER, PG BIGINT)

F = TypeVar("F", bound=Callable[..., Any])


def default_database_url() -> str:
    """A SQLite file in the user's data directory ($XDG_DATA_HOME/threadlore on Linux)."""
    data_dir = Path(platformdirs.user_data_dir("threadlore", appauthor=False))
    return f"sqlite:///{data_dir / 'threadlore.sqlite'}"


@dataclass(frozen=True)
class Settings:
    """What a command needs to know about where and how to work; passed, never global."""

    db_url: str
    json: bool
    db_url_given: bool = False  # --db or $THREADLORE_DB, as opposed to the default store

    @property
    def shown_url(self) -> str:
        """The database URL as it may be printed: any password replaced by `***`."""
        parts = urlsplit(self.db_url)
        if parts.password is None:
            return self.db_url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))


class UserError(click.ClickException):
    """An error the user can act on: printed as one line, exit code 1, never a traceback."""

    exit_code = EXIT_FAILURE

    def show(self, file: Any = None) -> None:
        complain(self.format_message())


def complain(line: str) -> None:
    """One line on stderr, its control characters spelled out: a file name may hold a newline
    (which would make the line two) or an escape sequence (which the terminal would obey)."""
    click.echo(f"threadlore: {inert(line)}", err=True)


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
        return _checked_sqlite_file(url, str(plain))
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
    folder = Path(database).expanduser().parent
    if not folder.is_dir():
        raise UserError(f"no folder {folder} for the store {database}")
    return url


def store_options(command: F) -> F:
    """Add `--db URL` and `--json` to a command and hand it a `settings: Settings` argument."""

    @click.option(
        "--db",
        "db_url",
        metavar="URL",
        envvar=ENV_DB,
        default=None,
        help=f"Database URL (sqlite:///path or postgresql://...); default ${ENV_DB}, "
        "else a SQLite file in the user's data directory.",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON (stable field names).")
    @functools.wraps(command)
    def wrapper(*args: Any, db_url: str | None, as_json: bool, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        outer = ctx.find_object(Settings)  # `threadlore --db X --json CMD` hands its options on
        given = db_url or (outer.db_url if outer and outer.db_url_given else None)
        settings = Settings(
            db_url=checked_store_url(given) if given else default_database_url(),
            json=as_json or (outer.json if outer else False),
            db_url_given=given is not None,
        )
        ctx.obj = settings
        return command(*args, settings=settings, **kwargs)

    return wrapper  # type: ignore[return-value]


def json_document(data: Any) -> str:
    """Every command's one JSON encoding: indented UTF-8 text; dates and paths as strings."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def print_json(data: Any) -> None:
    """Write JSON to stdout: UTF-8, indented, one document per command; on a terminal, C1 and
    bidi controls inside strings are written as `\\u` escapes (cli/terminal.py)."""
    from threadlore.cli.terminal import is_terminal, terminal_safe_json  # rich: only when used

    document = json_document(data)
    sys.stdout.write((terminal_safe_json(document) if is_terminal() else document) + "\n")


def database_path_of(url: str) -> Path | None:
    """The file behind a sqlite URL, for messages such as 'no store at …'."""
    prefix = "sqlite:///"
    return Path(url[len(prefix) :]) if url.startswith(prefix) else None


def is_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def recorder_option(command: F) -> F:
    """Add `--as NAME`: who records a change (default: the login name of whoever runs it)."""
    return click.option(
        "--as",
        "as_user",
        metavar="NAME",
        default=None,
        help="Record the change as NAME (default: your login name).",
    )(command)


def typed_text(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """An argument as text, whatever the terminal's encoding.

    Python hands bytes that are not UTF-8 (a Latin-1 terminal's "café") over as lone surrogates,
    which no database can bind; they are read the way undeclared 8-bit mail is read.
    """
    if value is None or value.isascii():
        return value
    return decode_undeclared(value.encode("utf-8", "surrogateescape"))


def first_line(exc: BaseException) -> str:
    """An error's first line (its type's name when it has no text), for one-line messages."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def limit_option(default: int | None, help: str = "Show at most this many.") -> Callable[[F], F]:
    """`--limit N`: N at least 1; a limit past any store's size (2^63) shows them all."""

    def clamp(_ctx: click.Context, _param: click.Parameter, value: int | None) -> int | None:
        return None if value is None else min(value, STORE_INT_MAX)

    return click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=default,
        show_default=default is not None,
        callback=clamp,
        help=help,
    )


def stored_ids(what: str) -> Callable[[click.Context, click.Parameter, tuple[int, ...]], Any]:
    """A callback for options naming rows by number: one past any store's integers names no row,
    which is said in one line (the store's driver would raise OverflowError binding it)."""

    def check(_ctx: click.Context, _param: click.Parameter, ids: tuple[int, ...]) -> Any:
        for number in ids:
            if not -STORE_INT_MAX - 1 <= number <= STORE_INT_MAX:
                raise UserError(f"no {what} {number}")
        return ids

    return check
