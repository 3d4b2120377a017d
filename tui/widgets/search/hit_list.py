"""Search hits as a list of one-line messages: date, author, patch mark, subject."""

from __future__ import annotations

from rich.text import Text
from textual.widgets.option_list import Option

from threadlore.db.views import MessageSummary
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.common.vi_lists import ViOptionList

AUTHOR_WIDTH = 20


def hit_label(hit: MessageSummary) -> Text:
    """One line for a hit; an inferred author is italic."""
    label = Text(hit.date.strftime("%Y-%m-%d %H:%M") if hit.date else " " * 16, style="dim")
    label.append(" ")
    author_style = "italic" if hit.author_confidence is not None else ""
    author = (hit.author or "(unknown)")[:AUTHOR_WIDTH].ljust(AUTHOR_WIDTH)
    label.append_text(inert_line(author, style=author_style))
    label.append(" P " if hit.has_patch else "   ", style="bold green")
    label.append_text(inert_line(hit.subject or "(no subject)"))
    return label


class HitList(ViOptionList):
    """The hits of a query, in the store's order (newest first); option ids are message ids."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[MessageSummary] = []

    def show_hits(self, hits: list[MessageSummary], *, append: bool) -> None:
        """Show a page of hits, after the ones already there when `append`."""
        if not append:
            self.hits = []
            self.clear_options()
        self.hits.extend(hits)
        self.add_options(Option(hit_label(hit), id=hit.id) for hit in hits)
        if not append and hits:
            self.highlighted = 0

    def current_hit(self) -> MessageSummary | None:
        """The hit under the cursor."""
        if self.highlighted is None or not self.hits:
            return None
        return self.hits[self.highlighted]
