"""Read-side queries: thread lists, message lookup by prefix, patch revisions, activity per day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.queries import (
    count_threads,
    get_message,
    list_threads,
    messages_per_day,
    resolve_thread,
)
from threadlore.db.views import view_json
from threadlore.importers.records import (
    Hunk,
    ParsedMessage,
    ParsedPatch,
    PatchedFile,
    SeriesPosition,
)

Store = sessionmaker[Session]
MakeMessage = Callable[..., ParsedMessage]


def patch_on(path: str) -> ParsedPatch:
    hunk = Hunk(1, 1, 1, 1, "", 1, 1)
    return ParsedPatch("diff", (PatchedFile(path, None, 1, 1, (hunk,)),), False, 1, 1)


@pytest.fixture
def two_threads(store: Store, make_message: MakeMessage) -> Store:
    import_messages(
        store,
        [
            make_message(
                "abc123@suse.de",
                subject="[patch 1/2] mm: lock the page in fault",
                date=datetime(2007, 2, 21, 9, 0, tzinfo=UTC),
                read_patches=(patch_on("mm/memory.c"),),
                series=SeriesPosition(1, 1, 2),
            ),
            make_message(
                "abc456@osdl.org",
                author="Andrew Morton <akpm@linux-foundation.org>",
                in_reply_to="abc123@suse.de",
                date=datetime(2007, 2, 22, 9, 0, tzinfo=UTC),
            ),
            make_message(
                "v2@suse.de",
                subject="[PATCH v2 1/2] mm: lock the page in fault",
                date=datetime(2007, 3, 1, 9, 0, tzinfo=UTC),
                read_patches=(patch_on("mm/memory.c"),),
                series=SeriesPosition(2, 1, 2, inferred=True),
            ),
        ],
    )
    return store


def test_threads_are_listed_latest_first_and_filtered(two_threads: Store) -> None:
    with two_threads() as session:
        threads = list_threads(session)
        assert [(t.subject, t.messages, t.people) for t in threads] == [
            ("[PATCH v2 1/2] mm: lock the page in fault", 1, ("Nick Piggin",)),
            ("[patch 1/2] mm: lock the page in fault", 2, ("Andrew Morton", "Nick Piggin")),
        ]
        assert threads[1].root == "abc123@suse.de"
        assert count_threads(session) == 2
        assert count_threads(session, filter_text="morton") == 1
        assert [t.root for t in list_threads(session, filter_text="V2")] == ["v2@suse.de"]
        assert len(list_threads(session, limit=1, offset=1)) == 1


def test_messages_are_found_by_unique_prefix(two_threads: Store) -> None:
    with two_threads() as session:
        assert get_message(session, "abc4").summary.id == "abc456@osdl.org"
        assert get_message(session, "<v2@suse.de>").summary.parent is None
        with pytest.raises(LookupError, match="ambiguous"):
            get_message(session, "abc")
        with pytest.raises(LookupError, match="no message 'zzz'"):
            get_message(session, "zzz")


def test_resolve_thread_accepts_a_number_or_a_message(two_threads: Store) -> None:
    with two_threads() as session:
        thread = resolve_thread(session, "abc456")
        assert resolve_thread(session, str(thread)) == thread
        with pytest.raises(LookupError):
            resolve_thread(session, "nothing-like-it")


def test_a_later_patch_by_the_same_author_revises_the_earlier(two_threads: Store) -> None:
    with two_threads() as session:
        (first,) = get_message(session, "abc123@suse.de").patches
        (second,) = get_message(session, "v2@suse.de").patches
    assert first.revised_by == ("v2@suse.de",) and first.revises == ()
    assert second.revises == ("abc123@suse.de",)
    assert (first.series, second.series) == ("v1 1/2", "v2 1/2 (inferred)")
    assert [f.path for f in first.files] == ["mm/memory.c"]


def test_revision_links_do_not_depend_on_arrival_order(
    store: Store, make_message: MakeMessage
) -> None:
    early = make_message(
        "e",
        subject="[patch] fix",
        read_patches=(patch_on("a.c"),),
        date=datetime(2007, 1, 1, tzinfo=UTC),
    )
    late = make_message(
        "l",
        subject="[patch v3] fix",
        read_patches=(patch_on("a.c"),),
        date=datetime(2007, 2, 1, tzinfo=UTC),
    )
    middle = make_message(
        "m",
        subject="Re: [patch v2] fix",
        read_patches=(patch_on("a.c"),),
        date=datetime(2007, 1, 15, tzinfo=UTC),
    )
    import_messages(store, [late, early])
    import_messages(store, [middle])
    with store() as session:
        assert get_message(session, "l").patches[0].revises == ("m",)
        assert get_message(session, "m").patches[0].revises == ("e",)
        assert get_message(session, "e").patches[0].revised_by == ("m",)


def test_a_new_revision_keeps_the_links_of_the_patch_it_revises(
    store: Store, make_message: MakeMessage
) -> None:
    """A patch's own link (by its files) stays when a later patch revises it by its subject."""
    alpha = make_message(
        "alpha",
        subject="[patch] alpha",
        body="Take the page lock in the fault path.\n",  # beta's files: a.c and this changelog
        read_patches=(patch_on("a.c"),),
        date=datetime(2007, 1, 1, tzinfo=UTC),
    )
    beta = make_message(
        "beta",
        subject="[patch] beta",
        body="Take the page lock in the fault path.\n",
        read_patches=(patch_on("a.c"),),
        date=datetime(2007, 1, 10, tzinfo=UTC),
    )
    beta_v2 = make_message(
        "beta-v2",
        subject="[patch v2] beta",
        read_patches=(patch_on("b.c"),),
        date=datetime(2007, 1, 20, tzinfo=UTC),
    )
    import_messages(store, [alpha, beta])
    with store() as session:
        assert get_message(session, "beta").patches[0].revises == ("alpha",)
    import_messages(store, [beta_v2])
    with store() as session:
        assert get_message(session, "beta-v2").patches[0].revises == ("beta",)
        assert get_message(session, "beta").patches[0].revises == ("alpha",)


def test_messages_per_day(two_threads: Store) -> None:
    with two_threads() as session:
        assert messages_per_day(session) == [
            (date(2007, 2, 21), "Nick Piggin", 1),
            (date(2007, 2, 22), "Andrew Morton", 1),
            (date(2007, 3, 1), "Nick Piggin", 1),
        ]
        thread = resolve_thread(session, "v2@suse.de")
        assert messages_per_day(session, thread) == [(date(2007, 3, 1), "Nick Piggin", 1)]


def test_message_json_has_the_promised_fields(two_threads: Store) -> None:
    with two_threads() as session:
        shown = view_json(get_message(session, "abc456"))
    assert {"id", "position", "author", "parent", "date", "subject", "has_patch"} <= set(
        shown["summary"]
    )
    assert shown["summary"]["parent"] == "abc123@suse.de"
    assert shown["summary"]["date"] == "2007-02-22T09:00:00+00:00"
