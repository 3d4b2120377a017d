"""A decisions-map entry in full: who, when, the whole quote, the status and its history."""

from __future__ import annotations

from rich.text import Text

from threadlore.kb.discussion import Argument, Proposal, Question, Quote, Topic
from threadlore.tui.text import inert_line, inert_text
from threadlore.tui.widgets.decisions.map_entries import MapEntry, status_badge


def quote_text(quote: Quote) -> Text:
    """Speaker (and writer, when someone else wrote the message), date, the quote, its message."""
    text = inert_line(quote.by, style="bold")
    if quote.writer != quote.by:
        text.append_text(inert_line(f" (in a message by {quote.writer})", style="dim"))
    text.append(f"  {quote.date}\n", style="dim")
    text.append_text(inert_text(quote.text, style="italic"))
    if quote.message_id:
        text.append("\nmessage ", style="dim")
        text.append_text(inert_line(quote.message_id))
        text.append("  (enter opens it in its thread)", style="dim")
    else:
        text.append("\n(not found in a stored message)", style="dim")
    return text


def proposal_text(entry: MapEntry, proposal: Proposal) -> Text:
    """Title, status with its summary, evidence and later history, and the model policy."""
    discussion = entry.discussion
    text = status_badge(discussion, proposal)
    text.append(" ")
    text.append_text(inert_line(proposal.title, style="bold"))
    text.append_text(inert_line(f"\nproposed by {proposal.by}", style="dim"))
    status = discussion.status_of(proposal.id)
    if status is not None:
        text.append("\n\n")
        text.append_text(inert_text(status.summary))
        for reason in status.evidence:
            text.append("\n  • ")
            text.append_text(inert_line(reason))
        if status.superseded_by:
            text.append_text(inert_line(f"\nsuperseded by {status.superseded_by}"))
        for event in status.later:
            text.append("\nlater: ", style="bold")
            text.append_text(inert_line(event.describe()))
    text.append("\n\nmodel policy: ", style="bold")
    if proposal.policy:
        text.append_text(inert_line(proposal.policy))
        text.append("  (r replays it)", style="dim")
    else:
        text.append_text(
            inert_line(f"none ({proposal.policy_note or 'not modelled'})", style="dim")
        )
    arguments = discussion.arguments_on(proposal.id)
    backing = sum(proposal.id in a.supports for a in arguments)
    text.append(f"\n{backing} arguments for, {len(arguments) - backing} against", style="dim")
    return text


def entry_text(entry: MapEntry) -> Text:
    """What the detail pane shows for any entry."""
    item = entry.item
    if isinstance(item, Topic):
        text = inert_line(item.title, style="bold")
        questions = [q for q in entry.discussion.questions if q.topic_id == item.id]
        text.append(f"\n{len(questions)} questions", style="dim")
        return text
    if isinstance(item, Question):
        text = inert_line(item.title, style="bold")
        text.append(f"\n{len(item.proposals)} proposals", style="dim")
        return text
    if isinstance(item, Proposal):
        return proposal_text(entry, item)
    if isinstance(item, Argument):
        relation = "For" if entry.relation == "for" else "Against"
        text = Text(f"{relation}\n", style="bold green" if entry.relation == "for" else "bold red")
        text.append_text(quote_text(item.quote))
        if item.about is not None:
            text.append("\n\nclaims about the model: ", style="bold")
            text.append_text(inert_line(item.about.describe()))
        return text
    return quote_text(item)
