"""The search language: prefixes, boolean operators, dates, patches, and one-line syntax errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from orm_reference import orm_page
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.queries import search_messages
from threadlore.db.query_language import (
    And,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    has_word,
    parse_query,
    tokenize,
    word_count,
)
from threadlore.importers.records import Hunk, ParsedMessage, ParsedPatch, PatchedFile

Store = sessionmaker[Session]


@pytest.fixture
def searchable(store: Store, make_message: Callable[..., ParsedMessage]) -> Store:
    hunk = Hunk(1, 1, 1, 2, "int page_mkclean(struct page *page)", 1, 0)
    patch = ParsedPatch(
        "diff", (PatchedFile("mm/rmap.c", None, 1, 0, (hunk,)),), False, added=1, removed=0
    )
    import_messages(
        store,
        [
            make_message(
                "nick1",
                subject="[patch 0/6] fault vs truncate/invalidate race fix",
                body="Lock the page over the page fault.\n",
                to=["Linux MM <linux-mm@kvack.org>"],
                date=datetime(2007, 2, 21, 0, 49, tzinfo=UTC),
            ),
            make_message(
                "miklos1",
                author="Miklos Szeredi <miklos@szeredi.hu>",
                subject="Re: [patch] mm: fix page_mkclean",
                body='page_mkclean misses nonlinear mappings; "quoted" text.\n',
                cc=["Andrew Morton <akpm@linux-foundation.org>"],
                date=datetime(2007, 3, 7, 12, 0, tzinfo=UTC),
                read_patches=(patch,),
            ),
            make_message(
                "akpm1",
                author="Andrew Morton <akpm@linux-foundation.org>",
                subject="Re: [patch 0/6] fault vs truncate/invalidate race fix",
                body="It still hurts that this work makes the write() deadlock harder.\n",
                date=datetime(2007, 3, 8, 23, 0, tzinfo=UTC),
            ),
        ],
    )
    return store


def ids(store: Store, query: str) -> list[str]:
    with store() as session:
        return [m.id for m in search_messages(session, query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("page", ["miklos1", "nick1"]),
        ("f:miklos page_mkclean", ["miklos1"]),
        ("f:MORTON", ["akpm1"]),
        ("f:akpm@linux-foundation.org", ["akpm1"]),
        ("t:linux-mm", ["nick1"]),
        ("c:andrew", ["miklos1"]),
        ("s:truncate", ["akpm1", "nick1"]),
        ("b:truncate", []),
        ('"page fault"', ["nick1"]),
        ('s:"race fix" -f:akpm', ["nick1"]),
        ("deadlock OR nonlinear", ["akpm1", "miklos1"]),
        ("(deadlock OR nonlinear) NOT f:andrew", ["miklos1"]),
        ("page AND NOT f:nick", ["miklos1"]),
        ("d:2007-03-07..2007-03-08", ["akpm1", "miklos1"]),
        ("d:..2007-03-07", ["miklos1", "nick1"]),
        ("d:2007-03-08..", ["akpm1"]),
        ("d:2007-02", ["nick1"]),
        ("d:2007", ["akpm1", "miklos1", "nick1"]),
        ("dfn:rmap.c", ["miklos1"]),
        ("dfhh:page_mkclean", ["miklos1"]),
        ("has:patch", ["miklos1"]),
        ("-has:patch", ["akpm1", "nick1"]),
        ("'; DROP TABLE messages; --", []),
        ('"quoted"', ["miklos1"]),
        ("write()", ["akpm1"]),
        ("100%", []),
    ],
)
def test_query_finds_newest_first(searchable: Store, query: str, expected: list[str]) -> None:
    assert ids(searchable, query) == expected


def test_a_search_for_sql_leaves_the_store_intact(searchable: Store) -> None:
    ids(searchable, "x'; DROP TABLE messages; --")
    assert ids(searchable, "page") == ["miklos1", "nick1"]


def test_parse_tree() -> None:
    assert parse_query('f:nick (a OR "b c") -d:2007') == And(
        (Term("f", "nick"), Or((Term("", "a"), Term("", "b c"))), Not(Term("d", "2007")))
    )
    assert parse_query('s:"two words"') == Term("s", "two words")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"unbalanced', "unbalanced quote"),
        ("(a OR b", "missing ')'"),
        ("a)", "unbalanced parenthesis"),
        ("x:1", "unknown prefix 'x:'"),
        ("d:2007-13-01", "bad date '2007-13-01'"),
        ("d:yesterday", "bad date"),
        ("d:..", "d: needs a date"),
        ("f:", "nothing after 'f:'"),
        ('s:""', "empty search term after s:"),
        ("has:attachment", "unknown has:attachment"),
        ("a OR", "query ends where a search term was expected"),
        ("NOT", "query ends"),
    ],
)
def test_malformed_queries_raise_one_line_errors(
    searchable: Store, query: str, message: str
) -> None:
    with pytest.raises(
        QuerySyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as caught:
        ids(searchable, query)
    assert "\n" not in str(caught.value)


@pytest.fixture
def many(store: Store, make_message: Callable[..., ParsedMessage]) -> Store:
    """40 messages: common words in most, 'ancient' only in the oldest, ties and undated ones."""
    messages = []
    for n in range(40):
        words = ["common"] + (["ancient"] if n < 3 else []) + (["even"] if n % 2 == 0 else [])
        when = None if n in (5, 6) else datetime(2007, 1, 1 + n // 2, tzinfo=UTC)  # pairs tie
        author = "Miklos Szeredi <miklos@szeredi.hu>" if n % 3 == 0 else "Nick <npiggin@suse.de>"
        messages.append(
            make_message(f"m{n}", body=" ".join(words) + "\n", date=when, author=author)
        )
    import_messages(store, messages)
    return store


@pytest.mark.parametrize(
    "query", ["common", "even", "ancient", "f:miklos even", "-even", "nothing", "common -even"]
)
@pytest.mark.parametrize(("limit", "offset"), [(5, 0), (5, 4), (7, 30), (50, 0)])
def test_pages_read_in_date_order_are_the_pages_sqlalchemy_gives(
    many: Store, query: str, limit: int, offset: int
) -> None:
    with many() as session:
        found = [m.id for m in search_messages(session, query, limit=limit, offset=offset)]
        assert found == orm_page(session, query, limit, offset)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_words_are_counted_as_the_regular_expression_finds_them(text: str) -> None:
    """The query is read with str methods (a search loads no `re`, issue 15): a word is a run of
    what `[^\\W_]` matches, a letter or a digit as both engines' indexes read them."""
    assert word_count(text) == len(re.findall(r"[^\W_]+", text))
    assert has_word(text) == bool(re.search(r"[^\W_]", text))


@given(
    st.sampled_from(["", "f", "s", "dfn", "has", "x", "F", "é", "b2", "to"]),
    st.sampled_from(["", ":"]),
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
            exclude_characters='"()',
        ),
        max_size=8,
    ),
)
def test_a_prefix_is_read_as_the_regular_expression_reads_it(
    head: str, colon: str, rest: str
) -> None:
    word = head + colon + rest
    if not word.strip() or word in ("OR", "AND", "NOT") or not word.isprintable():
        return
    if word.startswith("-") and len(word) > 1:
        return  # a minus before a word negates it (`-0` is NOT 0): no word of its own
    prefixed = re.match(r"^(?P<prefix>[a-z]+):(?P<rest>.*)$", word, re.DOTALL)
    try:
        tokens = tokenize(word)
    except QuerySyntaxError:
        assert prefixed is not None  # an unknown prefix, or nothing after one
        return
    assert len(tokens) == 1
    expected = (prefixed["prefix"], prefixed["rest"]) if prefixed else ("", word)
    assert tokens[0] == Term(*expected)
