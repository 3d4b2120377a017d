"""What a message's author wrote, as a map quotes it: own words, short titles and ids.

A map quote is exact words of a message with whitespace runs counted as one space (the archive
breaks lines where the mail did not); quoted lines, the signature and a diff are not the
author's own words, so they are never offered for recording.
"""

from __future__ import annotations

import re

_SLUG_WORDS = 6
_TITLE_WIDTH = 80
_QUOTED_LINE = re.compile(r"^\s*>")


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace to one space, so archive line breaks match a quote's spaces."""
    return re.sub(r"\s+", " ", text).strip()


def own_words(body: str) -> str:
    """A message body without its quoted lines, whitespace normalised: what its author wrote."""
    return normalize_space(
        "\n".join(line for line in body.splitlines() if not _QUOTED_LINE.match(line))
    )


def slugify(text: str) -> str:
    """A short lower-case id from the first words of a title or a quote."""
    words = re.findall(r"[a-z0-9]+", text.casefold())[:_SLUG_WORDS]
    return "-".join(words)[:48].strip("-") or "entry"


def shorten(text: str, width: int = _TITLE_WIDTH) -> str:
    """A quote cut to a title's length at a word boundary."""
    text = normalize_space(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if text[width - 1] != " ":  # the cut fell inside a word: leave that word out
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
