"""JWZ threading: parents, placeholders, merges, and loops broken, whatever the arrival order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from itertools import permutations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.models import Message, Thread
from threadlore.db.queries import TreeOrder, thread_tree
from threadlore.db.threading import reference_chain
from threadlore.importers.records import ParsedMessage, SeriesPosition

Store = sessionmaker[Session]
MakeMessage = Callable[..., ParsedMessage]


def links(store: Store) -> dict[str, tuple[str | None, bool]]:
    """Each message id → (its parent's id, whether it is a placeholder)."""
    parent = aliased(Message)
    with store() as session:
        rows = session.execute(
            select(Message.message_id, parent.message_id, Message.placeholder).outerjoin(
                parent, parent.id == Message.parent_id
            )
        ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def thread_count(store: Store) -> int:
    with store() as session:
        return len(session.scalars(select(Thread.id)).all())


def test_reference_chain_puts_in_reply_to_last_and_drops_repeats_and_self() -> None:
    assert reference_chain("m", "b", ["a", "b", "a", "m"]) == ["a", "b"]
    assert reference_chain("m", "a", ["a", "b"]) == ["b", "a"]
    assert reference_chain("m", None, []) == []


def test_unseen_parent_becomes_a_placeholder_then_is_filled_in(
    store: Store, make_message: MakeMessage
) -> None:
    import_messages(store, [make_message("reply", in_reply_to="root", references=["root"])])
    assert links(store) == {"reply": ("root", False), "root": (None, True)}
    import_messages(store, [make_message("root")])
    assert links(store) == {"reply": ("root", False), "root": (None, False)}
    assert thread_count(store) == 1


def test_references_chain_links_intermediate_placeholders(
    store: Store, make_message: MakeMessage
) -> None:
    import_messages(store, [make_message("c", references=["a", "b"])])
    assert links(store) == {"a": (None, True), "b": ("a", True), "c": ("b", False)}


def test_a_later_message_merges_two_threads(store: Store, make_message: MakeMessage) -> None:
    import_messages(store, [make_message("a"), make_message("b")])
    assert thread_count(store) == 2
    import_messages(store, [make_message("b-child-of-a", references=["a", "b"])])
    # b had no parent, so the chain a → b in the new message's References gives it one.
    assert links(store)["b"] == ("a", False)
    assert thread_count(store) == 1
    with store() as session:
        assert {m.thread_id for m in session.scalars(select(Message))} == {
            session.scalars(select(Thread.id)).one()
        }


def test_loops_are_broken(store: Store, make_message: MakeMessage) -> None:
    # notmuch's corpora/broken/loop: two messages each In-Reply-To the other.
    import_messages(
        store,
        [
            make_message("mid-loop-12", in_reply_to="mid-loop-21"),
            make_message("mid-loop-21", in_reply_to="mid-loop-12"),
        ],
    )
    parents = links(store)
    assert parents["mid-loop-12"][0] == "mid-loop-21"
    assert parents["mid-loop-21"][0] is None  # the link that would close the loop is refused
    assert thread_count(store) == 1
    with store() as session:
        tree = thread_tree(session, session.scalars(select(Thread.id)).one())
    assert [row.message.id for row in tree] == ["mid-loop-21", "mid-loop-12"]


def test_self_parent_is_ignored(store: Store, make_message: MakeMessage) -> None:
    import_messages(store, [make_message("me", in_reply_to="me", references=["me"])])
    assert links(store) == {"me": (None, False)}


@pytest.mark.parametrize("order", list(permutations(range(3))))
def test_arrival_order_does_not_change_the_tree(
    order: tuple[int, ...], store: Store, make_message: MakeMessage
) -> None:
    messages = [
        make_message("root"),
        make_message("child", in_reply_to="root", references=["root"]),
        make_message("grandchild", in_reply_to="child", references=["root", "child"]),
    ]
    import_messages(store, [messages[i] for i in order], batch_size=1)
    assert links(store) == {
        "root": (None, False),
        "child": ("root", False),
        "grandchild": ("child", False),
    }
    assert thread_count(store) == 1


def test_tree_rows_carry_depth_and_last_child_flags(
    store: Store, make_message: MakeMessage
) -> None:
    import_messages(
        store,
        [
            make_message("r"),
            make_message("x", in_reply_to="r"),
            make_message("x1", in_reply_to="x"),
            make_message("y", in_reply_to="r"),
        ],
    )
    with store() as session:
        tree = thread_tree(session, session.scalars(select(Thread.id)).one())
    assert [(t.message.id, t.depth, t.is_last_child) for t in tree] == [
        ("r", 0, True),
        ("x", 1, False),
        ("x1", 2, True),
        ("y", 1, True),
    ]
    assert tree[2].ancestors_last == (True, False)


def test_a_gmane_mangled_id_is_the_message_with_the_plain_id(
    store: Store, make_message: MakeMessage
) -> None:
    mangled = "1277220170-3442-1-git-send-email-sjayaraman-l3A5Bk7waGM@public.gmane.org"
    plain = "1277220170-3442-1-git-send-email-sjayaraman@suse.de"
    import_messages(store, [make_message("early@x", in_reply_to=mangled)])  # placeholder first
    import_messages(store, [make_message(plain), make_message("late@x", in_reply_to=mangled)])
    assert links(store) == {
        "early@x": (plain, False),
        plain: (None, False),
        "late@x": (plain, False),
    }
    assert thread_count(store) == 1


def test_a_gmane_placeholder_from_an_earlier_batch_of_the_same_import_is_filled(
    store: Store, make_message: MakeMessage
) -> None:
    mangled = "1277220170-3442-1-git-send-email-sjayaraman-l3A5Bk7waGM@public.gmane.org"
    plain = "1277220170-3442-1-git-send-email-sjayaraman@suse.de"
    messages = [make_message("early@x", in_reply_to=mangled), make_message(plain)]
    import_messages(store, messages, batch_size=1)  # the store is asked once, before either
    assert links(store) == {"early@x": (plain, False), plain: (None, False)}
    assert thread_count(store) == 1


def _series(make_message: MakeMessage, total: int, order: list[int]) -> list[ParsedMessage]:
    cover = make_message(
        "cover@x", subject=f"[PATCH 0/{total}] s", series=SeriesPosition(1, 0, total)
    )
    patches = [
        make_message(
            f"p{n}@x",
            in_reply_to="cover@x",
            references=["cover@x"],
            subject=f"[PATCH {n}/{total}] s",
            series=SeriesPosition(1, n, total),
            date=datetime(2007, 2, 21, 0, 49 + n, tzinfo=UTC),
            position=listed + 2,  # as listed in `order`
        )
        for listed, n in enumerate(order)
    ]
    review = make_message(
        "review@x",
        in_reply_to="cover@x",
        references=["cover@x"],
        date=datetime(2007, 2, 21, 0, 40, tzinfo=UTC),  # the oldest reply
        position=len(order) + 2,
    )
    return [cover, review, *patches]


def test_a_series_is_shown_in_series_order_under_its_cover_letter(
    store: Store, make_message: MakeMessage
) -> None:
    import_messages(store, _series(make_message, 3, [3, 1, 2]))
    with store() as session:
        thread = session.scalars(select(Thread.id)).one()
        shown = [row.message.id for row in thread_tree(session, thread)]
        by_date = [row.message.id for row in thread_tree(session, thread, TreeOrder.DATE)]
        listed = [row.message.id for row in thread_tree(session, thread, TreeOrder.ARCHIVE)]
    assert shown == ["cover@x", "p1@x", "p2@x", "p3@x", "review@x"]
    assert by_date == ["cover@x", "review@x", "p1@x", "p2@x", "p3@x"]
    assert listed == ["cover@x", "p3@x", "p1@x", "p2@x", "review@x"]  # as the source lists them


def test_patches_beside_their_cover_letter_are_shown_under_it(
    store: Store, make_message: MakeMessage
) -> None:
    ghost = "yes (as named by sjayaraman on 2010-06-22)"
    messages = [
        replace(m, in_reply_to=ghost, references=()) for m in _series(make_message, 2, [2, 1])
    ]
    import_messages(store, [m for m in messages if m.message_id != "review@x"])
    with store() as session:
        thread = session.scalars(select(Thread.id)).one()
        rows = [(row.depth, row.message.id) for row in thread_tree(session, thread)]
    assert rows == [(0, ghost), (1, "cover@x"), (2, "p1@x"), (2, "p2@x")]
