"""Pieces of the thread view: tree art, labels, diff highlighting, diffstat, timeline bars."""

from __future__ import annotations

from datetime import date

from tui_fake_store import FakeStore, seed_like_messages

from threadlore.db.views import MessageView, TreeRow
from threadlore.importers.subjects import strip_reply_markers
from threadlore.tui.tree_art import tree_prefix
from threadlore.tui.widgets.message.rendering import (
    body_text,
    diff_line_kinds,
    diffstat_text,
    header_text,
    unquoted_diffs,
)
from threadlore.tui.widgets.people.timeline import bar, bucket_counts
from threadlore.tui.widgets.thread.tree_labels import (
    TreeLayout,
    fitted_author,
    initials,
    tree_row_label,
)
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
    layout = TreeLayout(author=20, art=20)
    patch_row = tree_row_label(rows["m1"], rows["m0"].message.subject, layout).plain
    reply_row = tree_row_label(rows["m3"], rows["m2"].message.subject, layout).plain
    assert " P ├─>[patch 1/6] mm: lock page in fault" in patch_row
    assert reply_row.endswith("└─>")
    assert "Nick Piggin ~70%" in reply_row


def test_a_reply_without_its_own_subject_shows_its_first_own_line() -> None:
    rows = {row.message.id: row for row in _rows()}
    label = tree_row_label(
        rows["m3"], rows["m2"].message.subject, TreeLayout(20, 20), opening="It is better."
    )
    assert label.plain.endswith("└─>It is better.")


def test_a_collapsed_sub_thread_says_how_many_replies_it_hides() -> None:
    rows = {row.message.id: row for row in _rows()}
    label = tree_row_label(rows["m1"], rows["m0"].message.subject, TreeLayout(20, 20), hidden=2)
    assert "├─>(+2) [patch 1/6]" in label.plain


def test_deep_replies_keep_their_art_within_its_budget() -> None:
    deep = TreeRow(_rows()[3].message, 20, True, (False,) * 20)
    assert tree_prefix(deep) == "│ " * 19 + "└─>"
    assert tree_prefix(deep, narrow=True) == "│" * 19 + "└>"
    assert tree_prefix(deep, 8, narrow=True) == "…│││││└>"
    assert tree_prefix(deep, 9) == "…│ │ └─>"  # drawn wide: cut at a level's edge


def test_authors_are_shown_whole_then_with_initials_then_cut() -> None:
    assert initials("Benjamin Herrenschmidt") == "B. Herrenschmidt"
    assert fitted_author("Nick Piggin", " ~74%", 20) == ("Nick Piggin", " ~74%")
    assert fitted_author("Benjamin Herrenschmidt", " ~74%", 21) == ("B. Herrenschmidt", " ~74%")
    assert fitted_author("Benjamin Herrenschmidt", " ~74%", 17) == ("B. Herrenschmidt", "~")
    assert fitted_author("Benjamin Herrenschmidt", "", 12) == ("Benjamin He…", "")


def test_bare_subject_drops_reply_prefixes() -> None:
    assert strip_reply_markers("Re: RE: Fwd: [patch] x") == "[patch] x"


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


def test_archive_text_diffs_are_coloured_by_hunk_length() -> None:
    """The archive strips context lines' leading space: the hunk header's lengths tell them
    from prose, and the prose after the hunk (a signature) is not coloured."""
    lines = [
        "Index: linux-2.6/mm/filemap.c",
        "===================================================================",
        "--- linux-2.6.orig/mm/filemap.c",
        "+++ linux-2.6/mm/filemap.c",
        "@@ -10,4 +10,4 @@ page_not_uptodate:",
        "majmin = VM_FAULT_MAJOR;",
        "- lock_page(page);",
        "+ unlock_page(page);",
        "",
        "}",
        "-- ",
        "-old signature line",
    ]
    assert diff_line_kinds(lines) == [
        "file", "file", "file", "file", "hunk",
        "context", "removed", "added", "context", "context",
        "", "",
    ]  # fmt: skip


def test_a_search_match_is_marked_in_the_body_and_stays_inert() -> None:
    text = body_text("one lock\x1b here\nlock two", highlight_diffs=False, marks=((4, 8), (15, 19)))
    marked = [text.plain[s.start : s.end] for s in text.spans if "reverse" in str(s.style)]
    assert marked[0] == "lock" and marked[-1] == "lock"
    assert "\\x1b" in text.plain


def test_a_diff_already_in_the_body_is_not_shown_again() -> None:
    message = FakeStore(seed_like_messages()).get_message("m1")
    stripped = message.body.replace("\n \tlock_page", "\n\tlock_page")  # as the archive does
    fields = message.as_dict()
    assert unquoted_diffs(MessageView(**{**fields, "body": stripped})) == []
    assert unquoted_diffs(MessageView(**{**fields, "body": "no diff here"})) == list(
        message.patches
    )


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


def test_a_corrected_value_says_who_corrected_it_instead_of_the_inference() -> None:
    from datetime import UTC, datetime

    from threadlore.db.views import CorrectionNote, InferenceView
    from threadlore.tui.widgets.message.rendering import folded_evidence, inference_text

    inferred = (
        InferenceView("author", "Nick Piggin", 0.74, ("signed Nick",)),
        InferenceView("date", "2007-02-21", 0.8, ("the archive's clock",)),
    )
    note = CorrectionNote(
        "author", "Hugh Dickins", "Nick Piggin", "ann", datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    )
    assert folded_evidence(inferred, "", (note,)).plain == (
        "author corrected by ann · date inferred 80% — e for why"
    )
    why = inference_text(inferred, (note,)).plain
    assert "author: Hugh Dickins  corrected by ann on 2026-01-02 03:04 UTC (was Nick Piggin)" in why
    assert "signed Nick" not in why and "the archive's clock" in why
