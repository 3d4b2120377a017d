"""Archive text made inert: the one filter between a stranger's text and a terminal (CLI and UI).

A message is data from strangers. It may carry ESC sequences that would move the cursor, set the
window title or change colours, and Unicode format characters that reorder (bidi controls, the
Arabic letter mark), hide (zero-width characters, tag characters, the soft hyphen) or break
(line and paragraph separators) what a reader sees. Every such character is replaced by a
visible escape such as `\\x1b` or `\\u202e`. The CLI (`cli/terminal.py`) and the UI both use
`unsafe_characters` and `spell_unsafe` from here; the UI's helpers return rich `Text` built
from plain strings (never markup), with each escape dimmed so a reader tells it from the text.
"""

from __future__ import annotations

from functools import cache

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:  # rich loads with the UI, not with the command line's listings
    import re

    from rich.text import Text

TAB_WIDTH = 8
ESCAPE_STYLE = "reverse dim"

# C0 controls except tab and newline (callers decide about those), DEL, C1 controls, and every
# Unicode format character (category Cf: soft hyphen, Arabic number signs and letter mark,
# zero-width characters, bidi embeddings, overrides, isolates and marks, invisible operators,
# the BOM, interlinear annotations, tag characters) and the line and paragraph separators (Zl,
# Zp). tests/tui/test_text.py checks this against the Unicode database.
_UNSAFE_CLASS = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


@cache
def unsafe_characters() -> re.Pattern[str]:
    """The unsafe characters as a pattern, compiled when first wanted: printable text never needs
    it (every unsafe character is unprintable), and `re` is ~7 ms of a search's start (issue 15)."""
    import re

    return re.compile(_UNSAFE_CLASS)


def visible_escape(char: str) -> str:
    """The printable spelling of one unsafe character: `\\x1b`, `\\u202e`, `\\U000e0041`."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def spell_unsafe(value: str) -> str:
    """`value` with every unsafe character spelled out; tabs and newlines are left as they are."""
    return unsafe_characters().sub(lambda match: visible_escape(match.group()), value)


def inert_text(value: str, style: str = "") -> Text:
    """A rich `Text` of `value` with tabs expanded and every unsafe character made visible.

    Args:
        value: text from the archive (a body, a subject, a name).
        style: the base style of the result.
    """
    from rich.text import Text

    value = value.replace("\r\n", "\n").expandtabs(TAB_WIDTH)
    text = Text(style=style, end="")
    position = 0
    for match in unsafe_characters().finditer(value):
        text.append(value[position : match.start()])
        text.append(visible_escape(match.group()), style=ESCAPE_STYLE)
        position = match.end()
    text.append(value[position:])
    return text


def inert_plain(value: str) -> str:
    """A one-line plain string with every unsafe character spelled out, for titles and notices."""
    return spell_unsafe(value.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def inert_line(value: str, style: str = "") -> Text:
    """`inert_text` for a one-line field (subject, name): newlines become spaces."""
    return inert_text(value.replace("\r\n", " ").replace("\n", " "), style)


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 message`, `2 messages` (`many` when the plural is not `one` + "s")."""
    return f"{count} {one if count == 1 else many or one + 's'}"
