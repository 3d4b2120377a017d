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


def test_every_format_control_and_separator_in_unicode_is_unsafe() -> None:
    """The filter covers C0/C1, DEL, and every Cf, Zl and Zp character Python's Unicode knows."""
    import unicodedata

    from threadlore.tui.text import unsafe_characters

    missing = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp")
        and chr(code) not in "\t\n"
        and not unsafe_characters().fullmatch(chr(code))
    ]
    assert missing == []


def test_the_arabic_letter_mark_and_tag_characters_are_spelled_out() -> None:
    assert inert_plain("a\u061cb") == "a\\u061cb"
    assert inert_plain("flag \U000e0067\U000e0062\U000e007f") == (
        "flag \\U000e0067\\U000e0062\\U000e007f"
    )
    assert visible_escape("\U000e0001") == "\\U000e0001"


def test_ordinary_letters_of_every_script_stay_as_they_are() -> None:
    text = "Łukasz Müller, 李小龙, محمد, Ελένη, ש׳ and a non-breaking\u00a0space"
    assert inert_plain(text) == text
