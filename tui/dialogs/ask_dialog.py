"""Ask for one line of text (a new title), with what it is now to start from."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from threadlore.tui.text import inert_plain


class AskDialog(ModalScreen[str | None]):
    """Dismissed with the text typed (`enter`), or None (`escape`)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, answer: str = "") -> None:
        super().__init__()
        self.question = question
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-form", classes="dialog"):
            yield Label(inert_plain(self.question), classes="form-title")
            yield Input(self.answer, id="answer")

    @on(Input.Submitted, "#answer")
    def give_answer(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
