"""Archive text is shown inert: escapes visible, markup literal, nothing sent to the terminal."""

from __future__ import annotations

from threadlore.tui.text import inert_line, inert_plain, inert_text, visible_escape


def test_escape_sequences_and_bidi_controls_become_visible() -> None:
    text = inert_text("a\x1b[2Jb\x07c\u202ed\x9be")
    assert text.plain == "a\\x1b[2Jb\\x07c\\u202ed\\x9be"
    assert not any(ord(ch) < 0x20 and ch != "\n" for ch in text.plain)


def test_markup_is_literal_and_tabs_are_expanded() -> None:
    text = inert_text("[bold]x[/]\tend")
    assert text.plain == "[bold]x[/]" + " " * 6 + "end"
    assert not text.spans


def test_escapes_are_styled_so_a_reader_tells_them_from_text() -> None:
    text = inert_text("a\x00b")
    assert [(s.start, s.end) for s in text.spans] == [(1, 5)]


def test_line_and_plain_forms_put_everything_on_one_line() -> None:
    assert inert_line("a\nb\rc").plain == "a b\\x0dc"
    assert inert_plain("title\x1b]0;x\x07\nmore") == "title\\x1b]0;x\\x07 more"


def test_crlf_is_a_newline_not_an_escape() -> None:
    assert inert_text("a\r\nb").plain == "a\nb"


def test_visible_escape_spells_wide_code_points_with_u() -> None:
    assert visible_escape("\u2066") == "\\u2066"
    assert visible_escape("\x7f") == "\\x7f"
