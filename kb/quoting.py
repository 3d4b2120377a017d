"""What a message's author wrote, as a map quotes it: own words, own sentences, short titles.

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


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")
_OWN_TEXT_ENDS = re.compile(r"^(-- ?$|diff --git |Index: |---$)")
_LIST_MARK = re.compile(r"^\(?(\d{1,2}|[a-zA-Z])[.)]$")


def own_sentences(body: str) -> list[str]:
    """The sentences a message's author wrote — no quoted lines, no signature, no diff — each
    as the map would quote it (whitespace normalised), in order."""
    paragraphs: list[list[str]] = [[]]
    for line in body.splitlines():
        if _OWN_TEXT_ENDS.match(line):
            break
        if _QUOTED_LINE.match(line):
            continue
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    sentences: list[str] = []
    for lines in paragraphs:
        merged: list[str] = []
        for piece in _SENTENCE_END.split(normalize_space(" ".join(lines))):
            if merged and _LIST_MARK.match(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"  # "1." starts the item it numbers
            elif piece:
                merged.append(piece)
        sentences.extend(merged)
    return sentences


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
