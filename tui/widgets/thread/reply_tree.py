"""A thread's index: one line per message, mutt-style, with sub-threads that collapse.

The rows come once from `thread_tree`; the labels are rebuilt when the width changes (names and
art are fitted to it), when first lines arrive, and when a sub-thread is collapsed (`v`, as
mutt's collapse-thread; `V` every sub-thread under the root).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from threadlore.db.views import TreeRow
from threadlore.tui.widgets.common.vi_lists import ViOptionList
from threadlore.tui.widgets.thread.tree_labels import tree_layout, tree_row_label


class ReplyTree(ViOptionList):
    """The tree of one thread; option ids are message ids."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_collapse", "Collapse", show=False),
        Binding("V", "toggle_collapse_all", "Collapse all", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[TreeRow] = []
        self.openings: dict[str, str] = {}
        self.hits: set[str] = set()
        self.collapsed: set[str] = set()
        self._shown: list[TreeRow] = []
        self._index_of: dict[str, int] = {}
        self._descendants: dict[str, int] = {}  # how many rows follow each one in its sub-thread
        self._parent_of: dict[str, str | None] = {}
        self._width = 0

    def show_rows(self, rows: list[TreeRow]) -> None:
        """Replace the tree with `rows` (display order) and put the cursor on the first message."""
        self.rows = rows
        self.collapsed.clear()
        self._descendants = {}
        self._parent_of = {row.message.id: row.message.parent for row in rows}
        for index, row in enumerate(rows):
            end = index + 1
            while end < len(rows) and rows[end].depth > row.depth:
                end += 1
            self._descendants[row.message.id] = end - index - 1
        self._relabel(keep=None)
        first = next((i for i, row in enumerate(self._shown) if not row.placeholder), None)
        self.highlighted = first

    def show_openings(self, openings: dict[str, str]) -> None:
        """Show each reply's first own line where its subject is left out."""
        self.openings = openings
        self._relabel(keep=self.current_id())

    def show_hits(self, hits: set[str]) -> None:
        """Mark the messages a search matched."""
        self.hits = hits
        self._relabel(keep=self.current_id())

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width and self.rows:
            self._relabel(keep=self.current_id())

    def _relabel(self, keep: str | None) -> None:
        """Rebuild the visible options for the current width, with the cursor on `keep`.

        Moving the cursor to another message than before posts `OptionHighlighted`, so the
        screen shows it; keeping it on the same one posts nothing.
        """
        previous = self.current_id()
        self._width = self.scrollable_content_region.width or 80
        layout = tree_layout(self.rows, self._width)
        subject_of = {row.message.id: row.message.subject for row in self.rows}
        self._shown = []
        options = []
        skip_until = -1
        for index, row in enumerate(self.rows):
            if index <= skip_until:
                continue
            message_id = row.message.id
            hidden = self._descendants[message_id] if message_id in self.collapsed else 0
            skip_until = index + hidden
            self._shown.append(row)
            label = tree_row_label(
                row,
                subject_of.get(row.message.parent or ""),
                layout,
                opening=self.openings.get(message_id, ""),
                hidden=hidden,
                hit=message_id in self.hits,
            )
            options.append(Option(label, id=message_id, disabled=row.placeholder))
        self._index_of = {row.message.id: index for index, row in enumerate(self._shown)}
        with self.prevent(self.OptionHighlighted):
            self.set_options(options)
            if keep is not None and keep == previous:
                self.highlighted = self._index_of[keep]
        if keep is not None and keep != previous:
            self.highlighted = self._index_of[keep]

    def current_row(self) -> TreeRow | None:
        """The row under the cursor, if any."""
        if self.highlighted is None or not self._shown:
            return None
        return self._shown[self.highlighted]

    def current_id(self) -> str | None:
        row = self.current_row()
        return row.message.id if row else None

    def move_to(self, message_id: str) -> bool:
        """Put the cursor on a message, opening the sub-threads it is in; False when it is not
        in this thread."""
        if message_id not in self._parent_of:
            return False
        ancestor = self._parent_of.get(message_id)
        opened = False
        while ancestor is not None:
            if ancestor in self.collapsed:
                self.collapsed.discard(ancestor)
                opened = True
            ancestor = self._parent_of.get(ancestor)
        if opened:
            self._relabel(keep=None)
        self.highlighted = self._index_of[message_id]
        return True

    def move_to_parent(self) -> bool:
        """Put the cursor on the current message's parent; False at a root or a missing parent."""
        row = self.current_row()
        if row is None or row.message.parent is None:
            return False
        index = self._index_of.get(row.message.parent)
        if index is None or self._shown[index].placeholder:
            return False
        self.highlighted = index
        return True

    def move_to_hit(self, step: int) -> str | None:
        """Put the cursor on the next (1) or previous (-1) message in `hits`, in tree order,
        going round the thread; "moved", "wrapped", or None when there are no hits."""
        order = [index for index, row in enumerate(self.rows) if row.message.id in self.hits]
        if not order:
            return None
        current = self.current_id()
        here = next((i for i, row in enumerate(self.rows) if row.message.id == current), -1)
        ahead = [index for index in order if (index - here) * step > 0]
        if ahead:
            target, outcome = (ahead[0] if step > 0 else ahead[-1]), "moved"
        else:
            target, outcome = order[0 if step > 0 else -1], "wrapped"
        self.move_to(self.rows[target].message.id)
        return outcome

    def action_toggle_collapse(self) -> None:
        """Collapse the sub-thread under the cursor (a reply without replies: its parent's)."""
        row = self.current_row()
        if row is None:
            return
        target: str | None = row.message.id
        if target not in self.collapsed and not self._descendants.get(row.message.id):
            target = row.message.parent if row.message.parent in self._index_of else None
        if target is None:
            return
        self.collapsed ^= {target}
        self._relabel(keep=target)

    def action_toggle_collapse_all(self) -> None:
        """Collapse every reply to a root that has replies, or open them all again."""
        tops = {r.message.id for r in self.rows if r.depth == 1 and self._descendants[r.message.id]}
        if tops and tops <= self.collapsed:
            self.collapsed -= tops
        else:
            self.collapsed |= tops
        current = self.current_id()
        self._relabel(keep=self._outermost_collapsed(current) if current else None)

    def _outermost_collapsed(self, message_id: str) -> str:
        """The message itself, or the outermost collapsed sub-thread it is hidden in."""
        shown = message_id
        ancestor = self._parent_of.get(message_id)
        while ancestor is not None:
            if ancestor in self.collapsed:
                shown = ancestor
            ancestor = self._parent_of.get(ancestor)
        return shown
