"""Pick one entry of a list (the proposal candidates are merged into, …)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from threadlore.tui.text import inert_plain


class PickDialog(ModalScreen[str | None]):
    """Dismissed with the id of the option chosen (`enter`), or None (`escape`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, question: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.options = options  # (label, id)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-form", classes="dialog"):
            yield Label(inert_plain(self.question), classes="form-title")
            yield OptionList(
                *(Option(inert_plain(label), id=value) for label, value in self.options),
                id="choices",
            )

    @on(OptionList.OptionSelected, "#choices")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
