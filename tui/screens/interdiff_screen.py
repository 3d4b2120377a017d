"""What changed between two revisions of a patch (`kb.interdiff`), scrollable, coloured."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from threadlore.kb.interdiff import Interdiff
from threadlore.tui.text import inert_line, inert_plain
from threadlore.tui.widgets.common.key_hints import KeyHints

# the outer column says which revision has the line: only the earlier (red) or the later (green)
_STYLES = (("---", "bold"), ("+++", "bold"), ("@@", "cyan"), ("-", "red"), ("+", "green"))


def interdiff_text(found: Interdiff) -> Text:
    """The interdiff's notes, then its diff of the two patches, each line styled by its side."""
    text = Text()
    notes = [
        ("files changed", found.files_changed),
        ("files only in the earlier", found.files_only_earlier),
        ("files only in the later", found.files_only_later),
        ("files the same", found.files_same),
    ]
    for label, paths in notes:
        if paths:
            text.append_text(inert_line(f"{label}: {', '.join(paths)}", "dim"))
            text.append("\n")
    if found.changelog_changed:
        text.append("the changelog changed\n", style="dim")
    if found.earlier.truncated or found.later.truncated:
        text.append("the archive cut a diff short: only what both show is compared\n", "dim")
    for line in found.text.split("\n") if found.text else ["(no difference)"]:
        style = next((s for prefix, s in _STYLES if line.startswith(prefix)), "")
        text.append_text(inert_line(line, style))
        text.append("\n")
    return text


class InterdiffScreen(Screen[None]):
    """One interdiff; `q` or `escape` goes back to the thread."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "app.pop_screen", "Back")]

    def __init__(self, found: Interdiff) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="interdiff"):
            yield Static(interdiff_text(self.found))
        yield KeyHints()

    def on_mount(self) -> None:
        earlier, later = self.found.earlier, self.found.later
        self.sub_title = inert_plain(f"{earlier.id} → {later.id}: {later.subject}")
