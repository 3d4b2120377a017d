"""Corrected values pinned in an archive page are certain and change what is inferred around
them: a real case from the lists corpus, rewritten as an archive page."""

from __future__ import annotations

from pathlib import Path

import pytest

from benches.archive_pages import read_mbox_file, render_page, threads
from threadlore.importers.archive_messages import build_messages
from threadlore.importers.archive_text import parse_archive_text
from threadlore.importers.records import Address, InferredField

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
NVDA = CORPORA / "lists" / "threads" / "blinux-nvda2speech-2024.mbox"

if not NVDA.is_file():
    pytest.skip(f"no lists corpus at {NVDA}", allow_module_level=True)


def test_a_pinned_author_teaches_the_page_their_address() -> None:
    (thread,) = threads(read_mbox_file(NVDA))
    page = render_page("nvda", thread, Address("", "blinux-list@redhat.com"))
    blocks = parse_archive_text(page.text, "nvda")
    before = list(build_messages(blocks))
    # #12 and #14 are both signed "Jude <jdashiel at panix dot com>", an address no header of
    # the page spells: neither can be named until a person names one of them.
    assert before[11].author is None and before[13].author is None
    jude = "Jude DaShiell <jdashiel@panix.com>"
    assert str(page.truth[11].author) == jude
    after = list(build_messages(blocks, pins={before[11].message_id: {InferredField.AUTHOR: jude}}))
    pinned = after[11].inference(InferredField.AUTHOR)
    assert pinned is not None and (pinned.value, pinned.confidence) == (jude, 1.0)
    neighbour = after[13].inference(InferredField.AUTHOR)
    assert str(after[13].author) == jude and neighbour is not None
    assert "jdashiel at panix dot com" in neighbour.evidence[0] and neighbour.confidence < 1.0
