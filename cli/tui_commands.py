"""`threadlore tui`: open the terminal UI on a store (also what `threadlore` alone does)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
import platformdirs

from threadlore.cli.options import Settings, UserError, store_options

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


def crash_log_dir() -> Path:
    """Where the UI writes the traceback of a crash: `logs/` in the data directory, beside the
    default store ($XDG_DATA_HOME/threadlore/logs on Linux)."""
    return Path(platformdirs.user_data_dir("threadlore", appauthor=False)) / "logs"


@click.command("tui")
@click.argument("thread", required=False)
@store_options
def tui_command(settings: Settings, thread: str | None) -> None:
    """Browse threads, messages, people, search hits, decisions and replays in a terminal UI.

    THREAD (a thread number, or a message id or prefix) opens that thread (at that message)
    first. Keys: 1-5 sections, j/k move, enter opens, space pages, q goes back (quits at the
    thread list), / searches, ? lists the keys, ctrl+p reaches every screen and action. An
    unexpected error exits with status 1 and one line; its traceback goes to a log file in the
    data directory.

    \b
    Example:
      threadlore tui
      threadlore tui 1 --db sqlite:///lkml.sqlite
    """
    if settings.json:
        raise UserError("the UI has no JSON output: drop --json")
    from threadlore.tui.app import ThreadloreApp
    from threadlore.tui.data_source import StoreReader
    from threadlore.tui.decision_source import SessionDecisions
    from threadlore.tui.deferred_store import DeferredStoreReader

    def open_reader() -> StoreReader:
        from threadlore.tui.store_reader import (
            SessionStoreReader,
        )  # SQLAlchemy and Alembic: load late

        return SessionStoreReader.open(settings.db_url)

    store = DeferredStoreReader(open_reader)

    def open_sessions() -> sessionmaker[Session]:
        """The store's sessions, for recording: the same store the reader opened (late)."""
        from threadlore.tui.store_reader import SessionStoreReader

        reader = store.reader()
        assert isinstance(reader, SessionStoreReader)
        return reader.sessions

    decisions = SessionDecisions(open_sessions)
    start_thread = start_message = None
    if thread is not None:
        try:
            start_thread = store.resolve_thread(thread)
            if not thread.isdigit():  # a message id (or prefix): open the thread at it
                start_message = store.get_message(thread).summary.id
        except LookupError as error:
            raise UserError(f"no thread or message {thread!r} in the store") from error
    app = ThreadloreApp(
        store,
        decisions=decisions,
        start_thread=start_thread,
        start_message=start_message,
        crash_log_dir=crash_log_dir(),
    )
    app.run()
    if app.crash_message is not None:
        click.echo(f"threadlore: {app.crash_message}", err=True)
    if app.return_code:
        sys.exit(app.return_code)


COMMANDS = [tui_command]
