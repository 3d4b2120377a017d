"""Random keys on a hostile store: the UI driven through Textual's Pilot never stops on an error.

The store holds what breaks displays: control characters, escape sequences and bidi controls in
subjects, names and bodies, a 3,000-deep reply chain, a huge body, a thread with no message,
a reply to a message never seen, and no decision map. The keys are the app's own: every key of
every `BINDINGS` in threadlore's UI (so a key added later is pressed too), with a few keys for
typing into a search. A case is one sequence of keys on a fresh copy of the store, in a
scratch working folder (a key writes a series for `git am` there); the property is no
exception, no crash message and no crash log. Shared by tests/hostile/test_fuzz.py (a few
cases) and benches/fuzz_campaign.py (many).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import pkgutil
import shutil
from pathlib import Path

from hypothesis import strategies as st
from sqlalchemy import insert
from textual.binding import Binding

import threadlore.tui
from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models.threads import Thread
from threadlore.importers.detect import read_inputs
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.decision_source import SessionDecisions
from threadlore.tui.store_reader import SessionStoreReader

CHAIN_DEPTH = 3_000
HUGE_BODY_CHARS = 2_000_000
SIZE = (100, 30)
HOSTILE_TEXT = [
    "\x1b]0;pwned\x07 title", "\x1b[2J\x1b[31mred", "\x9b31m C1", "\u202eevil\u202c", "\u061c mark",
    "tag \U000e0041\U000e007f", "nul \x00 and bell \x07", "tab\tand\rcr", "zero\u200bwidth",
    "日本語 Привет مرحبا", "\ufdd0\ufdd1 marks",
]  # fmt: skip
TYPING_KEYS = ["tab", "shift+tab", "backspace", "enter", "up", "down", "home", "end", "ctrl+p"]
TYPING_KEYS += list("abz0 -:\"'()")


def _message(n: int, subject: str, body: str, *, parent: str | None = None, name: str = "") -> str:
    reply = f"In-Reply-To: <{parent}>\nReferences: <{parent}>\n" if parent else ""
    return (
        f"From hostile Mon Feb 26 10:00:00 2007\nFrom: {name or 'Eve'} <eve{n}@example.org>\n"
        f"Message-ID: <{n}@hostile>\n{reply}Subject: {subject}\n"
        f"Date: Mon, 26 Feb 2007 {10 + n // 3600 % 12:02}:{n // 60 % 60:02}:{n % 60:02} +0000\n"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}\n\n"
    )


def _hostile_mbox(depth: int, huge: int) -> str:
    """The hostile messages as one mbox (a body line starting `From ` is written `>From `)."""
    parts = [
        _message(n, f"{text} [PATCH {n}/9]", f"{text}\n> {text}\n" * 5, name=text.splitlines()[0])
        for n, text in enumerate(HOSTILE_TEXT)
    ]
    base = len(parts)
    parts += [
        _message(base + n, "chain", f"link {n}", parent=f"{base + n - 1}@hostile" if n else None)
        for n in range(depth)
    ]
    words = "huge body words " * (huge // 16)
    parts.append(_message(base + depth, "huge", words + "\n" + HOSTILE_TEXT[0]))
    parts.append(_message(base + depth + 1, "orphan", "reply", parent="never-seen@hostile"))
    return "".join(parts)


def hostile_store(folder: Path, *, depth: int = CHAIN_DEPTH, huge: int = HUGE_BODY_CHARS) -> Path:
    """A SQLite store of hostile messages (and a thread with no message) at `folder`."""
    source = folder / "hostile.mbox"
    source.write_text(_hostile_mbox(depth, huge), encoding="utf-8")
    path = folder / "hostile.sqlite"
    sessions = open_store(f"sqlite:///{path}")
    import_messages(sessions, read_inputs([source]))
    with sessions.begin() as session:
        session.execute(insert(Thread))
    sessions.kw["bind"].dispose()
    return path


def app_keys() -> list[str]:
    """Every key bound in threadlore's UI (each of a binding's comma-separated keys), and the
    typing keys; read from the classes' BINDINGS, so new keys are pressed too."""
    keys: set[str] = set()
    for module in pkgutil.walk_packages(threadlore.tui.__path__, "threadlore.tui."):
        for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            for binding in cls.__dict__.get("BINDINGS", []):
                key = binding.key if isinstance(binding, Binding) else binding[0]
                keys.update(k.strip() for k in key.split(","))
    return sorted(keys | set(TYPING_KEYS))


KEYS = app_keys()
key_sequences = st.lists(st.sampled_from(KEYS), min_size=1, max_size=30)


async def _drive(store: Path, keys: list[str], crash_dir: Path) -> ThreadloreApp:
    reader = SessionStoreReader.open(f"sqlite:///{store}")
    app = ThreadloreApp(
        reader, decisions=SessionDecisions(lambda: reader.sessions), crash_log_dir=crash_dir
    )
    async with app.run_test(size=SIZE) as pilot:
        for key in keys:
            if app.return_code is not None:  # `q` at home quits (or an error stopped it)
                break
            await pilot.press(key)
            await pilot.pause()
        if app.return_code is None:
            await app.workers.wait_for_complete()
            await pilot.pause()
    return app


def check_keys(keys: list[str], store: Path) -> None:
    """The keys, pressed on a fresh copy of `store`, end with no error and no crash log."""
    here = Path.cwd()
    work = store.parent / "case"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    copy = work / store.name
    shutil.copyfile(store, copy)
    os.chdir(work)
    try:
        app = asyncio.run(_drive(copy, keys, work / "crashes"))
    finally:
        os.chdir(here)
    assert app.crash_message is None, (keys, app.crash_message)
    assert not (work / "crashes").exists(), keys
