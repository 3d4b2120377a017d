"""The field names README's JSON section promises for a command, read from the README itself."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def documented_fields(command: str) -> set[str]:
    """The top-level field names of the README bullet that starts with `command` in backticks;
    what parentheses say (nested fields, explanations) is left out."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### JSON") : text.index("## The terminal UI")]
    entry = re.search(rf"^- `{re.escape(command)}`[^:]*:(.*?)(?=^- |\Z)", section, re.M | re.S)
    assert entry, f"README documents no JSON for {command}"
    top_level = re.sub(r"\([^()]*\)", "", entry.group(1))
    return set(re.findall(r"`([a-z_]+)`", top_level))
