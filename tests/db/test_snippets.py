"""Snippets: a message's first own line, and where a search's words are (db/snippets.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.queries import resolve_thread
from threadlore.db.snippets import (
    first_own_line,
    first_own_lines,
    search_matches,
    snippet_of,
    text_terms,
    thread_matches,
)
from threadlore.importers.records import ParsedMessage

Store = sessionmaker[Session]


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("Hello Nick,\n\n> quoted\n> more\nMy   answer here.\n-- \nsig", "My answer here."),
        (
            "On Wed, Feb 21, 2007 at 12:49:00AM +0100, Nick Piggin\nwrote:\n> x\n\nYes.",
            "Yes.",
        ),
        ("Andrew Morton wrote:\n> x\nNo.", "No."),
        ("> only quotes\n> here\n", ""),
        ("Hi all,\n\nthe other day I was running", "the other day I was running"),
        ("-- \nonly a signature", ""),
        ("", ""),
    ],
)
def test_the_first_own_line_skips_quotes_attributions_and_greetings(body: str, line: str) -> None:
    assert first_own_line(body) == line


def test_a_snippet_prefers_an_own_line_with_most_of_the_words() -> None:
    body = "> lock the page\nwe lock it\nnot here\nlock the page now\n"
    spans = tuple((m.start(), m.end()) for m in re.finditer("lock|the|page", body))
    snippet = snippet_of(body, spans)
    assert snippet.text == "lock the page now"
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["lock", "the", "page"]


def test_a_match_far_into_a_long_line_is_shown_with_what_leads_to_it() -> None:
    body = "word " * 30 + "needle and the rest"
    start = body.index("needle")
    snippet = snippet_of(body, ((start, start + 6),))
    assert snippet.text.startswith("…") and "needle and the rest" in snippet.text
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["needle"]
    assert len(snippet.text) < len(body)


def test_only_the_terms_a_query_looks_for_are_marked() -> None:
    assert text_terms('lock "the page" -truncate NOT s:x f:nick b:mm/memory.c') == [
        ("", ("lock",)),
        ("", ("the", "page")),
        ("b", ("mm", "memory", "c")),
    ]


@pytest.fixture
def thread(store: Store, make_message: Callable[..., ParsedMessage]) -> Store:
    messages = [
        make_message(
            "root@x",
            subject="lock the page in fault",
            body="We lock the page here.\nThe page lock is not the lock here.\n",
        ),
        make_message(
            "reply@x",
            subject="Re: lock the page in fault",
            in_reply_to="root@x",
            references=["root@x"],
            body="> We lock the page here.\nTruncate races with it.\n",
        ),
        make_message("other@x", subject="something else", body="Nothing to see.\n"),
    ]
    assert import_messages(store, messages).added == 3
    return store


def test_a_phrase_is_marked_only_where_its_words_follow_one_another(thread: Store) -> None:
    with thread() as session:
        found = search_matches(session, '"lock the page"', ["root@x", "reply@x"])
    body = "We lock the page here.\nThe page lock is not the lock here.\n"
    root = found["root@x"]
    assert [body[s:e] for s, e in root.body] == ["lock the page"]
    assert [(s, e) for s, e in root.subject] == [(0, 13)]
    assert root.snippet.text == "We lock the page here."
    assert found["reply@x"].snippet.text == "> We lock the page here."


def test_words_are_marked_where_the_engine_finds_them_stemmed(thread: Store) -> None:
    with thread() as session:
        found = search_matches(session, "truncated -lock", ["reply@x"])
    reply = found["reply@x"]
    assert reply.snippet.text == "Truncate races with it."
    assert [reply.snippet.text[s:e] for s, e in reply.snippet.spans] == ["Truncate"]


def test_subject_terms_mark_only_the_subject(thread: Store) -> None:
    with thread() as session:
        found = search_matches(session, "s:fault", ["root@x"])
    assert found["root@x"].subject == ((17, 22),)
    assert found["root@x"].body == ()
    assert found["root@x"].snippet.text == "We lock the page here."  # the first own line


def test_a_thread_knows_which_of_its_messages_a_search_matches(thread: Store) -> None:
    with thread() as session:
        thread_id = resolve_thread(session, "root@x")
        assert sorted(thread_matches(session, "truncate", thread_id)) == ["reply@x"]
        assert sorted(thread_matches(session, "f:nick", thread_id)) == ["reply@x", "root@x"]
        assert thread_matches(session, "f:nick", thread_id)["root@x"].body == ()
        lines = first_own_lines(session, thread_id)
    assert lines == {"root@x": "We lock the page here.", "reply@x": "Truncate races with it."}


def test_a_body_carrying_the_marks_never_gets_wrong_spans(
    store: Store, make_message: Callable[..., ParsedMessage]
) -> None:
    body = "lock \ufdd1 here \ufdd0 lock\n"
    assert import_messages(store, [make_message("odd@x", body=body)]).added == 1
    with store() as session:
        found = search_matches(session, "lock", ["odd@x"])
    assert all(body[start:end] == "lock" for start, end in found["odd@x"].body)
