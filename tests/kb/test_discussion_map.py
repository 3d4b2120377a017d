"""The curated seed map loads, every quote is found in its message, and bad maps fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadlore.importers.archive_text import read_archive_text
from threadlore.kb.discussion import DiscussionMap, Status
from threadlore.kb.map_loader import (
    MAPS_DIR,
    MapError,
    ThreadMessage,
    load_map,
    locate_quotes,
    parse_map,
    thread_message_of,
)
from threadlore.kb.vm.policies import POLICIES

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "lkml-2007-fault-vs-truncate.txt"
SEED_MAP = MAPS_DIR / "lkml-2007-fault-vs-truncate.yaml"


@pytest.fixture(scope="module")
def seed_messages() -> list[ThreadMessage]:
    return [thread_message_of(m) for m in read_archive_text(SEED)]


@pytest.fixture(scope="module")
def seed_map() -> DiscussionMap:
    return load_map(SEED_MAP)


def test_every_quote_is_found_in_its_message(
    seed_map: DiscussionMap, seed_messages: list[ThreadMessage]
) -> None:
    located = locate_quotes(seed_map, seed_messages)
    ids = {m.message_id for m in seed_messages}
    quotes = list(located.quotes())
    assert len(quotes) > 150
    assert all(q.message_id in ids for _entry, q in quotes)


def test_linus_objection_points_at_linus_message(
    seed_map: DiscussionMap, seed_messages: list[ThreadMessage]
) -> None:
    located = locate_quotes(seed_map, seed_messages)
    quote = located.argument("databases-not-root").quote
    message = next(m for m in seed_messages if m.message_id == quote.message_id)
    assert message.author is not None and "Linus" in message.author
    assert "restrict-nonlinear-to-root" in located.argument("databases-not-root").attacks


def test_every_policy_exists_in_the_model(seed_map: DiscussionMap) -> None:
    named = [p.policy for p in seed_map.proposals() if p.policy]
    assert len(named) >= 20
    for policy in named:
        assert all(part in POLICIES for part in policy.split("+"))


def test_every_person_resolves(seed_map: DiscussionMap) -> None:
    for _entry, quote in seed_map.quotes():
        assert seed_map.person(quote.by) is not None
        assert seed_map.person(quote.writer) is not None


def test_nonlinear_options_all_present_with_their_proposers(seed_map: DiscussionMap) -> None:
    question = seed_map.question("restrict-nonlinear")
    by_policy = {p.policy: p.by for p in question.proposals}
    assert by_policy["ROOT_ONLY"] == "Nick Piggin"
    assert by_policy["ROOT_ONLY_IF_WRITEBACK"] == "Peter Zijlstra"
    assert by_policy["EMULATE_ALL"] == "Ingo Molnar"
    assert by_policy["SYSCTL_EMULATE"] == "Miklos Szeredi"
    assert by_policy["NONLINEAR_RMAP_TREE"] == "Peter Zijlstra"
    assert {
        "MLOCK_FOR_NONROOT",
        "NO_WRITEBACK_ONLY",
        "NONLINEAR_LIMIT",
        "SHMEM_ONLY_MLOCKED",
        "FULL_SCAN_MKCLEAN",
        "MSYNC_SCAN",
        "STATUS_QUO",
    } <= set(by_policy)
    assert len(question.proposals) >= 13


def test_every_proposal_has_a_decision(seed_map: DiscussionMap) -> None:
    for proposal in seed_map.proposals():
        assert seed_map.status_of(proposal.id) is not None, proposal.id
    status = seed_map.status_of("emulate-where-writeback")
    assert status is not None and status.status is Status.MERGED_LATER


GOOD = """
thread: {title: t, first_message: {by: A B, date: "2007-01-01 10:00"}}
people: [{name: A B}]
topics: [{id: t1, title: T}]
questions:
  - id: q1
    topic: t1
    title: Q?
    proposals:
      - id: p1
        title: P
        policy: STATUS_QUO
        sources: [{by: A B, date: "2007-01-01 10:00", quote: "we could   do it"}]
arguments:
  - {id: a1, attacks: [p1], by: A B, date: "2007-01-01 10:00", quote: "no way"}
"""


def _message(body: str, author: str = "A B") -> ThreadMessage:
    from datetime import datetime

    return ThreadMessage("m1", author, datetime(2007, 1, 1, 10, 0), body)


def test_a_quote_matches_across_line_breaks() -> None:
    located = locate_quotes(parse_map(GOOD, "good.yaml"), [_message("we could\ndo it. no way")])
    assert located.argument("a1").quote.message_id == "m1"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("policy: STATUS_QUO", "policy: NO_SUCH"), "p1: policy 'NO_SUCH' is not in"),
        (("attacks: [p1]", "attacks: [p9]"), "a1: target 'p9' is not a proposal"),
        (("topic: t1", "topic: t9"), "q1: unknown topic 't9'"),
        (('quote: "no way"', 'quote: "no way", writer: C D'), "a1: person 'C D' is not listed"),
        (('"2007-01-01 10:00", quote: "no', '"7 Jan", quote: "no'), 'is not "YYYY-MM-DD HH:MM"'),
    ],
)
def test_bad_maps_fail_with_one_line_naming_the_entry(
    change: tuple[str, str], problem: str
) -> None:
    with pytest.raises(MapError) as caught:
        parse_map(GOOD.replace(*change), "bad.yaml")
    assert str(caught.value).startswith("bad.yaml: ")
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_quote_missing_from_the_thread_is_an_error_naming_it() -> None:
    with pytest.raises(MapError, match=r"^good.yaml: a1: quote not found in any message: 'no way'"):
        locate_quotes(parse_map(GOOD, "good.yaml"), [_message("we could do it")])


def test_a_quote_in_another_persons_message_is_an_error() -> None:
    with pytest.raises(MapError, match="by C D, not A B"):
        locate_quotes(
            parse_map(
                GOOD.replace("people: [{name: A B}]", "people: [{name: A B}, {name: C D}]"),
                "good.yaml",
            ),
            [_message("we could do it. no way A B", author="C D")],
        )


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("topics: [\n  - x: {\n")
    with pytest.raises(MapError, match=r"broken.yaml: line \d+: "):
        load_map(bad)


def test_a_quote_may_name_its_message_instead_of_its_date_and_writer() -> None:
    """Lists that rewrite From, or hide their senders, cannot tell the writer from the header."""
    named = GOOD.replace('date: "2007-01-01 10:00", quote:', 'message: "<m1>", quote:')
    list_author = _message("we could do it. no way\n-- A B", author="list@example.org")
    located = locate_quotes(parse_map(named, "named.yaml"), [list_author])
    assert located.argument("a1").quote.message_id == "m1"
    with pytest.raises(MapError, match=r"^named.yaml: p1: no message <m2>$"):
        locate_quotes(parse_map(named.replace("<m1>", "<m2>"), "named.yaml"), [list_author])
    with pytest.raises(MapError, match=r"^named.yaml: a1: quote not found in <m1>: 'no way'"):
        locate_quotes(parse_map(named, "named.yaml"), [_message("we could do it")])
