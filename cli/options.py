"""click's side of the options every command shares (`--db`, `--json`, `--limit`), built from
their declarations (`cli/parameters.py`); the settings and errors are `cli/settings.py`'s."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from threadlore.cli.parameters import DB, JSON, READ_COMMANDS, Parameter, limit
from threadlore.cli.settings import (
    ENV_DB,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    EXIT_VIOLATION,
    STORE_INT_MAX,
    Settings,
    UserError,
    checked_store_url,
    complain,
    default_database_url,
    first_line,
    is_ci,
    json_document,
    print_json,
    readable_text,
)

__all__ = [
    "ENV_DB",
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_USAGE",
    "EXIT_VIOLATION",
    "Settings",
    "UserError",
    "complain",
    "first_line",
    "is_ci",
    "json_document",
    "print_json",
]

F = TypeVar("F", bound=Callable[..., Any])


def click_parameter(parameter: Parameter) -> Callable[[F], F]:
    """click's argument or option for a declared parameter."""
    callback: Callable[[click.Context, click.Parameter, Any], Any] | None = (
        typed_text if parameter.readable else None
    )
    if not parameter.flags:
        return click.argument(parameter.name, callback=callback)
    kind = parameter.kind
    extra: dict[str, Any] = {}
    if kind == "flag":
        extra["is_flag"] = True
    elif kind == "count":
        extra["type"] = click.IntRange(min=1)
        callback = _clamp
    elif kind == "choice":
        extra["type"] = click.Choice(parameter.choices)
    return click.option(
        *parameter.flags,
        parameter.name,
        metavar=parameter.metavar,
        envvar=parameter.envvar,
        default=parameter.default,
        show_default=parameter.show_default,
        callback=callback,
        help=parameter.help,
        **extra,
    )


def _clamp(_ctx: click.Context, _param: click.Parameter, value: int | None) -> int | None:
    return None if value is None else min(value, STORE_INT_MAX)


def declared(command_name: str) -> Callable[[F], F]:
    """A read command's own parameters, in their declared order (`cli/parameters.py`)."""

    def decorate(command: F) -> F:
        for parameter in reversed(READ_COMMANDS[command_name]()):
            command = click_parameter(parameter)(command)
        return command

    return decorate


def store_options(command: F) -> F:
    """Add `--db URL` and `--json` to a command and hand it a `settings: Settings` argument."""

    @click_parameter(DB)
    @click_parameter(JSON)
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
    """An argument as text, whatever the terminal's encoding (`settings.readable_text`)."""
    return readable_text(value)


def limit_option(default: int | None, help: str = "Show at most this many.") -> Callable[[F], F]:
    """`--limit N`: N at least 1; a limit past any store's size (2^63) shows them all."""
    return click_parameter(limit(default, help))


def stored_ids(what: str) -> Callable[[click.Context, click.Parameter, tuple[int, ...]], Any]:
    """A callback for options naming rows by number: one past any store's integers names no row,
    which is said in one line (the store's driver would raise OverflowError binding it)."""

    def check(_ctx: click.Context, _param: click.Parameter, ids: tuple[int, ...]) -> Any:
        for number in ids:
            if not -STORE_INT_MAX - 1 <= number <= STORE_INT_MAX:
                raise UserError(f"no {what} {number}")
        return ids

    return check
