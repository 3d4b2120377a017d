"""A message's own words, and the titles and ids made from them."""

from __future__ import annotations

from threadlore.kb.quoting import own_words, shorten, slugify

REPLY = """On Tue, Kevin wrote:
> I think we should keep the tag. Really.

No. The tag changes. What about a map from cookie to
command instead?

1. Keep the tag.
2. Map the cookie.

--
Ming
"""


def test_own_words_are_the_body_without_quotes_in_one_line() -> None:
    assert "keep the tag" not in own_words(REPLY)
    assert "a map from cookie to command" in own_words(REPLY)


def test_titles_and_ids_come_from_the_first_words() -> None:
    assert slugify("1. Is it that blk-mq should always re-run") == "1-is-it-that-blk-mq"
    assert slugify("!!!") == "entry"
    assert shorten("word " * 40, 20) == "word word word word…"
