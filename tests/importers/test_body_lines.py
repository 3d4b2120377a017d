"""A body's lines read as offsets are the lines `str.splitlines` gives, and the patches and
trailers found in them are the ones found in a list of lines: on generated bodies and on every
corpus message."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.importers.test_robustness import DIFF_LINES
from threadlore.importers import body_lines as body_lines_module
from threadlore.importers.body_lines import (
    BodyLines,
    body_lines,
    iter_lines,
    lines_holding,
    lines_starting_with,
)
from threadlore.importers.detect import read_inputs
from threadlore.importers.diff_scan import DIFF_OPENERS
from threadlore.importers.patches import extract_patches, extract_trailers
from threadlore.importers.records import ParsedPatch, Trailer

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
# bodies of "\n"-ended lines, with the characters the line searches look for
bodies = st.text(alphabet="ab |-@\\\n", max_size=60) | st.lists(
    st.sampled_from(DIFF_LINES), max_size=30
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(bodies, st.integers(0, 40), st.integers(0, 40))
def test_offsets_read_the_lines_splitlines_reads(body: str, first: int, stop: int) -> None:
    lines, expected = BodyLines(body), body.splitlines()
    first, stop = min(first, len(expected)), min(max(first, stop), len(expected))
    assert len(lines) == len(expected)
    assert list(lines) == expected
    assert [lines[-i] for i in range(1, len(expected) + 1)] == expected[::-1]
    assert list(iter_lines(lines, first, stop, expected=1)) == expected[first:stop]
    assert lines.text(first, stop) == "".join(line + "\n" for line in expected[first:stop])
    assert list(lines.ended(first, stop)) == [line + "\n" for line in expected[first:stop]]
    assert lines_holding(lines, "|", first, stop) == lines_holding(expected, "|", first, stop)
    assert lines_starting_with(lines, DIFF_OPENERS) == lines_starting_with(expected, DIFF_OPENERS)
    with pytest.raises(IndexError):
        lines[len(expected)]


def test_a_body_with_another_line_break_is_split_as_splitlines_splits_it() -> None:
    body = "diff --git a/x b/x\r\n--- a/x\x0c\n" * 20_000
    assert isinstance(body_lines(body), list)
    assert isinstance(body_lines(body.replace("\r", "").replace("\x0c", "")), BodyLines)


def _read_both_ways(
    body: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[ParsedPatch, ...], tuple[Trailer, ...]]:
    """The body's patches and trailers from its lines as offsets, checked against them read
    from a list."""
    with monkeypatch.context() as patched:
        patched.setattr(body_lines_module, "LIST_BELOW", 0)
        from_offsets = extract_patches(body), extract_trailers(body)
    assert from_offsets == (extract_patches(body), extract_trailers(body))
    return from_offsets


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(DIFF_LINES), max_size=40), st.sampled_from(["", "\n"]))
def test_generated_diffs_give_the_same_patches_and_trailers_from_offsets(
    lines: list[str], end: str
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _read_both_ways("\n".join(lines) + end, monkeypatch)


@pytest.mark.skipif(not CORPORA.is_dir(), reason="no shared corpora")
def test_every_corpus_message_gives_the_same_patches_and_trailers_from_offsets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = sorted(p for p in CORPORA.rglob("*.mbox") if p.is_file())
    messages = [m for m in read_inputs(files, on_skip=lambda path, why: None) if m.patches]
    assert len(messages) > 100
    for message in messages:
        assert _read_both_ways(message.body, monkeypatch) == (message.patches, message.trailers)


@pytest.mark.parametrize(
    ("body", "sliced"),
    [
        (
            "note\n---\n" + "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
            True,
        ),
        ("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c", False),  # no "\n"
        ("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\na\n-b\n+c\n", False),  # a lost " "
    ],
    ids=["as it stands", "its last line unended", "a context line's space restored"],
)
def test_a_diff_read_as_offsets_is_its_bodys_slice_only_where_it_lies_there(
    body: str, sliced: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its text is the same either way; held as a slice, it is the body itself, not a copy."""
    (patch,) = _read_both_ways(body, monkeypatch)[0]
    assert (patch.span is not None) == sliced
    assert patch.text is body if sliced else patch.text == patch.diff
    assert patch.diff == "".join(f"{line}\n" for line in patch.diff.splitlines())
