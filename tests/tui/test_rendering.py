"""Pieces of the thread view: tree art, labels, diff highlighting, diffstat, timeline bars."""

from __future__ import annotations

from datetime import date

from tui_fake_store import FakeStore, seed_like_messages

from threadlore.db.views import bare_subject
from threadlore.tui.widgets.message.rendering import (
    body_text,
    diffstat_text,
    header_text,
    unquoted_diffs,
)
from threadlore.tui.widgets.people.timeline import bar, bucket_counts
from threadlore.tui.widgets.thread.tree_art import tree_prefix, tree_row_label
from threadlore.tui.widgets.threads.thread_table import people_label


def _rows() -> list:
    return FakeStore(seed_like_messages()).thread_tree(1)


def test_tree_prefix_draws_mutt_style_branches() -> None:
    prefixes = {row.message.id: tree_prefix(row) for row in _rows()}
    assert prefixes == {
        "m0": "",
        "m1": "├─>",
        "m2": "│ └─>",
        "m3": "│   └─>",
        "m4": "├─>",
        "m5": "└─>",
    }


def test_tree_label_hides_a_repeated_subject_and_marks_patches_and_guesses() -> None:
    rows = {row.message.id: row for row in _rows()}
    patch_row = tree_row_label(rows["m1"], rows["m0"].message.subject).plain
    reply_row = tree_row_label(rows["m3"], rows["m2"].message.subject).plain
    assert " P ├─>[patch 1/6] mm: lock page in fault" in patch_row
    assert reply_row.endswith("└─>")
    assert "Nick Piggin ~70%" in reply_row


def test_bare_subject_drops_reply_prefixes() -> None:
    assert bare_subject("Re: RE: Fwd: [patch] x") == "[patch] x"


def test_body_diff_lines_are_coloured_and_prose_is_not() -> None:
    text = body_text(
        "Hello\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new",
        highlight_diffs=True,
    )
    styles = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert styles["+new"] == "green"
    assert styles["-old"] == "red"
    assert styles["@@ -1 +1 @@"] == "cyan"
    assert "Hello" not in styles


def test_body_without_patch_is_never_coloured() -> None:
    assert not body_text("-- \nsig\n+1 from me", highlight_diffs=False).spans


def test_diffstat_lists_files_and_totals() -> None:
    message = FakeStore(seed_like_messages()).get_message("m1")
    stat = diffstat_text(message.patches[0]).plain
    assert "series v1 1/6" in stat
    assert " mm/filemap.c |    3 ++-" in stat
    assert "1 file changed, 2 insertions(+), 1 deletions(-)" in stat
    assert unquoted_diffs(message) == []


def test_headers_mark_an_inferred_author() -> None:
    message = FakeStore(seed_like_messages()).get_message("m3")
    assert "From: Nick Piggin (inferred)" in header_text(message).plain


def test_people_label_fits_names_then_counts_the_rest() -> None:
    assert people_label(("Nick Piggin", "Andrew Morton", "Linus Torvalds"), width=30).plain == (
        "Nick Piggin, Andrew Morton +1"
    )


def test_timeline_buckets_and_bars() -> None:
    counts = {date(2007, 2, 21): 4, date(2007, 2, 22): 1, date(2007, 2, 25): 2}
    assert bucket_counts(counts, date(2007, 2, 21), 2, 3) == [5, 0, 2]
    assert bar([8, 0, 1, 4], 8) == "█ ▁▄"
    assert bar([0, 0], 0) == "  "
