"""Building a map for a thread nobody curated, from the command line: record, decide, correct,
undo, curate extracted candidates; keep it across re-import; share it as a file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from threadlore.cli.main import threadlore
from threadlore.kb.map_loader import load_map

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
THREAD = CORPORA / "lists" / "threads" / "nbd-wrong-cookie-2024.mbox"
KEVIN_ASKS = "Zw5CNDIde6xkq_Sf@redhat.com"  # the report, with four numbered options
MING_REPLIES = "CAFj5m9LXwcH7vc2Fk_i+VhfUA+tevzhciJzKc1am49y_5jgC2Q@mail.gmail.com"
MING_LATER = "ZxB8Cpc8ZCdY1HdQ@fedora"
QUESTION = "How should the NBD client stop aborting on a changed cookie?"

pytestmark = pytest.mark.skipif(not THREAD.is_file(), reason=f"no shared corpora at {CORPORA}")


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(threadlore, [*args, "--db", db])


def ok(db: str, *args: str) -> Result:
    result = run(db, *args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def store(new_store_url: Callable[..., str]) -> str:
    db = new_store_url()
    ok(db, "import", str(THREAD))
    return db


def build_small_map(db: str) -> None:
    """Two proposals, three arguments, one decision and one correction, as a reader records them."""
    ok(
        db, "map", "add", "proposal", "--message", KEVIN_ASKS, "--question", QUESTION,
        "--topic", "The wrong-cookie abort", "--title", "Keep the tag across a requeue",
        "--quote", "1. Is it that blk-mq should always re-run the request with the same tag?",
        "--as", "alice",
    )  # fmt: skip
    ok(
        db, "map", "add", "proposal", "--message", KEVIN_ASKS, "--question", QUESTION,
        "--quote", "3. Is it that it should never requeue requests after already starting "
        "to send data for them?", "--title", "Never requeue after a partial send",
    )  # fmt: skip
    ok(
        db, "map", "add", "argument", "--message", MING_REPLIES,
        "--quote", "No. request->tag will change", "--attacks", "keep-the-tag-across-a-requeue",
    )  # fmt: skip
    ok(
        db, "map", "add", "argument", "--message", KEVIN_ASKS, "--supports",
        "never-requeue-after-a-partial-send", "--quote",
        "This sounds most likely to me, but also like the biggest change to make in nbd.",
    )  # fmt: skip
    ok(
        db, "map", "set-status", "never-requeue-after-a-partial-send", "accepted",
        "--summary", "Ming agrees the driver must finish a partial send itself",
        "--evidence", f"{MING_LATER}:nbd shouldn't return BLK_STS_RESOURCE to ask blk-mq to "
        "retry in case of partial send",
    )  # fmt: skip
    ok(db, "correct", MING_LATER, "--date", "2024-10-17T02:49:00+08:00", "--as", "bob")


def test_a_small_map_survives_reimport_and_round_trips_as_a_file(
    store: str, new_store_url: Callable[..., str], tmp_path: Path
) -> None:
    build_small_map(store)
    before = ok(store, "map", "export", "1").stdout
    ok(store, "import", str(THREAD))  # the same thread again: nothing is lost or doubled
    assert ok(store, "map", "export", "1").stdout == before
    shared = tmp_path / "nbd.yaml"
    shared.write_text(before)
    discussion = load_map(shared)
    assert [len(q.proposals) for q in discussion.questions] == [2]
    assert len(discussion.arguments) == 3  # two recorded, one from the decision's evidence
    assert discussion.status_of("never-requeue-after-a-partial-send") is not None
    assert discussion.corrections[0].recorded is not None
    assert discussion.corrections[0].recorded.by == "bob"
    proposal = discussion.proposal("keep-the-tag-across-a-requeue")
    assert proposal.recorded is not None and proposal.recorded.by == "alice"

    elsewhere = new_store_url()
    ok(elsewhere, "import", str(THREAD))
    loaded = json.loads(ok(elsewhere, "map", "import", str(shared), "--json").stdout)
    assert loaded[0]["added"] == 7 and loaded[0]["corrections"] == 1
    assert ok(elsewhere, "map", "export", "1").stdout == before
    shown = json.loads(ok(elsewhere, "show", MING_LATER, "--json").stdout)
    assert shown["corrections"][0]["by"] == "bob"
    assert shown["summary"]["date"].startswith("2024-10-17T02:49:00")


def test_decisions_reads_the_recorded_map_without_writing(store: str) -> None:
    build_small_map(store)
    history = ok(store, "map", "history", "--json").stdout
    decisions = json.loads(ok(store, "decisions", "--topic", "cookie", "--json").stdout)
    proposals = {p["id"]: p for q in decisions for p in q["proposals"]}
    assert proposals["never-requeue-after-a-partial-send"]["status"] == "accepted"
    against = proposals["keep-the-tag-across-a-requeue"]["against"]
    assert [a["by"] for a in against] == ["Ming Lei"]
    assert ok(store, "map", "history", "--json").stdout == history


def test_undo_takes_back_the_newest_action_and_history_says_so(store: str) -> None:
    build_small_map(store)
    undone = json.loads(ok(store, "map", "undo", "--json").stdout)
    assert undone["action"] == "set accepted" and undone["undone"]
    decisions = json.loads(ok(store, "decisions", "--topic", "cookie", "--json").stdout)
    statuses = {p["id"]: p["status"] for q in decisions for p in q["proposals"]}
    assert statuses["never-requeue-after-a-partial-send"] is None
    history = json.loads(ok(store, "map", "history", "--json").stdout)
    assert [h["undone"] for h in history[:2]] == [True, False]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (
            ["map", "add", "proposal", "--message", KEVIN_ASKS, "--question", "q", "--quote",
             "words nobody wrote"],
            f"the quote is not in <{KEVIN_ASKS}>",
        ),
        (
            ["map", "add", "argument", "--message", KEVIN_ASKS, "--quote", "Hi all"],
            "an argument supports or attacks",
        ),
        (
            ["map", "add", "argument", "--message", MING_REPLIES, "--quote",
             "No. request->tag will change", "--attacks", "no-such-entry"],
            "has no map yet",
        ),
        (["map", "undo"], "nothing to undo"),
        (["map", "rm", "no-such-entry"], "no map entry 'no-such-entry'"),
        (["map", "export", "1"], "thread 1 has no decision map"),
        (["correct", KEVIN_ASKS], "give one of --author, --parent, --date, or --undo"),
        (["correct", KEVIN_ASKS, "--date", "yesterday"], "is not an ISO 8601 date"),
        (["correct", KEVIN_ASKS, "--parent", KEVIN_ASKS], "or one of its replies"),
    ],
)  # fmt: skip
def test_a_change_the_map_cannot_take_is_one_line_and_exit_1(
    store: str, args: list[str], problem: str
) -> None:
    result = run(store, *args)
    assert result.exit_code == 1, result.output
    assert problem in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_words_quoted_from_an_earlier_message_are_refused(store: str) -> None:
    result = run(
        store, "map", "add", "proposal", "--message", MING_REPLIES, "--question", "q",
        "--quote", "the kernel NBD client",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "quoted in" in result.output and "from an earlier message" in result.output


def test_a_corrected_parent_moves_the_message_and_undo_moves_it_back(store: str) -> None:
    tree = json.loads(ok(store, "tree", "1", "--json").stdout)
    parent_of = {row["message"]["id"]: row["message"]["parent"] for row in tree}
    ok(store, "correct", MING_LATER, "--parent", KEVIN_ASKS)
    moved = json.loads(ok(store, "tree", "1", "--json").stdout)
    assert {r["message"]["id"]: r["message"]["parent"] for r in moved}[MING_LATER] == KEVIN_ASKS
    ok(store, "correct", MING_LATER, "--undo")
    back = json.loads(ok(store, "tree", "1", "--json").stdout)
    assert {r["message"]["id"]: r["message"]["parent"] for r in back} == parent_of


def test_extracted_candidates_become_entries_or_are_rejected_or_merged(store: str) -> None:
    listed = json.loads(ok(store, "extract", "1", "--json").stdout)
    assert listed and all(c["state"] == "pending" for c in listed)
    proposal = next(c for c in listed if c["kind"] == "proposal")
    others = [c for c in listed if c["id"] != proposal["id"]]
    ok(store, "extract", "1", "--accept", str(proposal["id"]), "--question", QUESTION)
    stored = json.loads(ok(store, "extract", "1", "--state", "accepted", "--json").stdout)
    assert [c["id"] for c in stored] == [proposal["id"]] and stored[0]["entry"]
    ok(store, "extract", "1", "--reject", str(others[0]["id"]))
    again = {c["id"]: c["state"] for c in json.loads(ok(store, "extract", "1", "--json").stdout)}
    assert again[others[0]["id"]] == "rejected" and len(again) == len(listed)
    exported = ok(store, "map", "export", "1").stdout
    assert proposal["sentence"].split()[0] in exported
