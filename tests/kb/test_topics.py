"""Loose topic lookup finds what a reader of the thread would expect."""

from __future__ import annotations

import pytest

from threadlore.kb.map_loader import MAPS_DIR, load_map
from threadlore.kb.topics import fold, match_topics

SEED_MAP = load_map(MAPS_DIR / "lkml-2007-fault-vs-truncate.yaml")


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("nonlinear", "nonlinear"),
        ("remap_file_pages", "nonlinear"),
        ("fremap", "nonlinear"),
        ("page_mkclean", "nonlinear"),
        ("msync", "nonlinear"),
        ("->fault", "fault-api"),
        ("fault handler", "fault-api"),
        ("nopage", "fault-api"),
        ("truncate race", "fault-truncate-race"),
        ("invalidate", "fault-truncate-race"),
        ("Remap_File_Pages_Prot", "remap-prot"),
    ],
)
def test_a_reader_word_finds_its_topic(query: str, topic: str) -> None:
    assert [m.topic.id for m in match_topics(SEED_MAP, query)] == [topic]


def test_nothing_matches_an_unrelated_word() -> None:
    assert match_topics(SEED_MAP, "bluetooth") == []
    assert match_topics(SEED_MAP, "->") == []


def test_folding_ignores_case_and_punctuation() -> None:
    assert fold("->Fault") == "fault"
    assert fold("remap_file_pages()") == "remap file pages"
