"""A real store holding a thread nobody curated, and its decisions source, for recording tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from threadlore.db import queries
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.views import MessageView
from threadlore.importers.detect import read_inputs
from threadlore.tui.decision_source import SessionDecisions

APP_CSS = Path(__file__).resolve().parents[2] / "tui" / "app.tcss"  # the app's one stylesheet

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
NBD_THREAD = CORPORA / "lists" / "threads" / "nbd-wrong-cookie-2024.mbox"
KEVIN_ASKS = "Zw5CNDIde6xkq_Sf@redhat.com"
MING_REPLIES = "CAFj5m9LXwcH7vc2Fk_i+VhfUA+tevzhciJzKc1am49y_5jgC2Q@mail.gmail.com"


def nbd_sessions(folder: Path) -> sessionmaker[Session]:
    """The nbd wrong-cookie thread (11 messages, no map) in a new SQLite store."""
    sessions = open_store(f"sqlite:///{folder / 'store.sqlite'}")
    import_messages(sessions, read_inputs([NBD_THREAD]))
    return sessions


def nbd_store(folder: Path, user: str = "reader") -> SessionDecisions:
    """The decisions source over a new store of the nbd thread."""
    sessions = nbd_sessions(folder)
    return SessionDecisions(lambda: sessions, user)


def message(decisions: SessionDecisions, message_id: str) -> MessageView:
    with decisions.sessions() as session:
        return queries.get_message(session, message_id)


class ScreenHost(App[None]):
    """An app that opens one screen over a blank page and keeps what it was dismissed with."""

    CSS_PATH = str(APP_CSS)

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.opened = screen
        self.result: object = None

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.push_screen(self.opened, callback=self.keep)

    def keep(self, result: object) -> None:
        self.result = result
