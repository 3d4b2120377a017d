"""Making message text inert before it reaches a terminal: control characters shown, not obeyed.

A message may carry escape sequences (colours, cursor moves, window titles, OSC 8 links) or
bidirectional overrides that would change what the reader sees. Everything from a message goes
through `inert` first, which shows such characters as escapes (`\\x1b`, `\\u202e`).
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, except tab and newline (handled by the caller's choice), and the
# Unicode bidirectional formatting characters that reorder what is displayed.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n]")


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character escaped; newlines and tabs kept only if `multiline`."""
    shown = _UNSAFE.sub(_escape, text)
    return shown if multiline else _LINE_BREAKS.sub(_escape, shown)
