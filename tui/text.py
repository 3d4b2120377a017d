"""Archive text made inert: control characters and escape sequences shown, never sent to a terminal.

A message body is data from strangers. It may carry ESC sequences that would move the cursor, set
the window title or change colours, and Unicode bidi controls that reorder what a reader sees.
Everything here returns rich `Text` built from plain strings (never markup), with each such
character replaced by a visible, dimmed escape such as `\\x1b`.
"""

from __future__ import annotations

import re

from rich.text import Text

TAB_WIDTH = 8
ESCAPE_STYLE = "reverse dim"

# C0 controls except newline and tab, DEL, C1 controls, and the Unicode bidi/format controls that
# reorder or hide text (LRE…RLO, LRI…PDI, zero-width and BOM characters, line/paragraph separators).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


def visible_escape(char: str) -> str:
    """The printable spelling of one unsafe character: `\\x1b`, `\\u202e`."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert_text(value: str, style: str = "") -> Text:
    """A rich `Text` of `value` with tabs expanded and every unsafe character made visible.

    Args:
        value: text from the archive (a body, a subject, a name).
        style: the base style of the result.
    """
    value = value.replace("\r\n", "\n").expandtabs(TAB_WIDTH)
    text = Text(style=style, end="")
    position = 0
    for match in _UNSAFE.finditer(value):
        text.append(value[position : match.start()])
        text.append(visible_escape(match.group()), style=ESCAPE_STYLE)
        position = match.end()
    text.append(value[position:])
    return text


def inert_plain(value: str) -> str:
    """A one-line plain string with every unsafe character spelled out, for titles and notices."""
    return _UNSAFE.sub(lambda match: visible_escape(match.group()), value.replace("\n", " "))


def inert_line(value: str, style: str = "") -> Text:
    """`inert_text` for a one-line field (subject, name): newlines become visible too."""
    return inert_text(value.replace("\n", " "), style)
