"""A large body's patches, which its importer leaves unread, read and written by the store.

The store they make is the one the importer's patches make (rows and full-text indexes, on each
engine), a re-import adds nothing, a batch the store refuses still writes them when its messages
are stored one by one, and a hunk heading too long for the store is shortened with a warning
either way. A body counts as large from 1,500 characters here (1 MiB in use), and so does a text
handed to SQLite by a function call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from store_contents import (
    LISTS,
    SEED,
    MakeMessage,
    NewStoreUrl,
    Store,
    index_contents,
    store_rows,
)

from threadlore.db import ingest, store_writes
from threadlore.db.engine import open_store
from threadlore.db.ingest import ImportReport, import_messages
from threadlore.db.store_limits import fitted_message, fitted_patches
from threadlore.importers import patches
from threadlore.importers.detect import read_inputs
from threadlore.importers.patches import extract_patches
from threadlore.importers.records import ImportRecord, ParsedMessage

LARGE = 1500


def _inputs() -> list[Path]:
    """The seed (archive text, its patches cut off) and the three lists with most git diffs."""
    lists = sorted(LISTS.glob("*.mbox")) if LISTS.is_dir() else []
    lists.sort(key=lambda path: -path.read_bytes().count(b"\ndiff --git "))
    return [SEED, *lists[:3]]


@pytest.fixture
def large_from(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Make bodies (and texts handed to SQLite) large from a number of characters."""

    def large(characters: int) -> None:
        monkeypatch.setattr(patches, "READ_IN_STORE_CHARS", characters)
        monkeypatch.setattr(store_writes, "LARGE_TEXT", characters)

    return large


@pytest.fixture
def read_in_store(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Message-IDs of the messages whose patches the store read."""
    read: list[str] = []
    write = ingest._Writer._write_patches_read_now

    def spy(writer: ingest._Writer, pk: int, message: ParsedMessage) -> None:
        read.append(message.message_id)
        write(writer, pk, message)

    monkeypatch.setattr(ingest._Writer, "_write_patches_read_now", spy)
    return read


def _same_stores(one: Store, other: Store, hunk_ids: bool = True) -> None:
    """The same rows and index; without `hunk_ids`, the hunks' ids aside (their order kept)."""
    rows, other_rows = store_rows(one), store_rows(other)
    if not hunk_ids:
        for found in (rows, other_rows):
            found["hunks"] = [row[1:] for row in found["hunks"]]
    for table in rows:
        assert rows[table] == other_rows[table], table
    assert index_contents(one) == index_contents(other)


def test_patches_read_by_the_store_make_the_store_the_importers_patches_make(
    new_store_url: NewStoreUrl,
    large_from: Callable[[int], None],
    read_in_store: list[str],
) -> None:
    inputs = _inputs()
    read_now = open_store(new_store_url(migrated=True))
    import_messages(read_now, read_inputs(inputs), batch_size=97)
    assert read_in_store == []
    left = open_store(new_store_url(migrated=True))
    large_from(LARGE)
    import_messages(left, read_inputs(inputs), batch_size=97)
    assert len(read_in_store) > 20
    rows = store_rows(left)
    assert len(rows["patches"]) > 10 and len(rows["hunks"]) > 50
    _same_stores(left, read_now)
    again = import_messages(left, read_inputs(inputs), batch_size=97)
    assert again.added == 0 and again.unchanged > 0
    assert store_rows(left) == rows


def _diff(paths: int, heading: str = "static int f(void)") -> str:
    return "".join(
        f"diff --git a/mm/f{n}.c b/mm/f{n}.c\n--- a/mm/f{n}.c\n+++ b/mm/f{n}.c\n"
        f"@@ -1,3 +1,4 @@ {heading}\n a\n-b\n+c\n+d\n e\n"
        for n in range(paths)
    )


def _messages(make_message: MakeMessage, read: bool) -> Iterator[ParsedMessage]:
    """Patches with a short note each, one with a hunk heading too long for the store, one
    small, and a message the store refuses (a position past 64 bits) between them: their
    patches read, or as the importer gives them (left unread but the small one's)."""
    bodies = {
        "one@x": "One.\n---\n" + _diff(30),
        "long-heading@x": "Two.\n---\n" + _diff(20, "int " + "g" * 300 + "(void)"),
        "small@x": "Three.\n---\n" + _diff(1),
        "three@x": "Four.\n---\n" + _diff(25),
    }
    for number, (message_id, body) in enumerate(bodies.items()):
        carried = extract_patches(body) if read else patches.carried_patches(body)
        yield make_message(message_id, body=body, read_patches=carried, position=number + 1)
        if number == 1:
            yield make_message("refused@x", position=2**70)


def _import(store: Store, records: Iterator[ImportRecord]) -> ImportReport:
    return import_messages(store, records, batch_size=500)


def test_a_refused_batch_stored_one_by_one_still_writes_the_patches_left_unread(
    new_store_url: NewStoreUrl,
    make_message: MakeMessage,
    large_from: Callable[[int], None],
    read_in_store: list[str],
) -> None:
    large_from(LARGE)
    left = open_store(new_store_url(migrated=True))
    report = _import(left, _messages(make_message, read=False))
    assert len(report.skipped) == 1 and report.added == 4
    # read in the batch, up to the refused message, then again as each is stored alone
    assert read_in_store == ["one@x", "long-heading@x", "one@x", "long-heading@x", "three@x"]
    read_now = open_store(new_store_url(migrated=True))
    eager = _import(read_now, _messages(make_message, read=True))
    assert eager.warnings == report.warnings and len(report.warnings) == 1
    assert "hunk heading too long for the store" in report.warnings[0]
    # PostgreSQL does not give again the ids a rolled-back attempt took: the hunks the store
    # wrote at once in the refused batch took some, the importer's, held to its end, none
    with left() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
    _same_stores(left, read_now, hunk_ids=sqlite)
    assert len(store_rows(left)["hunks"]) == 30 + 20 + 1 + 25


def test_a_message_whose_patches_were_left_unread_reads_them_when_asked(
    make_message: MakeMessage,
) -> None:
    body = "Note.\n---\n" + _diff(3)
    left = make_message("a@x", body=body, read_patches=None)
    assert left.patches_unread and left.patches == extract_patches(body)
    assert len(left.patches[0].files) == 3
    read = dataclasses.replace(left, read_patches=extract_patches(body))
    assert not read.patches_unread and read.patches == left.patches


@pytest.mark.parametrize(
    ("message_id", "heading", "changed"),
    [
        ("x" * 2000 + "@x", "static int f(void)", "Message-ID too long"),
        ("a@x", "int " + "g" * 300 + "(void)", "a trailer or hunk heading too long"),
        ("a@x", "f(void) @@ " + "g" * 300, "a trailer or hunk heading too long"),
        ("a@x", "static int f(void)", None),
    ],
    ids=["long-id", "long-heading", "heading-with-at", "fits"],
)
def test_patches_left_unread_stay_unread_as_the_message_is_fitted_to_the_store(
    make_message: MakeMessage, message_id: str, heading: str, changed: str | None
) -> None:
    """Hunk headings are looked for (a long text after an `@@`) without reading the patches;
    a long one is fitted by the writer as it reads them, the message warned of it here."""
    body = "Note: a line with @@ in it and a long text after it " + "w" * 300 + "\n---\n"
    message = make_message(message_id, body=body + _diff(2, heading), read_patches=None)
    fitted = fitted_message(message)
    assert fitted.patches_unread
    if changed is None:
        assert fitted is message
    else:
        assert len(fitted.warnings) == 1 and changed in fitted.warnings[0].problem
    headings = {
        h.function for p in fitted_patches(fitted.patches) for f in p.files for h in f.hunks
    }
    assert all(len(h) <= 255 for h in headings)
