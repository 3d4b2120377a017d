"""The decisions map as a tree: topics → questions → proposals → sources and arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from threadlore.tui.widgets.decisions.map_entries import MapEntry, entry_label

if TYPE_CHECKING:
    from threadlore.kb.discussion import StoredMap

ARGUMENT_DEPTH = 4  # replies to replies to …: deep enough for the seed, bounded against cycles


class DecisionTree(Tree[MapEntry]):
    """Every stored map's entries; `enter` is left to the screen (it jumps to a quote)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Decisions", id=id)
        self.show_root = False
        self.auto_expand = False

    def show_maps(self, maps: list[StoredMap]) -> None:
        """Build the tree; with several threads' maps, each starts under its thread's node.

        Topics and questions start open, proposals closed.
        """
        self.clear()
        for stored in maps:
            parent = self.root
            if len(maps) > 1:
                entry = MapEntry(stored.thread_id, stored.discussion, stored.discussion)
                parent = _add(self.root, entry, expand=len(maps) <= 3)
            self._add_map(parent, stored)
        self.root.expand()
        if self.root.children:
            self.move_cursor_to_line(0)

    def _add_map(self, parent: TreeNode[MapEntry], stored: StoredMap) -> None:
        discussion = stored.discussion
        for topic in discussion.topics:
            topic_node = _add(parent, MapEntry(stored.thread_id, discussion, topic), expand=True)
            for question in discussion.questions:
                if question.topic_id != topic.id:
                    continue
                question_entry = MapEntry(stored.thread_id, discussion, question)
                question_node = _add(topic_node, question_entry, expand=True)
                for proposal in question.proposals:
                    proposal_entry = MapEntry(stored.thread_id, discussion, proposal)
                    proposal_node = _add(question_node, proposal_entry)
                    for source in proposal.sources:
                        source_entry = MapEntry(stored.thread_id, discussion, source)
                        _add(proposal_node, source_entry, leaf=True)
                    _add_arguments(proposal_node, proposal_entry, proposal.id, 1)


def _add_arguments(node: TreeNode[MapEntry], near: MapEntry, target: str, depth: int) -> None:
    """Add the arguments on `target` under `node`, and theirs, to ARGUMENT_DEPTH levels."""
    discussion = near.discussion
    for argument in discussion.arguments_on(target):
        relation = "for" if target in argument.supports else "against"
        replies = discussion.arguments_on(argument.id) if depth < ARGUMENT_DEPTH else []
        argument_entry = MapEntry(near.thread_id, discussion, argument, relation)
        child = _add(node, argument_entry, leaf=not replies)
        if replies:
            _add_arguments(child, argument_entry, argument.id, depth + 1)


def _add(
    parent: TreeNode[MapEntry], data: MapEntry, *, expand: bool = False, leaf: bool = False
) -> TreeNode[MapEntry]:
    if leaf:
        return parent.add_leaf(entry_label(data), data=data)
    return parent.add(entry_label(data), data=data, expand=expand)
