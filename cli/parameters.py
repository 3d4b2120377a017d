"""The parameters of the commands that read the store, declared once: click builds its options
from them (`cli/options.py`), and the fast path (`cli/fast_path.py`) reads a command line with
them without importing click. `--help`, and any command line the fast path does not take
whole, is click's.
"""

from __future__ import annotations

from collections.abc import Callable

from threadlore.cli.settings import ENV_DB


class Parameter:
    """An argument (no flags) or an option: `text`, `flag`, `count` (an integer ≥ 1, clamped
    to what a store holds) or `choice`. Arguments and `readable` options are read as text
    whatever the terminal's encoding (`settings.readable_text`)."""

    __slots__ = (
        "choices",
        "default",
        "envvar",
        "flags",
        "help",
        "kind",
        "metavar",
        "name",
        "readable",
        "show_default",
    )

    def __init__(
        self,
        name: str,
        flags: tuple[str, ...] = (),
        *,
        kind: str = "text",
        default: object = None,
        metavar: str | None = None,
        help: str | None = None,
        choices: tuple[str, ...] = (),
        envvar: str | None = None,
        readable: bool = False,
        show_default: bool = False,
    ) -> None:
        self.name = name
        self.flags = flags
        self.kind = kind
        self.default = default
        self.metavar = metavar
        self.help = help
        self.choices = choices
        self.envvar = envvar
        self.readable = readable or not flags
        self.show_default = show_default


DB = Parameter(
    "db_url",
    ("--db",),
    metavar="URL",
    envvar=ENV_DB,
    help=f"Database URL (sqlite:///path or postgresql://...); default ${ENV_DB}, "
    "else a SQLite file in the user's data directory.",
)
JSON = Parameter("as_json", ("--json",), kind="flag", help="Print JSON (stable field names).")
STORE = (DB, JSON)  # every command that opens the store takes these, after its own


def limit(default: int | None, help: str = "Show at most this many.") -> Parameter:
    """`--limit N`: N at least 1; a limit past any store's size (2^63) shows them all."""
    return Parameter(
        "limit",
        ("--limit",),
        kind="count",
        default=default,
        help=help,
        show_default=default is not None,
    )


def _search() -> tuple[Parameter, ...]:
    return (Parameter("query"), limit(50))


def _threads() -> tuple[Parameter, ...]:
    text_filter = Parameter(
        "filter_text",
        ("--filter",),
        metavar="TEXT",
        readable=True,
        help="Only threads whose subject or author contains TEXT.",
    )
    return (text_filter, limit(None))


def _tree() -> tuple[Parameter, ...]:
    from threadlore.db.thread_tree import TreeOrder

    order = Parameter(
        "order",
        ("--order",),
        kind="choice",
        choices=tuple(o.value for o in TreeOrder),
        default=TreeOrder.SERIES.value,
        show_default=True,
        help="Replies by series position then date (a series 1/N … N/N under its cover letter), "
        "by date, or as the source lists them (an archive page's own order).",
    )
    return (Parameter("thread"), order)


def _show() -> tuple[Parameter, ...]:
    return (Parameter("message"),)


def _people() -> tuple[Parameter, ...]:
    return ()


# each read command's own parameters (the store's follow them), built when asked for
READ_COMMANDS: dict[str, Callable[[], tuple[Parameter, ...]]] = {
    "search": _search,
    "threads": _threads,
    "tree": _tree,
    "show": _show,
    "people": _people,
}
