"""The Thread screen's patch keys on a real store: `A` writes the series for `git am`, `D` shows
what the patch changed since its previous revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_pilot import SIZE, settle
from tui_screen_text import screen_text

from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.importers.detect import read_inputs
from threadlore.tui.app import ThreadloreApp
from threadlore.tui.screens.interdiff_screen import InterdiffScreen
from threadlore.tui.store_reader import SessionStoreReader


def patch_mail(message_id: str, version: int, new: str, hour: int) -> str:
    return (
        f"From x Mon Sep 17 00:00:00 2001\nFrom: Ann Author <ann@example.org>\n"
        f"Subject: [PATCH v{version}] mm: fix the fault path\n"
        f"Date: Thu, 02 May 2024 {hour:02}:00:00 +0000\nMessage-ID: <{message_id}>\n\n"
        "Take the lock first.\n\nSigned-off-by: Ann Author <ann@example.org>\n---\n"
        " mm/memory.c | 2 +-\n\ndiff --git a/mm/memory.c b/mm/memory.c\n"
        "--- a/mm/memory.c\n+++ b/mm/memory.c\n@@ -1,3 +1,3 @@ int fault(void)\n"
        f" a\n-old\n+{new}\n c\n\n"
    )


REVIEW = (
    "From x Mon Sep 17 00:00:00 2001\nFrom: Rita Reviewer <rita@example.org>\n"
    "Subject: Re: [PATCH v2] mm: fix the fault path\nDate: Thu, 02 May 2024 12:00:00 +0000\n"
    "Message-ID: <review@x>\nIn-Reply-To: <v2@x>\nReferences: <v2@x>\n\n"
    "Good.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n\n"
)


@pytest.fixture
def store(tmp_path: Path) -> SessionStoreReader:
    mbox = tmp_path / "series.mbox"
    mbox.write_text(
        patch_mail("v1@x", 1, "lock()", 10) + patch_mail("v2@x", 2, "lock_page()", 11) + REVIEW
    )
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    import_messages(open_store(url), read_inputs([mbox]))
    return SessionStoreReader.open(url)


async def test_a_writes_the_series_with_the_review_for_git_am(
    store: SessionStoreReader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    thread = store.resolve_thread("v2@x")
    app = ThreadloreApp(store, start_thread=thread, start_message="v2@x")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
    written = list(tmp_path.glob("*.mbx"))
    assert [p.name for p in written] == ["v2_20240502_ann_mm_fix_the_fault_path.mbx"]
    text = written[0].read_text()
    assert "Signed-off-by: Ann Author <ann@example.org>\nReviewed-by: Rita Reviewer" in text


async def test_d_shows_what_changed_since_the_previous_revision(store: SessionStoreReader) -> None:
    app = ThreadloreApp(store, start_thread=store.resolve_thread("v2@x"), start_message="v2@x")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, InterdiffScreen)
        shown = screen_text(app)
        assert "files changed: mm/memory.c" in shown
        assert "-+lock()" in shown and "++lock_page()" in shown
        await pilot.press("q")
        await settle(pilot)
        assert not isinstance(app.screen, InterdiffScreen)
