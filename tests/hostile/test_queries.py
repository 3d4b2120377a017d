"""Queries a person (or a script) can type that once overflowed a stack, a date or the store:
every one is answered alike by both engines or refused in one line that blames the query."""

from __future__ import annotations

import pytest
from hostile_support import RunCli, cli_on

from threadlore.db.engine import open_store
from threadlore.db.queries import search_messages
from threadlore.db.query_language import (
    MAX_DEPTH,
    MAX_PHRASE_WORDS,
    MAX_TERMS,
    QuerySyntaxError,
    parse_query,
)
from threadlore.db.snippets import search_matches


@pytest.fixture(scope="module")
def seeded(seeded_url: str) -> RunCli:
    return cli_on(seeded_url)


def found(seeded_url: str, query: str) -> list[str]:
    """The ids a query finds on the store, with the marks the terminal would show."""
    with open_store(seeded_url)() as session:
        messages = search_messages(session, query, limit=200)
        search_matches(session, query, [m.id for m in messages])
        return sorted(m.id for m in messages)


def nested(levels: int, shape: str) -> str:
    """A query nesting `levels` groups: alternating OR and AND, or each group under a NOT."""
    query = "page"
    for level in range(levels):
        if shape == "not":
            query = f"w{level} -({query})"
        else:
            query = f"w{level} ({query})" if level % 2 else f"w{level} OR ({query})"
    return query


def test_redundant_parentheses_and_nots_of_any_number_are_read(seeded_url: str) -> None:
    page = found(seeded_url, "page")
    assert len(page) > 10
    assert found(seeded_url, "(" * 330 + "page" + ")" * 330) == page
    assert found(seeded_url, "NOT " * 1_000 + "page") == page
    assert set(found(seeded_url, "NOT " * 1_001 + "page")).isdisjoint(page)
    assert found(seeded_url, "page " * MAX_TERMS) == page


@pytest.mark.parametrize("shape", ["and-or", "not"])
def test_the_deepest_nesting_read_runs_on_the_store(seeded_url: str, shape: str) -> None:
    """The depth allowed is one every engine can run (SQLite's parser has the smallest stack)."""
    levels = next(n for n in range(200) if _depth(nested(n + 1, shape)) > MAX_DEPTH)
    found(seeded_url, nested(levels, shape))
    with pytest.raises(QuerySyntaxError, match=f"at most {MAX_DEPTH} are read"):
        parse_query(nested(levels + 1, shape))


def _depth(query: str) -> int:
    try:
        parse_query(query)
    except QuerySyntaxError as exc:
        if "levels deep" in str(exc):
            return MAX_DEPTH + 1
        raise
    return 0


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (" ".join(f"w{n}" for n in range(10_000)), "10000 search terms; at most 256"),
        (nested(30, "and-or"), "nests AND, OR and NOT 31 levels deep; at most 24"),
        ("(" * 330 + "a", r"missing '\)'"),
        ("a" + ")" * 330, "unbalanced parenthesis"),
        ("NOT " * 1_000, "query ends where a search term was expected"),
        (f'"{" ".join(["page"] * 60_000)}"', "60000 words; a phrase may have at most 64"),
        ("d:0000", "bad date '0000'"),
    ],
    ids=["10k terms", "330 groups", "330 open", "330 closed", "1000 NOTs alone", "60k words",
         "year 0"],
)  # fmt: skip
def test_an_outsize_query_is_one_line_blaming_the_query(
    seeded_url: str, query: str, error: str
) -> None:
    with open_store(seeded_url)() as session, pytest.raises(QuerySyntaxError, match=error):
        search_messages(session, query, limit=5)


def test_the_cli_refuses_an_outsize_query_in_one_line(seeded: RunCli) -> None:
    result = seeded("search", "a " * 10_000)
    assert result.exit_code == 1
    assert result.stderr == (
        f"threadlore: bad query: the query has 10000 search terms; at most {MAX_TERMS} are read\n"
    )
    result = seeded("search", nested(30, "not"))
    assert (result.exit_code, result.stderr.count("\n")) == (1, 1)
    assert result.stderr.startswith("threadlore: bad query: the query nests")


def test_a_phrase_of_the_longest_length_read_is_searched(seeded_url: str) -> None:
    words = ["the"] * MAX_PHRASE_WORDS
    assert found(seeded_url, '"' + " ".join(words) + '"') == []


@pytest.mark.parametrize(
    "query", ["d:9999-12-31", "d:9999", "d:9999-12", "d:2007..9999-12-31", "d:0001..9999"]
)
def test_the_last_day_a_date_can_have_is_a_date_range(seeded_url: str, query: str) -> None:
    expected = [] if query.startswith("d:9999") else found(seeded_url, "d:2007")
    assert found(seeded_url, query) == expected


def test_a_query_at_the_last_day_is_answered_by_the_cli(seeded: RunCli) -> None:
    result = seeded("search", "d:9999-12-31")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "threadlore: no messages match\n",
    )


@pytest.mark.parametrize(
    "command",
    [("threads",), ("search", "page"), ("map", "history"), ("extract", "1", "--state", "open")],
)
def test_a_limit_past_any_stores_integers_shows_them_all(
    seeded: RunCli, command: tuple[str]
) -> None:
    everything = seeded(*command, "--limit", "1000")
    result = seeded(*command, "--limit", str(2**64))
    assert (result.exit_code, result.output) == (everything.exit_code, everything.output)


def test_a_candidate_number_past_any_stores_integers_names_none(seeded: RunCli) -> None:
    result = seeded("extract", "1", "--accept", str(2**63))
    assert (result.exit_code, result.stderr) == (1, f"threadlore: no candidate {2**63}\n")
