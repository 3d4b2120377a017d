"""Accept extracted candidates onto the map: where each kind goes, and (for one) its words.

Proposals need a question, arguments what they argue about (unless the extractor found it in the
reply structure), decisions the proposal they decide; the form asks only what the chosen
candidates need.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from threadlore.tui.decision_source import DecisionSource
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.decisions.entry_placement import EntryPlacement, Placement

if TYPE_CHECKING:
    from threadlore.kb.candidates import CandidateView

PLACED_AS = {
    "proposal": "proposal",
    "objection": "against",
    "support": "for",
    "decision": "decision",
}


@dataclass(frozen=True)
class Acceptance:
    """Where the accepted candidates go; `words` replaces one candidate's sentence."""

    placements: dict[str, Placement]  # by candidate kind
    words: str | None


class AcceptDialog(ModalScreen[Acceptance | None]):
    """A form over chosen candidates; dismissed with the acceptance, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "accept", "Accept"),
    ]

    def __init__(
        self, decisions: DecisionSource, thread_id: int, chosen: list[CandidateView]
    ) -> None:
        super().__init__()
        self.decisions = decisions
        self.thread_id = thread_id
        self.chosen = chosen
        self.kinds = sorted({c.kind for c in chosen}, key=list(PLACED_AS).index)

    def compose(self) -> ComposeResult:
        counts = ", ".join(
            f"{sum(c.kind == kind for c in self.chosen)} {kind}" for kind in self.kinds
        )
        with VerticalScroll(id="accept-form", classes="dialog"):
            yield Static(f"Accept onto the map: {counts}", classes="form-title")
            if len(self.chosen) == 1:
                yield Label("Its words (keep them verbatim; you may keep only part)")
                yield Input(self.chosen[0].sentence, id="words")
            yield EntryPlacement(*(PLACED_AS[k] for k in self.kinds), id="placement")
            yield Static(id="accept-problem")
            with Horizontal(classes="form-buttons"):
                yield Button("Accept (ctrl+s)", variant="primary", id="accept")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.fetch_map()

    @work(exclusive=True, group="accept-map", exit_on_error=False)
    async def fetch_map(self) -> None:
        maps = await asyncio.to_thread(self.decisions.maps, self.thread_id)
        placement = self.query_one(EntryPlacement)
        placement.offer(maps[0].discussion if maps else None)
        self.query_one(placement.first_field()).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#accept")
    def action_accept(self) -> None:
        placement = self.query_one(EntryPlacement)
        placements: dict[str, Placement] = {}
        try:
            for kind in self.kinds:
                found_target = all(c.details.get("target") for c in self.chosen if c.kind == kind)
                if kind in ("objection", "support") and found_target:
                    placements[kind] = Placement()  # each argues about what the reply answers
                else:
                    placements[kind] = placement.read(PLACED_AS[kind])
        except ValueError as missing:
            self.query_one("#accept-problem", Static).update(
                inert_line(str(missing), style="bold red")
            )
            return
        words = self.query("#words").first(Input).value.strip() if len(self.chosen) == 1 else None
        self.dismiss(Acceptance(placements, words or None))
