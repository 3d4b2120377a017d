"""The selected message as a pager: headers, inferences folded to a line, diffstat, body, patch.

Keys are a pager's (less, mutt): `j`/`k` a line, `space`/`-` a page, `g`/`G` top and bottom;
`space` on the last page asks for the next message. The border shows where the view is in the
message (`12–33/140 · 24%`, `all`, `end`). What threadlore inferred about the message and what
the decision map quotes from it are folded to one line until asked (`toggle_evidence`, `e`);
`toggle_headers` (`h`) shows every header.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from threadlore.db.views import Matches, MessageView
from threadlore.tui.widgets.message.rendering import (
    body_text,
    diffstat_text,
    folded_evidence,
    header_text,
    inference_text,
    unquoted_diffs,
)

SECTIONS = ("headers", "inferences", "anchored", "diffstat", "body", "patch")


def position_label(top: int, height: int, total: int) -> str:
    """Where a view of `height` lines starting at line `top` (0-based) is in `total` lines."""
    if total <= height:
        return "all"
    last = min(total, top + height)
    if last >= total:
        return f"{top + 1}–{total}/{total} · end"
    return f"{top + 1}–{last}/{total} · {last * 100 // total}%"


class MessagePane(VerticalScroll, can_focus=True):
    """A scrollable view of one message; a section shows (class `-filled`) when it has text."""

    ALLOW_MAXIMIZE = True  # `z` zooms it (scrollable containers are not zoomed by default)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "line(1)", "Line down", show=False),
        Binding("k,up", "line(-1)", "Line up", show=False),
        Binding("space,pagedown", "page(1)", "Page down", show=False),
        Binding("minus,b,pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom", show=False),
    ]

    @dataclass
    class ReadToEnd(Message):
        """`space` was pressed on the last page: the reader wants the next message."""

        pane: MessagePane

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.message: MessageView | None = None
        self.matches: Matches | None = None
        self.full_headers = False
        self.show_evidence = False
        self.anchored = Text()
        self.anchored_summary = ""

    def compose(self) -> ComposeResult:
        for section in SECTIONS:
            yield Static(id=f"message-{section}", classes="message-section")

    def show_message(self, message: MessageView, matches: Matches | None = None) -> None:
        """Fill every section from `message` (marking `matches`) and scroll back to the top."""
        self.message = message
        self.matches = matches
        self._fill_headers()
        self._fill("diffstat", Text("\n\n").join(map(diffstat_text, message.patches)), "Patch")
        marks = matches.body if matches else ()
        body = body_text(message.body, highlight_diffs=bool(message.patches), marks=marks)
        self._fill("body", body)
        attached = [body_text(p.diff, highlight_diffs=True) for p in unquoted_diffs(message)]
        self._fill("patch", Text("\n\n").join(attached), "Attached diff")
        self.anchored, self.anchored_summary = Text(), ""
        self._fill_evidence()
        self.scroll_home(animate=False)
        self.call_after_refresh(self.show_position)

    def show_notice(self, notice: str) -> None:
        """Show a line of help or an empty state instead of a message."""
        self.message = None
        for section in SECTIONS:
            self._fill(section, Text())
        self._fill("body", Text(notice, style="dim"))
        self.border_subtitle = ""

    def show_anchored(self, text: Text, summary: str) -> None:
        """Show what the decisions map quotes from this message (proposals and arguments):
        `summary` (`2 proposals, 1 argument`) on the folded line, `text` when unfolded."""
        self.anchored, self.anchored_summary = text, summary
        self._fill_evidence()

    def toggle_headers(self) -> None:
        """Show every header, or only From, Date, Subject, To and Cc (mutt's `h`)."""
        self.full_headers = not self.full_headers
        self._fill_headers()

    def toggle_evidence(self) -> None:
        """Show why threadlore believes each inferred value and what the decision map quotes
        from the message, or fold both back to one line."""
        self.show_evidence = not self.show_evidence
        self._fill_evidence()

    def scroll_to_first_match(self) -> None:
        """Scroll so that the body's first search match is near the top of the view."""
        if self.message is None or not self.matches or not self.matches.body:
            return
        body = self.query_one("#message-body", Static)
        start = self.matches.body[0][0]
        before = body_text(self.message.body[:start].rsplit("\n", 1)[0], highlight_diffs=False)
        width = max(1, body.content_region.width)
        lines = len(before.wrap(self.app.console, width)) if start else 0
        self.scroll_to(y=max(0, body.virtual_region.y + lines - 2), animate=False)

    # Each key scrolls at once (`immediate`), so that keys typed fast add up rather than each
    # starting from where the view was before the last one was drawn.
    def action_line(self, delta: int) -> None:
        self.scroll_to(y=self.scroll_target_y + delta, animate=False, immediate=True)

    def action_page(self, delta: int) -> None:
        """A page down (1) or up (-1); down on the last page asks for the next message."""
        if delta > 0 and self.scroll_target_y >= self.max_scroll_y:
            self.post_message(self.ReadToEnd(self))
            return
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_target_y + delta * page, animate=False, immediate=True)

    def action_top(self) -> None:
        self.scroll_home(animate=False, immediate=True)

    def action_bottom(self) -> None:
        self.scroll_end(animate=False, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.show_position()

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_position)

    def watch_virtual_size(self) -> None:
        self.show_position()  # a message's length is known once its text is laid out

    def show_position(self) -> None:
        """Put where the view is in the message on the pane's bottom border."""
        if self.message is None:
            return
        height = self.scrollable_content_region.height
        self.border_subtitle = position_label(
            round(self.scroll_y), height, self.virtual_size.height
        )

    def _fill_headers(self) -> None:
        if self.message is not None:
            self._fill("headers", header_text(self.message, full=self.full_headers))
            self.query_one("#message-headers").set_class(self.full_headers, "-full")

    def _fill_evidence(self) -> None:
        if self.message is None:
            return
        inferences, corrections = self.message.inferences, self.message.corrections
        known = bool(inferences or corrections)
        if self.show_evidence and (known or self.anchored):
            why = inference_text(inferences, corrections)
            self._fill("inferences", why, "Why threadlore believes this")
            self._fill("anchored", self.anchored, "Proposals and arguments here")
        else:
            folded = folded_evidence(inferences, self.anchored_summary, corrections)
            self._fill("inferences", folded)
            self._fill("anchored", Text())
        self.query_one("#message-inferences").set_class(self.show_evidence and known, "-open")

    def _fill(self, section: str, content: Text, title: str | None = None) -> None:
        widget = self.query_one(f"#message-{section}", Static)
        widget.update(content)
        widget.set_class(bool(content), "-filled")
        widget.border_title = title
