"""The base of every screen that reads the store: it holds the reader and reports failed reads."""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from threadlore.tui.data_source import StoreReader
from threadlore.tui.text import inert_plain


class StoreScreen(Screen[None]):
    """A screen whose workers read `store`; a read that fails is a one-line notice, not a crash.

    Workers report their state to the screen that started them (the message does not bubble),
    so the notice is given here, once for every screen.
    """

    def __init__(self, store: StoreReader) -> None:
        super().__init__()
        self.store = store

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.notify(
                inert_plain(first_line), title="The store could not answer", severity="error"
            )
