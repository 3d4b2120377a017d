"""Exports say the same thing in Markdown and HTML, and draw every proposal and argument."""

from __future__ import annotations

import pytest

from threadlore.kb.export import ExportError, export
from threadlore.kb.map_loader import MAPS_DIR, load_map

SEED_MAP = load_map(MAPS_DIR / "lkml-2007-fault-vs-truncate.yaml")
NONLINEAR = [SEED_MAP.question("restrict-nonlinear")]


def test_markdown_has_options_people_quotes_and_decisions() -> None:
    text = export(SEED_MAP, "md", NONLINEAR)
    assert "#### Only root may create nonlinear mappings [rejected]" in text
    assert "− Linus Torvalds, 2007-03-07 14:00: “Nonlinear mappings would normally" in text
    assert "↳ rebuttal: Peter Zijlstra, 2007-03-07 14:12" in text
    assert "33041a0d" in text
    assert "\n\n\n" not in text  # one blank line between blocks


def test_html_escapes_and_matches_markdown() -> None:
    text = export(SEED_MAP, "html", [SEED_MAP.question("fault-handler-api")])
    assert "-&gt;nopage" in text and "<code>LOCK_PAGE_IN_FAULT</code>" in text
    assert text.count("<blockquote") == export(
        SEED_MAP, "md", [SEED_MAP.question("fault-handler-api")]
    ).count(": “")


def test_dot_draws_questions_proposals_and_arguments() -> None:
    text = export(SEED_MAP, "dot", NONLINEAR)
    assert text.startswith("digraph decisions {")
    for proposal in NONLINEAR[0].proposals:
        assert f'"{proposal.id}" -> "restrict-nonlinear";' in text
    assert '"databases-not-root" -> "restrict-nonlinear-to-root" [color="#e03131"' in text


def test_svg_without_graphviz_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("threadlore.kb.export.shutil.which", lambda _name: None)
    with pytest.raises(ExportError, match="Graphviz"):
        export(SEED_MAP, "svg", NONLINEAR)


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ExportError, match="unknown format 'pdf'"):
        export(SEED_MAP, "pdf")
