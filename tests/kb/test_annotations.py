"""Every annotated thread (tests/data/annotations) is a valid map whose quotes are in its thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadlore.importers.detect import read_inputs
from threadlore.kb.map_loader import load_map, locate_quotes, thread_message_of

ROOT = Path(__file__).resolve().parents[2]
ANNOTATIONS = ROOT / "tests" / "data" / "annotations"
CORPORA = ROOT.parent / "shared" / "corpora"
FILES = sorted(ANNOTATIONS.glob("*.yaml"))


@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"no shared corpora at {CORPORA}")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_quote_is_in_its_own_message(path: Path) -> None:
    discussion = load_map(path)
    assert discussion.thread.source is not None, "thread.source names the corpus file"
    messages = [thread_message_of(m) for m in read_inputs([CORPORA / discussion.thread.source])]
    located = locate_quotes(discussion, messages)
    assert all(quote.message_id for _entry, quote in located.quotes())
    assert any(True for _ in located.proposals()), "a thread map has at least one proposal"
