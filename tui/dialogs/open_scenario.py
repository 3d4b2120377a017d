"""Ask for a scenario file to run: a path typed, or one of the shipped files picked."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from threadlore.kb.vm.workloads import SCENARIOS


def shipped_scenarios() -> list[Path]:
    """The examples first, then the files of the shipped workloads."""
    return sorted((SCENARIOS / "examples").glob("*.scenario")) + sorted(
        SCENARIOS.glob("*.scenario")
    )


class OpenScenario(ModalScreen[Path | None]):
    """`enter` runs the path typed or the file highlighted; `escape` cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Run a scenario file (its format: kb/vm/README.md)", id="scenario-hint")
            yield Input(placeholder="path/to/file.scenario", id="scenario-path")
            yield OptionList(
                *(Option(path.name, id=str(path)) for path in shipped_scenarios()),
                id="scenario-files",
            )

    def on_mount(self) -> None:
        self.query_one("#scenario-path", Input).focus()

    @on(Input.Submitted, "#scenario-path")
    def typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(Path(event.value.strip()).expanduser())
        else:
            self.query_one("#scenario-files", OptionList).focus()

    @on(OptionList.OptionSelected, "#scenario-files")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(Path(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
