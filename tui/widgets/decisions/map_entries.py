"""What a node of the decisions tree stands for, and the one-line label it shows."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from threadlore.kb.discussion import (
    Argument,
    DiscussionMap,
    Proposal,
    Question,
    Quote,
    Status,
    Topic,
)
from threadlore.kb.outcomes import outcome
from threadlore.tui.text import inert_line

STATUS_STYLES = {
    Status.PROPOSED: "bold",
    Status.ACCEPTED: "bold green",
    Status.REJECTED: "bold red",
    Status.SUPERSEDED: "bold yellow",
    Status.MERGED_LATER: "bold cyan",
}
QUOTE_WIDTH = 70


@dataclass(frozen=True)
class MapEntry:
    """One node: a thread's map, a topic, question, proposal, a source quote, or an argument.

    `relation` is how an argument bears on its parent node: "for" or "against".
    """

    thread_id: int
    discussion: DiscussionMap
    item: DiscussionMap | Topic | Question | Proposal | Argument | Quote
    relation: str | None = None

    @property
    def quote(self) -> Quote | None:
        """The words this node stands on, if it is a quote or an argument."""
        if isinstance(self.item, Argument):
            return self.item.quote
        return self.item if isinstance(self.item, Quote) else None


def status_badge(discussion: DiscussionMap, proposal: Proposal) -> Text:
    """`[accepted]`, `[rejected]` … in the status's colour; `[proposed]` when undecided."""
    found = discussion.status_of(proposal.id)
    status = found.status if found is not None else Status.PROPOSED
    return Text(f"[{status.value}]", style=STATUS_STYLES[status])


def quote_label(quote: Quote) -> Text:
    """A quote's speaker, date and opening words."""
    label = inert_line(quote.by, style="bold")
    label.append(f" {quote.date}: ", style="dim")
    words = " ".join(quote.text.split())
    short = words if len(words) <= QUOTE_WIDTH else words[: QUOTE_WIDTH - 1] + "…"
    label.append_text(inert_line(f"“{short}”", style="italic"))
    return label


def question_badge(discussion: DiscussionMap, question: Question) -> Text:
    """`[accepted]` when a proposal won, `[decided]` when all were turned down, `[open]` else."""
    found = outcome(discussion, question.id)
    won = [d for d in found.decided if d.status in (Status.ACCEPTED, Status.MERGED_LATER)]
    if won:
        return Text(f"[{won[0].status.value}]", style=STATUS_STYLES[won[0].status])
    if found.decided and not found.open:
        return Text("[decided]", style="bold red")
    return Text("[open]", style="bold")


def entry_label(entry: MapEntry) -> Text:
    """The tree line of an entry."""
    item = entry.item
    if isinstance(item, DiscussionMap):
        return inert_line(f"thread {entry.thread_id}: {item.thread.title}", style="bold")
    if isinstance(item, Topic):
        return inert_line(item.title, style="bold")
    if isinstance(item, Question):
        label = question_badge(entry.discussion, item)
        return label.append(" ").append_text(inert_line(f"? {item.title}"))
    if isinstance(item, Proposal):
        label = status_badge(entry.discussion, item)
        label.append(" ")
        label.append_text(inert_line(item.title))
        label.append_text(inert_line(f" — {item.by}", style="dim"))
        return label
    if isinstance(item, Argument):
        mark = Text(
            "+ " if entry.relation == "for" else "− ",
            style="green" if entry.relation == "for" else "red",
        )
        return mark.append_text(quote_label(item.quote))
    return Text("“ ", style="dim").append_text(quote_label(item))
