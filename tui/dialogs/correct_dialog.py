"""Correct what threadlore inferred about a message: its author, its parent, its date.

The fields start with today's values; whatever the user changes is recorded as a correction
(who, when, the value it replaced) and wins over inference from then on. `ctrl+z` takes back the
message's newest correction.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from threadlore.db.views import MessageView
from threadlore.kb.discussion import CorrectedField
from threadlore.tui.decision_source import ChangeRefused, DecisionSource
from threadlore.tui.text import inert_line


def _author(message: MessageView) -> str:
    name, email = message.summary.author or "", message.author_email or ""
    return f"{name} <{email}>" if name and email else name or email


class CorrectDialog(ModalScreen[list[str] | None]):
    """A form over one message; dismissed with what changed (one line each), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+z", "undo", "Undo the last correction"),
    ]

    def __init__(self, decisions: DecisionSource, message: MessageView) -> None:
        super().__init__()
        self.decisions = decisions
        self.message = message
        summary = message.summary
        self.before = {
            CorrectedField.AUTHOR: _author(message),
            CorrectedField.PARENT: summary.parent or "",
            CorrectedField.DATE: summary.date.isoformat() if summary.date else "",
        }

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="correct-form"):
            yield Static(inert_line(f"Correct <{self.message.summary.id}>"), classes="form-title")
            for field, hint in (
                (CorrectedField.AUTHOR, 'author: "Name <address>"'),
                (CorrectedField.PARENT, "parent: the Message-ID it replies to (empty: none)"),
                (CorrectedField.DATE, "date: ISO 8601 with its UTC offset"),
            ):
                yield Label(hint)
                yield Input(self.before[field], id=f"correct-{field.value}")
            yield Static(id="correct-problem")
            with Horizontal(classes="form-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Undo last (ctrl+z)", id="undo")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(f"#correct-{CorrectedField.AUTHOR.value}", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        changes = {
            field: value
            for field in CorrectedField
            if (value := self.query_one(f"#correct-{field.value}", Input).value.strip())
            != self.before[field]
        }
        if not changes:
            self.query_one("#correct-problem", Static).update("Nothing changed.")
            return
        self.apply(changes)

    @on(Button.Pressed, "#undo")
    def action_undo(self) -> None:
        self.apply(None)

    @work(exclusive=True, group="correct", exit_on_error=False)
    async def apply(self, changes: dict[CorrectedField, str] | None) -> None:
        """Record the changed fields (or undo the newest correction) in a worker."""
        message_id = self.message.summary.id
        try:
            if changes is None:
                said = [await asyncio.to_thread(self.decisions.undo_correction, message_id)]
            else:
                said = [
                    await asyncio.to_thread(self.decisions.correct, message_id, field, value)
                    for field, value in changes.items()
                ]
        except ChangeRefused as refused:
            self.query_one("#correct-problem", Static).update(
                inert_line(str(refused), style="bold red")
            )
            return
        self.dismiss(said)
