"""A thread's reply tree as a list: one line per message, the cursor on the message shown."""

from __future__ import annotations

from textual.widgets.option_list import Option

from threadlore.db.views import TreeRow
from threadlore.tui.widgets.common.vi_lists import ViOptionList
from threadlore.tui.widgets.thread.tree_art import tree_row_label


class ReplyTree(ViOptionList):
    """The tree of one thread, built once from `thread_tree`'s rows; option ids are message ids."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[TreeRow] = []
        self._index_of: dict[str, int] = {}

    def show_rows(self, rows: list[TreeRow]) -> None:
        """Replace the tree with `rows` (display order) and put the cursor on the first message."""
        self.rows = rows
        self._index_of = {row.message.id: index for index, row in enumerate(rows)}
        subject_of = {row.message.id: row.message.subject for row in rows}
        options = [
            Option(
                tree_row_label(row, subject_of.get(row.message.parent or "")),
                id=row.message.id,
                disabled=row.placeholder,
            )
            for row in rows
        ]
        self.set_options(options)
        first = next((i for i, row in enumerate(rows) if not row.placeholder), None)
        self.highlighted = first

    def current_row(self) -> TreeRow | None:
        """The row under the cursor, if any."""
        if self.highlighted is None or not self.rows:
            return None
        return self.rows[self.highlighted]

    def move_to(self, message_id: str) -> bool:
        """Put the cursor on a message; False when it is not in this thread."""
        index = self._index_of.get(message_id)
        if index is None:
            return False
        self.highlighted = index
        return True

    def move_to_parent(self) -> bool:
        """Put the cursor on the current message's parent; False at a root or a missing parent."""
        row = self.current_row()
        if row is None or row.message.parent is None:
            return False
        index = self._index_of.get(row.message.parent)
        if index is None or self.rows[index].placeholder:
            return False
        self.highlighted = index
        return True
