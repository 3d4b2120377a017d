"""The seed thread read as a careful human reads it: every author, parent and date, the people,
the patch series, and the evidence behind each inference."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from threadlore.importers.archive_authors import AuthorVote, decide_author
from threadlore.importers.archive_blocks import ArchiveBlock
from threadlore.importers.archive_people import build_directory
from threadlore.importers.archive_signatures import ClueKind, find_signature_clues
from threadlore.importers.archive_text import parse_addresses, read_archive_text
from threadlore.importers.archive_threading import SiblingOrder, learn_sibling_order
from threadlore.importers.records import Address, InferredField, ParsedMessage, SeriesPosition

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[1] / "samples" / "lkml-2007-fault-vs-truncate.txt"
EXPECTED = HERE.parent / "data" / "seed_expected.tsv"


@pytest.fixture(scope="module")
def messages() -> list[ParsedMessage]:
    return list(read_archive_text(SEED))


@pytest.fixture(scope="module")
def expected() -> list[dict[str, str]]:
    lines = [line for line in EXPECTED.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_expected_table_covers_the_whole_thread(expected: list[dict[str, str]]) -> None:
    assert [int(row["position"]) for row in expected] == list(range(1, 100))


def test_every_author_matches_the_expected_table(
    messages: list[ParsedMessage], expected: list[dict[str, str]]
) -> None:
    found = [(m.position, m.author.name if m.author else None) for m in messages]
    assert found == [(int(row["position"]), row["author"]) for row in expected]


def test_every_parent_matches_the_expected_table(
    messages: list[ParsedMessage], expected: list[dict[str, str]]
) -> None:
    wanted = [int(r["parent"]) if r["parent"] else None for r in expected]
    assert _parent_positions(messages) == wanted


def test_every_date_matches_the_expected_table(
    messages: list[ParsedMessage], expected: list[dict[str, str]]
) -> None:
    assert [m.date for m in messages] == [datetime.fromisoformat(r["date"]) for r in expected]


def test_seed_has_eleven_authors_one_root_and_a_timestamp_each(
    messages: list[ParsedMessage],
) -> None:
    assert len(messages) == 99
    assert len({m.author for m in messages}) == 11
    assert [m.position for m in messages if m.in_reply_to is None] == [1]
    assert all(m.date is not None and m.date.tzinfo is not None for m in messages)


def test_authors_are_directory_addresses_with_cut_emails(messages: list[ParsedMessage]) -> None:
    authors = {m.author.email: m.author.name for m in messages if m.author}
    assert authors["akpm@..."] == "Andrew Morton"
    assert authors["bill.irwin@..."] == "Bill Irwin"
    assert authors["blaisorblade@..."] == "Paolo 'Blaisorblade' Giarrusso"


def test_references_run_from_the_root_to_the_parent(messages: list[ParsedMessage]) -> None:
    by_id = {m.message_id: m for m in messages}
    for message in messages[1:]:
        assert message.references[-1] == message.in_reply_to
        assert message.references[0] == messages[0].message_id
        parent = by_id[message.references[-1]]
        assert message.references[:-1] == parent.references


def test_ids_are_distinct_stable_and_synthetic(messages: list[ParsedMessage]) -> None:
    again = list(read_archive_text(SEED))
    assert [m.message_id for m in again] == [m.message_id for m in messages]
    assert len({m.message_id for m in messages}) == 99
    assert all(m.synthetic_id and len(m.message_id) == 12 for m in messages)


def test_every_inferred_value_has_evidence_and_a_confidence(messages: list[ParsedMessage]) -> None:
    for message in messages:
        fields = {i.field for i in message.inferences}
        assert {InferredField.AUTHOR, InferredField.DATE} <= fields
        assert (InferredField.PARENT in fields) == (message.in_reply_to is not None)
        for inference in message.inferences:
            assert 0 < inference.confidence <= 1 and inference.evidence


def test_wli_is_learned_from_the_replies_addressed_to_bill_irwin(
    messages: list[ParsedMessage],
) -> None:
    author = messages[12].inference(InferredField.AUTHOR)
    assert author is not None and author.value.startswith("Bill Irwin")
    assert "'wli'" in author.evidence[0] and "To: Bill Irwin" in author.evidence[0]


def test_readdressed_reply_is_marked_unsure(messages: list[ParsedMessage]) -> None:
    parent = messages[32].inference(InferredField.PARENT)  # Nick's page_mkwrite mail, To: Andrew
    assert parent is not None and parent.value == messages[31].message_id
    assert parent.confidence <= 0.6
    assert any("not the author" in reason for reason in parent.evidence)


def test_sibling_order_decides_between_self_follow_up_and_first_reply(
    messages: list[ParsedMessage],
) -> None:
    parent = messages[22].inference(InferredField.PARENT)  # "Oh, there is a bit more ..."
    assert parent is not None and parent.value == messages[16].message_id
    assert any("newest first" in reason for reason in parent.evidence)


SERIES = {99: 1, 98: 2, 93: 3, 8: 4, 91: 5, 92: 5, 90: 6}


def test_series_positions_are_inferred_from_the_thread(messages: list[ParsedMessage]) -> None:
    found = {m.position: m.series.index for m in messages[1:] if m.series}
    assert found == SERIES
    assert all(m.series.inferred and m.series.total == 6 for m in messages[1:] if m.series)
    assert messages[0].series == SeriesPosition(1, 0, 6, inferred=False)  # "[patch 0/6]"


def test_series_evidence_quotes_the_thread(messages: list[ParsedMessage]) -> None:
    five = messages[90].inference(InferredField.SERIES)
    six = messages[89].inference(InferredField.SERIES)
    resend = messages[91].inference(InferredField.SERIES)
    assert five is not None and any("patch 5/6" in r or "nopfn" in r for r in five.evidence)
    assert six is not None and any("#15" in r for r in six.evidence)
    assert resend is not None and "resend of #91" in resend.evidence[0]


def test_subjects(messages: list[ParsedMessage]) -> None:
    assert messages[0].subject == "[patch 0/6] fault vs truncate/invalidate race fix"
    assert messages[1].subject == "Re: [patch 0/6] fault vs truncate/invalidate race fix"
    assert messages[98].subject.startswith("[patch 1/6] Add a bugcheck")
    assert messages[91].subject.startswith("Re: [patch 5/6] Remove ->nopfn")


def test_patch_mails_carry_their_files_and_trailers(messages: list[ParsedMessage]) -> None:
    files = {m.position: {f.path for p in m.patches for f in p.files} for m in messages}
    assert files[99] == {"mm/filemap.c"}
    assert "drivers/char/mspec.c" in files[91]
    assert {"mm/msync.c", "mm/fremap.c"} <= files[53]
    assert "mm/rmap.c" in files[17]
    signed = {
        m.position
        for m in messages
        if any(t.key == "Signed-off-by" and "Nick Piggin" in t.value for t in m.trailers)
    }
    assert {8, 33, 90, 91, 92, 98, 99} <= signed


def test_cut_messages_are_flagged(messages: list[ParsedMessage]) -> None:
    assert {m.position for m in messages if m.truncated} == {8, 17, 33, 53, 90, 91, 92, 93}
    assert all(p.truncated for p in messages[7].patches)
    assert not any(p.truncated for p in messages[98].patches)


def test_lists_are_listed_not_authors(messages: list[ParsedMessage]) -> None:
    lists = {lid for m in messages for lid in m.list_ids}
    assert lists == {"linux-mm@...", "linux-kernel@...", "linux-fsdevel@..."}


def _parent_positions(messages: list[ParsedMessage]) -> list[int | None]:
    position_of = {m.message_id: m.position for m in messages}
    return [position_of.get(m.in_reply_to or "") for m in messages]


def _without_signatures(text: str) -> str:
    """The seed with every closing name and signature block line blanked out."""
    text = re.sub(r"(?m)^(Nick|Dave\.|Ben\.|Ingo|Miklos|Linus|Jeff|-- wli)$", "", text)
    return re.sub(r"(?m)^(Paolo Giarrusso, aka Blaisorblade|Work email.*)$", "", text)


def test_addressing_alone_still_reads_most_of_the_seed_and_names_no_wrong_author(
    tmp_path: Path, messages: list[ParsedMessage]
) -> None:
    bare = tmp_path / "bare.txt"
    bare.write_text(_without_signatures(SEED.read_text()))
    unsigned = list(read_archive_text(bare))
    parents = zip(_parent_positions(unsigned), _parent_positions(messages), strict=True)
    assert sum(a == b for a, b in parents) >= 85
    pairs = list(zip(unsigned, messages, strict=True))
    assert sum(a.author == b.author for a, b in pairs) >= 85
    assert all(a.author in (None, b.author) for a, b in pairs)  # unknown rather than wrong


def test_sibling_order_is_learned_from_dates() -> None:
    day = datetime(2007, 3, 7, tzinfo=UTC)
    replies_to_root: list[int | None] = [None, 0, 0, 0, 0, 0, 0]
    newest = [day + timedelta(minutes=m) for m in (0, 50, 40, 30, 20, 10, 5)]
    oldest = [day + timedelta(minutes=m) for m in (0, 5, 10, 20, 30, 40, 50)]
    mixed = [day + timedelta(minutes=m) for m in (0, 5, 50, 10, 40, 20, 30)]
    assert learn_sibling_order(replies_to_root, newest)[0] is SiblingOrder.NEWEST_FIRST
    assert learn_sibling_order(replies_to_root, oldest)[0] is SiblingOrder.OLDEST_FIRST
    assert learn_sibling_order(replies_to_root, mixed)[0] is SiblingOrder.UNKNOWN
    assert learn_sibling_order(replies_to_root[:3], newest[:3])[0] is SiblingOrder.UNKNOWN


def test_conflicting_votes_lower_the_confidence() -> None:
    alone = decide_author([AuthorVote("a@...", 0.6, "signed 'A'")])
    contested = decide_author(
        [AuthorVote("a@...", 0.6, "signed 'A'"), AuthorVote("b@...", 0.35, "reply To: B")]
    )
    assert alone is not None and contested is not None
    assert contested.key == "a@..." and contested.confidence < alone.confidence
    assert contested.evidence[-1] == "against: reply To: B"


def _page(*blocks: tuple[str, str]) -> list[ArchiveBlock]:
    """Blocks addressed as given ((To:, Cc:) pairs of "Name <addr>" lists)."""
    return [
        ArchiveBlock(
            position=i,
            line=1,
            to=parse_addresses(to)[0],
            cc=parse_addresses(cc)[0],
            date_text="Monday, March 5, 2007 - 9:00 am",
            body="",
            truncated=False,
        )
        for i, (to, cc) in enumerate(blocks, start=1)
    ]


def test_signature_names_resolve_through_the_directory() -> None:
    directory = build_directory(
        _page(
            (
                "Benjamin Herrenschmidt <benh@...>, Paolo 'Blaisorblade' Giarrusso <pbg@...>",
                "David Howells <dhowells@...>, Theodore Y. Ts'o <tytso@...>",
            )
        )
    )
    ben, paolo, david, ted = directory.humans
    assert directory.named("Ben") == (ben,)
    assert directory.named("Blaisorblade") == (paolo,)
    assert directory.named("Paolo Giarrusso") == (paolo,)
    assert directory.named("Dave") == (david,)  # a usual nickname
    assert directory.named("- Ted") == (ted,)
    assert directory.named("Martin K. Petersen Oracle Linux Engineering") == ()
    assert directory.named("wli") == ()


def test_one_human_is_one_person_however_the_headers_spell_them() -> None:
    directory = build_directory(
        _page(
            ("Dmitry Torokhov <dtor@...>", "Suresh Jayaraman <sjayaraman-l3A5Bk7waGM@...>"),
            ("Dmitry Torokhov <dmitry.torokhov@...>", "<sjayaraman@...>"),
            (
                "Joel Fernandes via Ksummit-discuss <ksummit-discuss@...>",
                "Joel Fernandes <joelaf@...>",
            ),
        ),
        [[Address("Ulrich Windl", "")], [Address("Ulrich", "")]],
    )
    people = {p.name: p for p in directory.humans}
    assert set(people) == {"Dmitry Torokhov", "Suresh Jayaraman", "Joel Fernandes", "Ulrich Windl"}
    assert set(people["Dmitry Torokhov"].emails) == {"dtor@...", "dmitry.torokhov@..."}
    assert not people["Ulrich Windl"].emails  # known by a signed name only
    assert directory.to_keys[2] == [people["Joel Fernandes"].key]  # a list's rewrite of a sender
    assert [p.address.email for p in directory.people.values() if p.is_list] == [
        "ksummit-discuss@..."
    ]


def test_signature_clues() -> None:
    clues = find_signature_clues("Some words here.\n\n-- wli\n", truncated=False)
    assert [(c.kind, c.name) for c in clues] == [(ClueKind.SIGNATURE, "wli")]
    jeff = find_signature_clues(
        "Nope.\n\nJeff\n\n--\nWork email - jdike at linux dot intel dot com\n", truncated=False
    )
    assert {(c.kind, c.name, c.local) for c in jeff} == {
        (ClueKind.SIGNATURE, "", "jdike"),
        (ClueKind.CLOSING_NAME, "Jeff", ""),
    }
    closings = ["Regards,\nUlrich", "-Olof", "- Ted", "~Bhaskar", "Thanx, Paul", "tglx"]
    found = [find_signature_clues(f"Some words.\n\n{c}\n", truncated=False) for c in closings]
    assert [c[0].name for c in found] == ["Ulrich", "Olof", "Ted", "Bhaskar", "Paul", "tglx"]
    assert found[0][0].formal and not found[1][0].formal
    quoted = find_signature_clues(
        "Words.\n\nGeert\n\n--\nGeert Uytterhoeven -- There's lots of Linux beyond ia32\n\n"
        "In personal conversations with technical people, I call myself a hacker.\n"
        "-- Linus Torvalds\n",
        truncated=False,
    )
    assert {c.name for c in quoted} == {"Geert", "Geert Uytterhoeven"}  # Linus is quoted
    cut = find_signature_clues(
        "Signed-off-by: Nick Piggin <npiggin@suse.de>\n\nmore text\nNick ...", True
    )
    assert [(c.kind, c.local) for c in cut] == [(ClueKind.SIGN_OFF, "npiggin")]


def test_a_reply_dated_before_its_parent_is_placed_but_doubted(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Re: question\n\n"
        "To: Ann Author <ann@...>, Bob Builder <bob@...>\n"
        "Date: Monday, March 5, 2007 - 9:00 am\n\nA question?\n\nAnn\n-\n\n"
        "To: Ann Author <ann@...>\n"
        "Date: Monday, March 5, 2007 - 8:00 am\n\nAn answer.\n\nBob\n-\n"
    )
    root, reply = read_archive_text(page)
    parent = reply.inference(InferredField.PARENT)
    assert reply.in_reply_to == root.message_id and parent is not None
    assert parent.confidence <= 0.3 and any("dated 1:00:00 before #1" in r for r in parent.evidence)
    assert reply.author is not None and reply.author.name == "Bob Builder"
