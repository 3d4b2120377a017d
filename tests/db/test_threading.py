"""JWZ threading: parents, placeholders, merges, and loops broken, whatever the arrival order."""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.models import Message, Thread
from threadlore.db.queries import thread_tree
from threadlore.db.threading import reference_chain
from threadlore.importers.records import ParsedMessage

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
