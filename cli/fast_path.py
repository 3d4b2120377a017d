"""The commands that read the store, started without click (issue 15: importing click is most
of a read command's start on a slow machine).

A command line is taken here only when it is plain: group options `--db`/`--json`, a read
command, its declared parameters (`cli/parameters.py`) each given once with a valid value, and
its arguments. Anything else — `--help`, an unknown or repeated option, a missing argument, a
value click would refuse — returns None, and click reads the command line, so help, usage
errors and their exit codes stay click's. What runs is `cli/read_actions.py`, as click runs it.
"""

from __future__ import annotations

import os
import sys

from threadlore.cli.parameters import READ_COMMANDS, STORE, Parameter
from threadlore.cli.settings import (
    ENV_DB,
    EXIT_FAILURE,
    STORE_INT_MAX,
    Settings,
    UserError,
    checked_store_url,
    default_database_url,
    failure_of,
    readable_text,
    reader_left,
)

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from typing import Any, NoReturn


def _value(parameter: Parameter, text: str) -> Any:
    """The value of an option as click reads it, or None when click would refuse it."""
    if parameter.kind == "count":
        try:
            number = int(text)
        except ValueError:
            return None
        return min(number, STORE_INT_MAX) if number >= 1 else None
    if parameter.kind == "choice":
        return text if text in parameter.choices else None
    return readable_text(text) if parameter.readable else text


def _options(
    tokens: list[str], parameters: tuple[Parameter, ...]
) -> tuple[dict[str, Any], list[str]] | None:
    """The options given (by name) and the arguments, or None if click should read these."""
    by_flag = {flag: p for p in parameters for flag in p.flags}
    given: dict[str, Any] = {}
    arguments: list[str] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token == "--":
            arguments += tokens[position:]
            break
        if not token.startswith("-") or token == "-":
            arguments.append(token)
            continue
        flag, equals, inline = token.partition("=")
        parameter = by_flag.get(flag)
        if parameter is None or parameter.name in given:
            return None
        if parameter.kind == "flag":
            if equals:
                return None
            given[parameter.name] = True
            continue
        if not equals:
            if position == len(tokens):
                return None
            inline = tokens[position]
            position += 1
        value = _value(parameter, inline)
        if value is None:
            return None
        given[parameter.name] = value
    return given, arguments


def _parse(argv: list[str]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(command, its values, the group's options) of a plain command line, else None."""
    names = [i for i, token in enumerate(argv) if token in READ_COMMANDS]
    if not names:
        return None
    group = _options(argv[: names[0]], STORE)
    if group is None or group[1]:
        return None
    name = argv[names[0]]
    own = READ_COMMANDS[name]()
    command = _options(argv[names[0] + 1 :], (*own, *STORE))
    if command is None:
        return None
    values, arguments = command
    wanted = [p for p in own if not p.flags]
    if len(arguments) != len(wanted):
        return None
    for parameter, text in zip(wanted, arguments, strict=True):
        values[parameter.name] = _value(parameter, text)
    for parameter in own:
        values.setdefault(parameter.name, parameter.default)
    return name, values, group[0]


def _settings(values: dict[str, Any], group: dict[str, Any]) -> Settings:
    """As `options.store_options` builds them: the command's --db (or $THREADLORE_DB), else the
    group's; --json from either."""
    environment = os.environ.get(ENV_DB) or None
    outer = group.get("db_url") or environment
    if outer:
        checked_store_url(outer)  # the group's option is checked first, as click does
    given = values.pop("db_url", None) or environment or outer
    as_json = bool(values.pop("as_json", False) or group.get("as_json"))
    url = checked_store_url(given) if given else default_database_url()
    return Settings(db_url=url, json=as_json, db_url_given=given is not None)


def run_fast(argv: list[str]) -> bool:
    """Run a plain read command line and exit; False if click must read it."""
    parsed = _parse(argv)
    if parsed is None:
        return False
    name, values, group = parsed
    from threadlore.cli import read_actions

    try:
        getattr(read_actions, name)(_settings(values, group), **values)
    except UserError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        reader_left()
    except (OSError, ValueError) as exc:  # bad input files, malformed values
        failure_of(exc).show()
        sys.exit(EXIT_FAILURE)
    except KeyboardInterrupt:  # as click ends on Ctrl-C
        sys.stderr.write("\nAborted!\n")
        sys.exit(EXIT_FAILURE)
    sys.stdout.flush()
    return True


def leave() -> NoReturn:
    """End a read command that has written its output and closed its store, without tearing the
    interpreter down: freeing a hundred modules one by one is ~7 ms of a ~70 ms search."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
