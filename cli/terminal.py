"""What the command line writes to a terminal: inert text, highlighted matches, safe JSON.

The filter itself is `threadlore.tui.text` (one definition for the CLI and the UI); this module
adds what only the command line needs: a one-line spelling of tabs and newlines, ANSI
highlighting of search matches when stdout is a terminal, and JSON whose strings cannot carry
a C1 or bidi control to the terminal it is printed on.
"""

from __future__ import annotations

import os
import sys

from threadlore.tui.text import spell_unsafe, unsafe_characters, visible_escape

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from typing import TextIO

_LINE_BREAKS = {ord(char): visible_escape(char) for char in "\t\n"}  # a str.translate table
MATCH_ON = "\x1b[1;7m"  # bold reverse, as `less` marks what a search found
MATCH_OFF = "\x1b[0m"


def inert(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character escaped; newlines and tabs kept only if `multiline`."""
    if text.isprintable():  # nothing to escape: every unsafe character is unprintable
        return text
    shown = spell_unsafe(text)
    if multiline:
        return shown
    return shown.translate(_LINE_BREAKS)


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether `stream` (stdout by default) is a terminal, where colour and escapes are wanted."""
    stream = stream if stream is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def highlighted(text: str, spans: tuple[tuple[int, int], ...], *, colour: bool) -> str:
    """`text` made inert, with each (start, end) span marked in reverse video when `colour`.

    The spans index `text` as given; each piece is made inert on its own, so an escape never
    splits a span and a span never carries a control character.
    """
    if not colour or not spans:
        return inert(text)
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        pieces.append(inert(text[position:start]))
        pieces.append(MATCH_ON + inert(text[start:end]) + MATCH_OFF)
        position = end
    pieces.append(inert(text[position:]))
    return "".join(pieces)


def terminal_safe_json(document: str) -> str:
    """A JSON document with every unsafe character in it written as a JSON `\\u` escape.

    `json.dumps(..., ensure_ascii=False)` escapes C0 controls but writes C1 controls, DEL, bidi
    controls and tag characters as themselves; printed on a terminal they would act. Those only
    occur inside strings, where the escape keeps the same value for any JSON reader.
    """
    import json  # loaded when first used: a search's start does not pay for it (issue 15)

    return unsafe_characters().sub(lambda found: json.dumps(found.group())[1:-1], document)


def output_width() -> int:
    """The terminal's width; `$COLUMNS` or 80 when stdout is piped, as `ls` and `git` do.

    What `shutil.get_terminal_size` answers, without importing shutil (3.4 ms of a 60 ms search
    process: it imports bz2, lzma and fnmatch).
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.__stdout__ is None:
        return 80
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (ValueError, OSError):  # stdout closed, or not a terminal
        return 80


def squeeze(text: str, room: int) -> str:
    """`text` cut to `room` characters, the cut shown by "…" (nothing left when no room)."""
    if len(text) <= room:
        return text
    return text[: max(room - 1, 0)] + "…" if room > 0 else ""


def wrapped(text: str, width: int) -> str:
    """Prose wrapped to `width`, each line's indent and list marker kept for its continuation."""
    import re
    import textwrap  # only a message's text is wrapped: a list's start does not pay (issue 15)

    lines = []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        marker = re.match(r"[-+*↳•] |\d+\. ", line[indent:])
        hang = indent + (len(marker.group()) if marker else 0)
        lines.append(
            textwrap.fill(line, width, subsequent_indent=" " * hang, break_on_hyphens=False)
            if len(line) > width
            else line
        )
    return "\n".join(lines)
