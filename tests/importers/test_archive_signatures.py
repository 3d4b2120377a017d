"""Footer shapes are read word by word: a line of one huge word costs its length, not its square."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from threadlore.importers.archive_signatures import _shape, find_footers, find_signature_clues

# The pattern shapes were made with over a whole line, tried at every position of a long word;
# the word-by-word reading must blank the same spans.
LINE_PATTERN = re.compile(r"\S+://\S+|\S+@\S+|[0-9a-f-]{16,}", re.IGNORECASE)


@given(st.text(alphabet="ab:/@-0123456789fF \t", max_size=60))
def test_a_line_is_shaped_as_the_line_pattern_shapes_it(line: str) -> None:
    assert _shape(line) == LINE_PATTERN.sub("…", line.strip())


def test_a_line_of_one_huge_word_is_read() -> None:
    huge = "x" * 1_000_000  # hours at the square of its length
    body = f"Some words here, more than six of them in all.\n{huge}\n\nDave"
    assert find_footers([body]) == frozenset()  # one message shares its tail with none
    assert [clue.name for clue in find_signature_clues(body, truncated=False)] == ["Dave"]
