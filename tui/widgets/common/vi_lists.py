"""An option list and a data table that also move with `j`/`k` and `g`/`G`, as mutt users expect."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable, OptionList

UP_DOWN: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False),
    Binding("k", "cursor_up", "Up", show=False),
]


class ViOptionList(OptionList):
    """An `OptionList` that `j`/`k` move through and `g`/`G` jump to the first/last of."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *UP_DOWN,
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]


class ViDataTable(DataTable[object]):
    """A row-cursor `DataTable` that `j`/`k` move through and `g`/`G` jump to the top/bottom of."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *UP_DOWN,
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]
