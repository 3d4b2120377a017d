"""Curate what `extract` found in a thread: accept candidates onto the map, reject, or merge.

The list is strongest first; `space` marks candidates, and `a`, `x` and `m` act on the marked
ones (or the one under the cursor). `f` cycles what is shown: first the confident pending ones
(whose score reached the extraction model's confident threshold), then every pending one, all,
accepted, rejected;
`r` extracts again, keeping every decision already made. The pane below says why the extractor
offers the candidate under the cursor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from threadlore.kb.quoting import shorten
from threadlore.tui.dates import minute
from threadlore.tui.decision_source import ChangeRefused, DecisionSource
from threadlore.tui.dialogs.accept_dialog import Acceptance, AcceptDialog
from threadlore.tui.dialogs.pick_dialog import PickDialog
from threadlore.tui.messages import MapChanged
from threadlore.tui.text import inert_line, inert_plain
from threadlore.tui.widgets.common.key_hints import KeyHints

if TYPE_CHECKING:
    from threadlore.kb.candidates import CandidateView

CONFIDENT = "confident"
SHOWN = (CONFIDENT, "pending", None, "accepted", "rejected")  # what `f` cycles; None is all
SENTENCE_CHARS = 200  # a candidate's sentence is shortened to this in the table
KIND_STYLES = {
    "proposal": "bold",
    "objection": "red",
    "support": "green",
    "decision": "cyan",
}


class CandidatesScreen(Screen[None]):
    """One thread's candidates, to accept, reject or merge, one by one or marked in bulk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "Mark"),
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("m", "merge", "Merge into…"),
        Binding("f", "cycle_shown", "Show…"),
        Binding("r", "extract", "Extract again"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, decisions: DecisionSource, thread_id: int) -> None:
        super().__init__()
        self.decisions = decisions
        self.thread_id = thread_id
        self.candidates: list[CandidateView] = []
        self.marked: set[int] = set()
        self.shown: str | None = CONFIDENT

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="candidate-panes"):
            yield DataTable(id="candidate-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="candidate-detail")
        yield KeyHints()

    def on_mount(self) -> None:
        self.title = f"Candidates for thread {self.thread_id}"
        table = self.query_one(DataTable)
        for label, width in (("", 1), ("score", 5), ("kind", 9), ("state", 8), ("who", 14)):
            table.add_column(label, width=width)
        # as wide as the longest sentence shown: a width known before the rows arrive, so the
        # table is drawn the same however soon after them (measured, it was drawn either way)
        table.add_column("words", width=SENTENCE_CHARS, key="words")
        self.load(refresh=True)

    @work(exclusive=True, group="candidates", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        """Read the candidates (extracting first when asked) and show them."""
        self.candidates = await asyncio.to_thread(
            self.decisions.candidates, self.thread_id, refresh=refresh
        )
        self.show_candidates()

    def _visible(self) -> list[CandidateView]:
        if self.shown == CONFIDENT:
            return [c for c in self.candidates if c.state == "pending" and c.confident]
        return [c for c in self.candidates if self.shown is None or c.state == self.shown]

    def show_candidates(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for c in self._visible():
            table.add_row(
                "✓" if c.id in self.marked else " ",
                f"{c.score:.2f}",
                Text(c.kind, style=KIND_STYLES.get(c.kind, "")),
                c.state,
                inert_plain(c.author or "?"),
                inert_plain(shorten(c.sentence, SENTENCE_CHARS)),
                key=str(c.id),
            )
        pending = sum(c.state == "pending" for c in self.candidates)
        shown = "confident pending" if self.shown == CONFIDENT else self.shown or "all"
        self.sub_title = (
            f"{len(self.candidates)} candidates, {pending} pending — showing {shown} (f: more)"
        )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
            table.focus()
        self._show_detail()

    def _current(self) -> CandidateView | None:
        visible = self._visible()
        row = self.query_one(DataTable).cursor_row
        return visible[row] if 0 <= row < len(visible) else None

    def _chosen(self) -> list[CandidateView]:
        marked = [c for c in self._visible() if c.id in self.marked]
        current = self._current()
        return marked or ([current] if current is not None else [])

    @on(DataTable.RowHighlighted, "#candidate-table")
    def _show_detail(self) -> None:
        detail = self.query_one("#candidate-detail", Static)
        current = self._current()
        if current is None:
            detail.update(
                "No candidates here. `f` shows the others; `r` extracts again."
                if self.candidates
                else "Extraction found nothing to offer in this thread: record entries from a "
                "message instead (Thread screen, `a`)."
            )
            return
        when = minute(current.date)
        text = inert_line(f"{current.author or '?'}, {when}  ", style="bold")
        text.append(f"{current.kind} ({current.origin}, {current.score:.2f})", style="dim")
        text.append("\n")
        text.append_text(inert_line(current.sentence, style="italic"))
        for reason in current.evidence:
            text.append("\n  • ")
            text.append_text(inert_line(reason))
        if current.entry:
            text.append_text(inert_line(f"\non the map as {current.entry}", style="green"))
        detail.update(text)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_mark(self) -> None:
        current = self._current()
        if current is not None:
            self.marked ^= {current.id}
            self.show_candidates()
            self.action_cursor_down()

    def action_cycle_shown(self) -> None:
        self.shown = SHOWN[(SHOWN.index(self.shown) + 1) % len(SHOWN)]
        self.show_candidates()

    def action_extract(self) -> None:
        self.load(refresh=True)

    def action_accept(self) -> None:
        chosen = [c for c in self._chosen() if c.state == "pending"]
        if not chosen:
            self.notify("Nothing pending to accept here.", severity="warning")
            return

        def accepted(acceptance: Acceptance | None) -> None:
            if acceptance is not None:
                self.accept_candidates(chosen, acceptance)

        self.app.push_screen(AcceptDialog(self.decisions, self.thread_id, chosen), accepted)

    @work(exclusive=True, group="candidate-change", exit_on_error=False)
    async def accept_candidates(self, chosen: list[CandidateView], how: Acceptance) -> None:
        made: list[str] = []
        try:
            for kind, where in how.placements.items():
                ids = [c.id for c in chosen if c.kind == kind]
                made += await asyncio.to_thread(
                    self.decisions.accept,
                    self.thread_id,
                    ids,
                    question=where.question,
                    target=where.target or where.proposal,
                    sentence=how.words,
                )
        except ChangeRefused as refused:
            self.notify(inert_plain(str(refused)), title="Not accepted", severity="error")
        else:
            self.notify(inert_plain(f"On the map: {', '.join(made)}"))
        self._changed()

    def action_reject(self) -> None:
        chosen = [c.id for c in self._chosen() if c.state == "pending"]
        if chosen:
            self.change(lambda: self.decisions.reject(self.thread_id, chosen))

    def action_merge(self) -> None:
        chosen = [c.id for c in self._chosen() if c.state == "pending"]
        if not chosen:
            self.notify("Nothing pending to merge here.", severity="warning")
            return
        self.pick_proposal_to_merge_into(chosen)

    @work(exclusive=True, group="candidate-merge", exit_on_error=False)
    async def pick_proposal_to_merge_into(self, chosen: list[int]) -> None:
        maps = await asyncio.to_thread(self.decisions.maps, self.thread_id)
        proposals = [(p.title, p.id) for m in maps for p in m.discussion.proposals()]
        if not proposals:
            self.notify("The map has no proposal yet: accept one first.", severity="warning")
            return
        into = await self.app.push_screen_wait(PickDialog("Merge into which proposal?", proposals))
        if into is not None:
            self.change(lambda: self.decisions.merge(self.thread_id, chosen, into))

    @work(exclusive=True, group="candidate-change", exit_on_error=False)
    async def change(self, store_change: Callable[[], object]) -> None:
        """Run one store change off the event loop; a refusal is a notice, not a crash."""
        try:
            await asyncio.to_thread(store_change)
        except ChangeRefused as refused:
            self.notify(inert_plain(str(refused)), title="Not changed", severity="error")
        self._changed()

    def _changed(self) -> None:
        self.marked.clear()
        self.post_message(MapChanged(self.thread_id))
        self.load()
