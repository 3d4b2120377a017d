"""The selected message in full: headers, why its author is believed, diffstat, body, patch."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from threadlore.db.views import MessageView
from threadlore.tui.widgets.message.rendering import (
    body_text,
    diffstat_text,
    header_text,
    inference_text,
    unquoted_diffs,
)


class MessagePane(VerticalScroll, can_focus=True):
    """A scrollable view of one message; a section shows (class `-filled`) when it has text."""

    def compose(self) -> ComposeResult:
        for section in ("headers", "inferences", "anchored", "diffstat", "body", "patch"):
            yield Static(id=f"message-{section}", classes="message-section")

    def show_message(self, message: MessageView) -> None:
        """Fill every section from `message` and scroll back to the top."""
        self._fill("headers", header_text(message))
        self._fill("inferences", inference_text(message.inferences), "Why threadlore believes this")
        self._fill("diffstat", Text("\n\n").join(map(diffstat_text, message.patches)), "Patch")
        self._fill("body", body_text(message.body, highlight_diffs=bool(message.patches)))
        attached = [body_text(p.diff, highlight_diffs=True) for p in unquoted_diffs(message)]
        self._fill("patch", Text("\n\n").join(attached), "Attached diff")
        self._fill("anchored", Text())
        self.scroll_home(animate=False)

    def show_anchored(self, text: Text) -> None:
        """Show what the decisions map anchors in this message (proposals and arguments)."""
        self._fill("anchored", text, "Proposals and arguments here")

    def _fill(self, section: str, content: Text, title: str | None = None) -> None:
        widget = self.query_one(f"#message-{section}", Static)
        widget.update(content)
        widget.set_class(bool(content), "-filled")
        widget.border_title = title
