"""What the decisions maps anchor in one message: the proposals made and arguments given in it."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rich.text import Text

from threadlore.kb.discussion import DiscussionMap
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.decisions.map_entries import status_badge

if TYPE_CHECKING:
    from threadlore.kb.discussion import StoredMap

Anchor = tuple[DiscussionMap, str]  # a map and the id of its entry quoting the message


def index_anchors(maps: list[StoredMap]) -> dict[str, list[Anchor]]:
    """Message id → the map entries (proposals, arguments) whose quotes come from it."""
    anchors: dict[str, list[Anchor]] = defaultdict(list)
    for stored in maps:
        for entry_id, quote in stored.discussion.quotes():
            if quote.message_id is not None:
                pair = (stored.discussion, entry_id)
                if pair not in anchors[quote.message_id]:
                    anchors[quote.message_id].append(pair)
    return dict(anchors)


def _title(discussion: DiscussionMap, entry_id: str) -> str:
    kind = discussion.kind_of(entry_id)
    if kind == "proposal":
        return discussion.proposal(entry_id).title
    if kind == "argument":
        return f"{discussion.argument(entry_id).by}'s argument"
    return entry_id


def anchored_text(anchors: list[Anchor]) -> Text:
    """One line per anchored entry: a proposal with its status, an argument with its targets."""
    text = Text(end="")
    for discussion, entry_id in anchors:
        if text:
            text.append("\n")
        if discussion.kind_of(entry_id) == "proposal":
            proposal = discussion.proposal(entry_id)
            text.append("proposes ", style="bold")
            text.append_text(status_badge(discussion, proposal))
            text.append(" ")
            text.append_text(inert_line(proposal.title))
            continue
        argument = discussion.argument(entry_id)
        for relation, targets, style in (
            ("for", argument.supports, "green"),
            ("against", argument.attacks, "red"),
        ):
            for target in targets:
                text.append(f"argues {relation} ", style=f"bold {style}")
                text.append_text(inert_line(_title(discussion, target)))
                text.append(": ")
                text.append_text(inert_line(f"“{argument.quote.text}”", style="italic"))
                text.append("\n")
        text.rstrip()
    return text
