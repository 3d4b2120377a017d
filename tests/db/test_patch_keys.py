"""A patch's revision keys fit an index entry on both engines, and still match."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.engine import alembic_config, open_store
from threadlore.db.ingest import import_messages
from threadlore.db.models import Patch, PatchRevision
from threadlore.db.revisions import MAX_KEY_BYTES, bounded_key
from threadlore.importers.records import ParsedMessage, ParsedPatch, PatchedFile

MakeMessage = Callable[..., ParsedMessage]


def _tree_wide(files: int) -> ParsedPatch:
    """A patch touching `files` files with long paths, as a tree-wide rename does."""
    paths = [
        f"drivers/staging/some/long/subsystem/path/{i:05d}/implementation.c" for i in range(files)
    ]
    return ParsedPatch(
        text="".join(f"--- a/{p}\n+++ b/{p}\n" for p in paths),
        files=tuple(PatchedFile(p, None, 1, 1, ()) for p in paths),
        truncated=False,
        added=files,
        removed=files,
    )


def test_a_short_key_is_kept_and_a_long_one_hashed() -> None:
    assert bounded_key("mm: fix the fault path") == "mm: fix the fault path"
    long = "é" * MAX_KEY_BYTES  # 2,000 bytes
    assert bounded_key(long) == bounded_key(long) != bounded_key(long + "x")
    assert bounded_key(long).startswith("sha1:") and len(bounded_key(long)) == 45


def test_a_patch_of_two_thousand_files_is_stored_and_its_resend_revises_it(
    store: sessionmaker[Session], make_message: MakeMessage
) -> None:
    patch = _tree_wide(2000)
    body = "Rename the helpers everywhere.\n\nSigned-off-by: A <a@example.org>\n---\n" + patch.diff
    messages = [
        make_message(
            f"{name}@example.org",
            subject=subject,
            read_patches=(patch,),
            body=body,
            date=datetime(2024, 5, day, tzinfo=UTC),
        )
        for name, subject, day in (
            ("first", "[PATCH] tree-wide: rename the helpers " + "x" * 1200, 1),
            ("resend", "[PATCH RESEND] treewide: helpers renamed", 2),
        )
    ]
    report = import_messages(store, messages)
    assert (report.added, report.skipped) == (2, [])
    with store() as session:
        patches = dict(session.execute(select(Patch.message_id, Patch.id)).all())
        keys = session.execute(select(Patch.subject_key, Patch.files_key)).all()
        links = session.execute(select(PatchRevision.earlier_id, PatchRevision.later_id)).all()
    assert all(len(key.encode()) <= MAX_KEY_BYTES for row in keys for key in row)
    earlier, later = sorted(patches.values())
    assert links == [(earlier, later)]  # by the same files and changelog, not by subject


def test_the_migration_hashes_the_long_keys_a_store_holds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    sessions = open_store(url)
    long_files, long_subject = "a/b.c," * 300 + "#0123456789ab", "mm: " + "y" * 1500
    with sessions.begin() as session:
        session.execute(
            text("INSERT INTO messages (id, message_id, subject, body) VALUES (1, 'm', 's', '')")
        )
        for pk, subject, files in ((1, long_subject, long_files), (2, "mm: short", "mm/a.c#1")):
            session.execute(
                text(
                    "INSERT INTO patches (id, message_id, position, diff, truncated, added, "
                    "removed, subject_key, files_key) VALUES (:pk, 1, :pk, '', 0, 0, 0, :s, :f)"
                ),
                {"pk": pk, "s": subject, "f": files},
            )
    config = alembic_config(url)
    command.stamp(config, "0013_fts_update_pause")
    command.upgrade(config, "head")
    with sessions() as session:
        keys = session.execute(select(Patch.subject_key, Patch.files_key).order_by(Patch.id)).all()
    assert [tuple(k) for k in keys] == [
        (bounded_key(long_subject), bounded_key(long_files)),
        ("mm: short", "mm/a.c#1"),
    ]
