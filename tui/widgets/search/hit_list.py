"""Search hits as a list: each hit a line (date, author, patch mark, subject) and its snippet.

The snippet is the line of the message where the query's words are, with those words (and the
subject's) marked, as public-inbox and notmuch show a hit; without a match in the body it is the
message's first own line. Labels are fitted to the list's width and rebuilt when it changes.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets.option_list import Option

from threadlore.db.views import Matches, MessageSummary, Span
from threadlore.tui.dates import day, minute
from threadlore.tui.text import inert_plain
from threadlore.tui.widgets.common.vi_lists import ViOptionList
from threadlore.tui.widgets.thread.tree_labels import fitted_author

WIDE_LIST = 90  # from this width on, dates show the time and authors get more room
MATCH_STYLE = "bold reverse"


def marked(value: str, spans: tuple[Span, ...], style: str = "") -> Content:
    """`value` made inert, with the spans a search matched marked."""
    parts: list[tuple[str, str] | str] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        parts.append((inert_plain(value[position:start]), style))
        parts.append((inert_plain(value[start:end]), MATCH_STYLE))
        position = end
    parts.append((inert_plain(value[position:]), style))
    return Content.assemble(*parts)


def hit_label(hit: MessageSummary, matches: Matches | None, width: int) -> Content:
    """Two lines for a hit; an inferred author is italic, its confidence after it."""
    wide = width >= WIDE_LIST
    author_width = 20 if wide else 16
    confidence = hit.author_confidence
    suffix = "" if confidence is None else f" ~{round(confidence * 100)}%"
    name, mark = fitted_author(inert_plain(hit.author or "(unknown)"), suffix, author_width)
    when = minute(hit.date) if wide else day(hit.date)
    subject = marked(hit.subject or "(no subject)", matches.subject if matches else ())
    first = Content.assemble(
        (when, "dim"),
        " ",
        (name, "italic" if mark else ""),
        (mark.ljust(author_width - len(name)), "dim"),
        (" P " if hit.has_patch else "   ", "bold green"),
        subject,
    )
    if matches is None:
        return first
    snippet = matches.snippet
    second = marked(snippet.text, snippet.spans, "dim") if snippet.text else Content("")
    return Content.assemble(first, "\n", " " * (len(when) + 1), second)


class HitList(ViOptionList):
    """The hits of a query, in the store's order (newest first); option ids are message ids."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[MessageSummary] = []
        self.matches: dict[str, Matches] = {}
        self._width = 0

    def show_hits(self, hits: list[MessageSummary], *, append: bool) -> None:
        """Show a page of hits, after the ones already there when `append`."""
        if not append:
            self.hits = []
            self.matches = {}
            self.clear_options()
        self.hits.extend(hits)
        self._width = self.scrollable_content_region.width or 80
        self.add_options(Option(hit_label(hit, None, self._width), id=hit.id) for hit in hits)
        if not append and hits:
            self.highlighted = 0

    def show_matches(self, matches: dict[str, Matches]) -> None:
        """Add snippets and marks to the hits they are for."""
        self.matches.update(matches)
        self._relabel(set(matches))

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width and self.hits:
            self._width = self.scrollable_content_region.width
            self._relabel({hit.id for hit in self.hits})

    def _relabel(self, ids: set[str]) -> None:
        for index, hit in enumerate(self.hits):
            if hit.id in ids:
                label = hit_label(hit, self.matches.get(hit.id), self._width)
                self.replace_option_prompt_at_index(index, label)

    def current_hit(self) -> MessageSummary | None:
        """The hit under the cursor."""
        if self.highlighted is None or not self.hits:
            return None
        return self.hits[self.highlighted]
