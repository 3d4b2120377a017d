"""Making message text inert before it reaches a terminal: control characters shown, not obeyed.

A message may carry escape sequences (colours, cursor moves, window titles, OSC 8 links) or
bidirectional overrides that would change what the reader sees. Everything from a message goes
through `inert` first, which shows such characters as escapes (`\\x1b`, `\\u202e`).
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, except tab and newline (handled by the caller's choice), and the
# Unicode format characters that reorder, hide or break what is displayed: bidi marks, embeddings,
# overrides and isolates, zero-width characters, line and paragraph separators, the BOM and
# interlinear annotations (the same set the UI shows inert, tui/text.py).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
_LINE_BREAKS = re.compile("[\t\n]")


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character escaped; newlines and tabs kept only if `multiline`."""
    shown = _UNSAFE.sub(_escape, text)
    return shown if multiline else _LINE_BREAKS.sub(_escape, shown)
