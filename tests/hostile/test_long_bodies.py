"""A word anywhere in a long body is found by `search` on both engines, and so is a phrase:
PostgreSQL's tsvector keeps 16,383 positions and 1 MB, so its index reads a body in windows
(migration 0009), and a phrase across a window's edge, a word cut by one, the last word and
a word repeated past a tsvector's 256 positions must all read as SQLite's FTS5 reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_support import RunCli

# ten words a line: each makes a tenth of a window's words, far below what loses positions
FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do\n"
WINDOW_EDGE = 8_192  # where the PostgreSQL index's first window ends (bytes)


def _filled(start: int, end: int) -> str:
    """Filler from character `start` to `end` of the body (it is all ASCII)."""
    whole = FILLER * ((end - start) // len(FILLER) + 2)
    offset = start % len(FILLER)
    return whole[offset : offset + end - start]


def _body(marks: dict[int, str]) -> str:
    """A body of filler with each mark's text written at its character offset."""
    pieces, at = [], 0
    for offset, words in sorted(marks.items()):
        pieces += [_filled(at, offset - 1), " ", words, " "]
        at = offset + len(words) + 1
    return "".join(pieces) + _filled(at, at + 100) + "\nfinalword"


@pytest.fixture(scope="module")
def long_body_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    body = _body(
        {
            300_000: "quokka zebraword",
            WINDOW_EDGE - 13: "edgeword crossing",  # the first window's edge cuts "crossing"
            1_000_000: "amet wallaby",  # a filler word then a rare one
            5_000_000: "wombat emu numbat",
        }
    )
    path = tmp_path_factory.mktemp("long") / "long.eml"
    path.write_text(f"From: a@example.org\nMessage-ID: <long@x>\nSubject: long\n\n{body}\n")
    reply = path.parent / "reply.eml"  # read first: the long message fills its placeholder
    reply.write_text(
        "From: b@example.org\nMessage-ID: <reply@x>\nIn-Reply-To: <long@x>\nSubject: Re: long\n"
        "\nshort\n"
    )
    return path


QUERIES = {
    "zebraword": True,
    '"quokka zebraword"': True,
    '"zebraword quokka"': False,
    '"edgeword crossing"': True,
    "cros": False,  # what the window's edge left of "crossing" is no word
    '"amet wallaby"': True,
    '"wombat emu numbat"': True,
    "b:numbat": True,
    '"numbat emu"': False,
    "finalword": True,
}


def test_a_word_or_phrase_anywhere_in_a_long_body_is_found(
    engine_cli: RunCli, long_body_file: Path
) -> None:
    imported = engine_cli("import", str(long_body_file.parent / "reply.eml"), str(long_body_file))
    assert imported.exit_code == 0, imported.output
    found = {query: "long@x" in engine_cli("search", query, "--json").stdout for query in QUERIES}
    assert found == QUERIES
