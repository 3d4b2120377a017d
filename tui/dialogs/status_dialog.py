"""Decide a proposal: its status, a one-line summary, the argument that shows it, and what
superseded it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from threadlore.kb.discussion import DiscussionMap, Proposal, Status
from threadlore.kb.quoting import shorten
from threadlore.tui.text import inert_line, inert_plain


@dataclass(frozen=True)
class StatusChoice:
    """What the dialog decided."""

    status: Status
    summary: str | None
    evidence: tuple[str, ...]
    superseded_by: str | None


class StatusDialog(ModalScreen[StatusChoice | None]):
    """A form over one proposal; dismissed with the choice (`ctrl+s`), or None (`escape`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Decide"),
    ]

    def __init__(self, discussion: DiscussionMap, proposal: Proposal) -> None:
        super().__init__()
        self.discussion = discussion
        self.proposal = proposal

    def compose(self) -> ComposeResult:
        current = self.discussion.status_of(self.proposal.id)
        arguments = self.discussion.arguments_on(self.proposal.id)
        with VerticalScroll(id="status-form", classes="dialog"):
            yield Static(inert_line(f"Decide: {self.proposal.title}"), classes="form-title")
            yield Select(
                [(s.value, s) for s in Status],
                prompt="Status",
                value=current.status if current else Status.PROPOSED,
                allow_blank=False,
                id="status",
            )
            yield Input(current.summary if current else "", placeholder="summary", id="summary")
            yield Label("The argument that shows it (optional)")
            yield Select(
                [(inert_plain(f"{a.by}: {shorten(a.quote.text, 70)}"), a.id) for a in arguments],
                prompt="Evidence",
                id="evidence",
            )
            yield Select(
                [
                    (inert_plain(shorten(p.title, 70)), p.id)
                    for p in self.discussion.proposals()
                    if p.id != self.proposal.id
                ],
                prompt="Superseded by (status superseded)",
                id="superseded-by",
            )
            yield Static(id="status-problem")
            with Horizontal(classes="form-buttons"):
                yield Button("Decide (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        status = self.query_one("#status", Select).value
        assert isinstance(status, Status)
        evidence = self.query_one("#evidence", Select)
        superseded = self.query_one("#superseded-by", Select)
        if status is Status.SUPERSEDED and superseded.is_blank():
            self.query_one("#status-problem", Static).update(
                "A superseded proposal needs what superseded it."
            )
            return
        summary = self.query_one("#summary", Input).value.strip() or None
        self.dismiss(
            StatusChoice(
                status,
                summary,
                () if evidence.is_blank() else (str(evidence.value),),
                None if superseded.is_blank() else str(superseded.value),
            )
        )
