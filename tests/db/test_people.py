"""One person per human: names and addresses merged, cut addresses matched, lists kept apart."""

from __future__ import annotations

from collections.abc import Callable

import orm_reads
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db import ingest
from threadlore.db.deletion import delete_message
from threadlore.db.ingest import import_messages
from threadlore.db.models.messages import Recipient
from threadlore.db.queries import find_person, list_people
from threadlore.importers.records import ParsedMessage
from threadlore.kb.corrections import CorrectedField, CorrectionService

Store = sessionmaker[Session]
MakeMessage = Callable[..., ParsedMessage]


def humans(store: Store) -> dict[str, set[str]]:
    with store() as session:
        return {p.name: set(p.aliases) for p in list_people(session) if not p.is_list}


def test_names_sharing_an_address_are_one_person(store: Store, make_message: MakeMessage) -> None:
    import_messages(
        store,
        [
            make_message("1", author="Paolo 'Blaisorblade' Giarrusso <blaisorblade@yahoo.it>"),
            make_message("2", author="Blaisorblade <blaisorblade@yahoo.it>"),
        ],
    )
    assert humans(store) == {
        "Paolo 'Blaisorblade' Giarrusso": {
            "Paolo 'Blaisorblade' Giarrusso",
            "blaisorblade@yahoo.it",
            "Blaisorblade",
        }
    }


def test_a_cut_address_matches_the_full_one(store: Store, make_message: MakeMessage) -> None:
    import_messages(
        store,
        [
            make_message("1", author="akpm@..."),
            make_message("2", author="Andrew Morton <akpm@linux-foundation.org>"),
            make_message("3", author="<akpm@...>", to=["Nick Piggin <npiggin@...>"]),
        ],
    )
    people = humans(store)
    assert set(people) == {"Andrew Morton", "Nick Piggin"}
    assert people["Andrew Morton"] == {"akpm@...", "Andrew Morton", "akpm@linux-foundation.org"}


def test_a_full_name_joins_two_addresses(store: Store, make_message: MakeMessage) -> None:
    import_messages(
        store,
        [
            make_message("1", author="Nick Piggin <npiggin@suse.de>"),
            make_message("2", author="Nick Piggin <nickpiggin@yahoo.com.au>"),
            make_message("3", author="Hugh Dickins"),
        ],
    )
    assert set(humans(store)) == {"Nick Piggin", "Hugh Dickins"}


def test_lists_are_kept_apart_from_people(store: Store, make_message: MakeMessage) -> None:
    import_messages(
        store,
        [
            make_message(
                "1",
                to=["Linux Memory Management <linux-mm@...>", "Andrew Morton <akpm@...>"],
                cc=["Linux Kernel <linux-kernel@...>", "linux-fsdevel@vger.kernel.org"],
                list_ids=("Notmuch mailing list <notmuch.notmuchmail.org>",),
            )
        ],
    )
    with store() as session:
        people = list_people(session)
    lists = {p.name for p in people if p.is_list}
    assert lists == {
        "Linux Memory Management",
        "Linux Kernel",
        "linux-fsdevel@vger.kernel.org",
        "Notmuch mailing list",
    }
    assert {p.name for p in people if not p.is_list} == {"Nick Piggin", "Andrew Morton"}
    # A person counts messages written; a list counts messages sent to it.
    assert {p.name: p.messages for p in people}["Andrew Morton"] == 0
    assert all(p.messages == 1 for p in people if p.is_list or p.name == "Nick Piggin")


def test_a_merge_moves_messages_to_the_surviving_person(
    store: Store, make_message: MakeMessage
) -> None:
    import_messages(
        store,
        [
            make_message("1", author="Nick Piggin <npiggin@suse.de>"),
            make_message("2", author="<nickpiggin@yahoo.com.au>"),
            make_message("3", author="Nick Piggin <nickpiggin@yahoo.com.au>"),
        ],
    )
    with store() as session:
        (person,) = [p for p in list_people(session) if not p.is_list]
    assert person.messages == 3


def test_a_merge_moves_recipients_written_earlier_in_the_same_batch(
    store: Store, make_message: MakeMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the recipient rows of messages 2 and 3 are held back until the batch ends; the merge that
    # message 4 causes must still move them, without the batch failing and being stored again
    # message by message
    def no_retry(self: object, message: ParsedMessage) -> None:
        raise AssertionError(f"the batch was refused and {message.message_id} stored alone")

    monkeypatch.setattr(ingest._Importer, "_run_one", no_retry)
    import_messages(
        store,
        [
            make_message("1", author="Nick Piggin <npiggin@suse.de>"),
            make_message("2", author="Hugh Dickins <hugh@veritas.com>", to=["<nickpiggin@yahoo>"]),
            make_message("3", author="Hugh Dickins <hugh@veritas.com>", to=["Nick Piggin <n@x>"]),
            make_message("4", author="Nick Piggin <nickpiggin@yahoo>"),
        ],
    )
    with store() as session:
        people = [p for p in list_people(session) if not p.is_list]
        recipients = session.execute(select(Recipient.person_id, Recipient.email)).all()
    assert {p.name for p in people} == {"Nick Piggin", "Hugh Dickins"}
    (nick,) = [p.id for p in people if p.name == "Nick Piggin"]
    assert {email: person for person, email in recipients} == {
        "nickpiggin@yahoo": nick,
        "n@x": nick,
    }


@pytest.mark.parametrize("wanted", ["miklos", "Miklos Szeredi", "MIKLOS@szeredi.hu", "szeredi"])
def test_find_person_matches_loosely(wanted: str, store: Store, make_message: MakeMessage) -> None:
    import_messages(store, [make_message("1", author="Miklos Szeredi <miklos@szeredi.hu>")])
    with store() as session:
        assert find_person(session, wanted).name == "Miklos Szeredi"


def test_find_person_reports_no_match(store: Store) -> None:
    with store() as session, pytest.raises(LookupError, match="no person matches"):
        find_person(session, "nobody")


def test_a_gmane_mangled_address_is_the_person_with_the_plain_one(
    store: Store, make_message: MakeMessage
) -> None:
    import_messages(
        store,
        [
            make_message("1@x", author="sjayaraman-l3A5Bk7waGM@public.gmane.org"),
            make_message("2@x", author="Suresh Jayaraman <sjayaraman@suse.de>"),
        ],
    )
    assert humans(store) == {
        "Suresh Jayaraman": {
            "Suresh Jayaraman",
            "sjayaraman-l3a5bk7wagm@public.gmane.org",
            "sjayaraman@suse.de",
        }
    }


def test_a_lists_rewrite_of_a_sender_names_the_sender_not_the_list(
    store: Store, make_message: MakeMessage
) -> None:
    import_messages(
        store,
        [
            make_message(
                "1@x",
                author="Doug Anderson <dianders@chromium.org>",
                to=[
                    "Joel Fernandes via Ksummit-discuss <ksummit-discuss@lists.linuxfoundation.org>"
                ],
                list_ids=("ksummit-discuss.lists.linuxfoundation.org",),
            ),
            make_message("2@x", author="Joel Fernandes <joelaf@google.com>"),
        ],
    )
    with store() as session:
        lists = [p for p in list_people(session) if p.is_list]
    assert [(p.name, set(p.aliases)) for p in lists] == [
        ("ksummit-discuss@lists.linuxfoundation.org", {"ksummit-discuss@lists.linuxfoundation.org"})
    ]
    assert set(humans(store)) == {"Doug Anderson", "Joel Fernandes"}


def _counted_from_rows(store: Store) -> None:
    """The counts the store keeps (migration 0012's triggers) are those the rows give."""
    with store() as session:
        assert list_people(session) == orm_reads.list_people(session)


def test_the_counts_the_store_keeps_follow_every_change_of_the_rows(
    store: Store, make_message: MakeMessage
) -> None:
    mm = "Linux Memory Management <linux-mm@kvack.org>"
    import_messages(
        store,
        [  # a list named twice in one message; a reply whose parent is not seen yet
            make_message("1", author="akpm@...", to=[mm], cc=[mm, "Hugh Dickins <h@x>"]),
            make_message("2", in_reply_to="3", references=["3"], to=[mm]),
        ],
    )
    _counted_from_rows(store)
    import_messages(
        store,  # the placeholder filled; two people merged into one by a full address
        [make_message("3", author="Andrew Morton <akpm@linux-foundation.org>", cc=[mm])],
    )
    _counted_from_rows(store)
    with store() as session:
        CorrectionService(session, "reader").correct("1", CorrectedField.AUTHOR, "Hugh <h@x>")
        session.commit()
    _counted_from_rows(store)
    with store() as session:  # one deleted into a placeholder (a reply names it), one whole
        assert delete_message(session, "3") and delete_message(session, "1")
        session.commit()
    _counted_from_rows(store)
    with store() as session:
        counts = {p.name: p.messages for p in list_people(session)}
    assert counts == {
        "Linux Memory Management": 1,
        "Nick Piggin": 1,
        "Andrew Morton": 0,
        "Hugh Dickins": 0,
    }
