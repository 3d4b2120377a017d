"""`threadlore tui`: open the terminal UI on a store (also what `threadlore` alone does)."""

from __future__ import annotations

import click

from cli.options import Settings, UserError, store_options


@click.command("tui")
@click.argument("thread", required=False)
@store_options
def tui_command(settings: Settings, thread: str | None) -> None:
    """Browse threads, messages, people and search results in a terminal UI.

    THREAD (a thread number or a message id or prefix) opens that thread first. Keys: j/k move,
    enter opens, q goes back, / searches, ? lists the keys, ctrl+p reaches every screen.

    \b
    Example:
      threadlore tui
      threadlore tui 1 --db sqlite:///lkml.sqlite
    """
    from tui.app import ThreadloreApp
    from tui.data_source import StoreReader
    from tui.deferred_store import DeferredStoreReader

    def open_reader() -> StoreReader:
        from tui.store_reader import SessionStoreReader  # SQLAlchemy and Alembic: load late

        return SessionStoreReader.open(settings.db_url)

    store = DeferredStoreReader(open_reader)
    start_thread = None
    if thread is not None:
        try:
            start_thread = store.resolve_thread(thread)
        except LookupError as error:
            raise UserError(f"no thread or message {thread!r} in the store") from error
    ThreadloreApp(store, start_thread=start_thread).run()


COMMANDS = [tui_command]
