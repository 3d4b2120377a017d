"""A decisions-map entry in full: who, when, the whole quote, the status and its history."""

from __future__ import annotations

from rich.text import Text

from threadlore.kb.discussion import Argument, DiscussionMap, Proposal, Question, Quote, Topic
from threadlore.kb.outcomes import outcome, timeline
from threadlore.kb.quoting import shorten
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
            if discussion.kind_of(reason) == "argument":
                quote = discussion.argument(reason).quote
                text.append("\n  • ")
                text.append_text(inert_line(f"{quote.by}, {quote.date}: ", style="bold"))
                text.append_text(inert_line(f"“{shorten(quote.text, 100)}”", style="italic"))
        if status.superseded_by and discussion.kind_of(status.superseded_by) == "proposal":
            later = discussion.proposal(status.superseded_by)
            text.append_text(inert_line(f"\nsuperseded by: {later.title} ({later.by})"))
        for event in status.later:
            text.append("\nlater: ", style="bold")
            text.append_text(inert_line(event.describe()))
        if status.recorded is not None:
            text.append_text(
                inert_line(f"\ndecided on the map by {status.recorded.describe()}", style="dim")
            )
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
    if proposal.recorded is not None:
        text.append_text(inert_line(f"\nrecorded by {proposal.recorded.describe()}", style="dim"))
    return text


VERB_STYLES = {"proposes": "bold", "supports": "green", "objects": "red", "decides": "cyan"}


def question_text(entry: MapEntry, question: Question) -> Text:
    """The outcome first (what, by whom, when, later), then every step of how it got there."""
    discussion = entry.discussion
    found = outcome(discussion, question.id)
    text = inert_line(question.title, style="bold")
    text.append("\noutcome: ", style="bold")
    text.append_text(inert_line(found.headline()))
    for decided in found.decided[1:]:
        text.append("\n  • ")
        text.append_text(inert_line(decided.describe()))
    for still_open in found.open:
        text.append("\n  • open: ")
        text.append_text(inert_line(f"{still_open.title} ({still_open.by})"))
    text.append("\n\nhow it converged:", style="bold")
    for step in timeline(discussion, question.id):
        text.append(f"\n{step.date or '—':16} ", style="dim")
        text.append_text(inert_line(f"{step.by} "))
        text.append(step.verb, style=VERB_STYLES[step.verb])
        text.append(" ")
        text.append_text(inert_line(shorten(step.words, 90), style="italic"))
    return text


def map_text(entry: MapEntry, discussion: DiscussionMap) -> Text:
    """A thread's map in numbers, and what its questions came to."""
    text = inert_line(discussion.thread.title, style="bold")
    proposals = sum(1 for _ in discussion.proposals())
    text.append(
        f"\nthread {entry.thread_id}: {len(discussion.questions)} questions, {proposals} "
        f"proposals, {len(discussion.arguments)} arguments",
        style="dim",
    )
    for question in discussion.questions:
        text.append("\n• ")
        text.append_text(
            inert_line(f"{question.title} — {outcome(discussion, question.id).headline()}")
        )
    return text


def entry_text(entry: MapEntry) -> Text:
    """What the detail pane shows for any entry."""
    item = entry.item
    if isinstance(item, Topic):
        text = inert_line(item.title, style="bold")
        questions = [q for q in entry.discussion.questions if q.topic_id == item.id]
        text.append(f"\n{len(questions)} questions", style="dim")
        return text
    if isinstance(item, DiscussionMap):
        return map_text(entry, item)
    if isinstance(item, Question):
        return question_text(entry, item)
    if isinstance(item, Proposal):
        return proposal_text(entry, item)
    if isinstance(item, Argument):
        relation = "For" if entry.relation == "for" else "Against"
        text = Text(f"{relation}\n", style="bold green" if entry.relation == "for" else "bold red")
        text.append_text(quote_text(item.quote))
        if item.about is not None:
            text.append("\n\nclaims about the model: ", style="bold")
            text.append_text(inert_line(item.about.describe()))
        if item.recorded is not None:
            text.append_text(inert_line(f"\nrecorded by {item.recorded.describe()}", style="dim"))
        return text
    return quote_text(item)
