"""Decision commands through the CLI runner: topics, decisions, proposal, who, export."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from seed_store import import_seed

from threadlore.cli.decision_commands import COMMANDS
from threadlore.cli.main import threadlore


def run(db: str, *args: str) -> Result:
    """A command as on a wide terminal, so what it says is not cut to fit (tests/cli/
    test_cli_edges.py checks the fitting)."""
    return CliRunner().invoke(threadlore, [*args, "--db", db], env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def seeded(new_store_url: Callable[..., str]) -> str:
    """One store per engine (tests/conftest.py) with the seed and its map imported."""
    db = new_store_url()
    import_seed(db)
    return db


def test_topics_lists_the_four_areas_with_counts(seeded: str) -> None:
    result = run(seeded, "topics", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["topic"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"fault-truncate-race", "fault-api", "nonlinear", "remap-prot"}
    assert rows["nonlinear"]["proposals"] >= 13
    assert rows["nonlinear"]["messages"] > 20


@pytest.mark.parametrize("topic", ["nonlinear", "remap_file_pages", "page_mkclean", "msync"])
def test_nonlinear_words_find_every_restriction_option(seeded: str, topic: str) -> None:
    result = run(seeded, "decisions", "--topic", topic, "--json")
    assert result.exit_code == 0, result.output
    questions = json.loads(result.stdout)
    proposals = {p["id"]: p for q in questions for p in q["proposals"]}
    assert proposals["restrict-nonlinear-to-root"]["by"] == "Nick Piggin"
    assert proposals["emulate-where-writeback"]["by"] == "Miklos Szeredi"
    assert proposals["emulate-via-mremap"]["by"] == "Ingo Molnar"
    against = proposals["restrict-nonlinear-to-root"]["against"]
    linus = next(a for a in against if a["by"] == "Linus Torvalds")
    assert "run by root only" in linus["quote"]["quote"]
    assert linus["quote"]["message_id"]
    assert proposals["emulate-where-writeback"]["status"] == "merged-later"


def test_decisions_text_shows_people_quotes_and_status(seeded: str) -> None:
    result = run(seeded, "decisions", "--topic", "->fault")
    assert result.exit_code == 0, result.output
    assert "NOPFN_REFAULT should stay" in result.stdout
    assert "Andrew Morton, 2007-03-07 02:51" in result.stdout
    assert "[merged-later]" in result.stdout


def test_unknown_topic_is_one_line_naming_the_topics(seeded: str) -> None:
    result = run(seeded, "decisions", "--topic", "bluetooth")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "nonlinear" in result.output


def test_proposal_replays_the_policy_beside_linus(seeded: str) -> None:
    result = run(seeded, "proposal", "restrict-nonlinear-to-root", "--json")
    assert result.exit_code == 0, result.output
    replay = json.loads(result.stdout)["replay"]
    w1 = next(w for w in replay["workloads"] if w["workload"] == "W1")
    assert w1["outcome"]["result"] == "refused"
    linus = next(a for a in w1["arguments"] if a["argument"] == "databases-not-root")
    assert linus["verdict"] == "confirms"


def test_proposal_text_names_the_verdicts(seeded: str) -> None:
    result = run(seeded, "proposal", "root-only-if-writeback")
    assert result.exit_code == 0, result.output
    assert "Replay of model policy ROOT_ONLY_IF_WRITEBACK" in result.stdout
    assert "refutes  Linus Torvalds" in result.stdout


def test_unknown_proposal_suggests_near_ids(seeded: str) -> None:
    result = run(seeded, "proposal", "root")
    assert result.exit_code == 1
    assert "restrict-nonlinear-to-root" in result.output


def test_who_lists_a_persons_proposals_and_objections(seeded: str) -> None:
    result = run(seeded, "who", "wli", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["person"] == "Bill Irwin"
    assert any("doorstop" in a["quote"]["quote"] for a in report["objections"])
    miklos = json.loads(run(seeded, "who", "Miklos Szeredi", "--json").stdout)
    assert "emulate-where-writeback" in {p["id"] for p in miklos["proposals"]}


def test_extract_unknown_candidate_is_an_error(seeded: str) -> None:
    result = run(seeded, "extract", "1", "--accept", "999999")
    assert result.exit_code == 1
    assert "no candidate 999999" in result.output


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("md", "# Decisions in"), ("html", "<!DOCTYPE html>"), ("dot", "digraph decisions")],
)
def test_export_formats(seeded: str, fmt: str, marker: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    result = run(seeded, "export", "1", "--format", fmt, "--topic", "nonlinear", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert marker in text and "restrict" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_export_svg(seeded: str) -> None:
    result = run(seeded, "export", "1", "--format", "svg", "--topic", "remap_file_pages_prot")
    assert result.exit_code == 0, result.output
    assert "<svg" in result.stdout


def test_empty_store_says_how_to_make_a_map(tmp_path: Path) -> None:
    result = run(f"sqlite:///{tmp_path / 'empty.sqlite'}", "topics")
    assert result.exit_code == 1
    assert "threadlore map import" in result.output and "threadlore extract" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name or "?")
def test_every_command_has_help_with_an_example(command: click.Command) -> None:
    assert command.help and "Example:" in command.help
    result = CliRunner().invoke(threadlore, [command.name or "", "--help"])
    assert result.exit_code == 0
