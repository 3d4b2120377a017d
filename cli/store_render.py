"""Plain-text renderings of the store's views for the terminal: tree lines, messages, lists."""

from __future__ import annotations

from collections.abc import Sequence

from threadlore.cli.terminal import highlighted, inert, squeeze
from threadlore.db.views import (
    Matches,
    MessageSummary,
    MessageView,
    PatchView,
    PersonSummary,
    ThreadSummary,
    TreeRow,
)
from threadlore.tui.dates import minute
from threadlore.tui.text import plural
from threadlore.tui.tree_art import tree_prefix


def author_text(message: MessageSummary) -> str:
    """The author, with the confidence when it was inferred rather than read."""
    name = inert(message.author or "?")
    if message.author_confidence is not None:
        return f"{name} (inferred {message.author_confidence:.0%})"
    return name


def tree_line(row: TreeRow, parent_subject: str | None, width: int, *, narrow: bool = False) -> str:
    """One row of `threadlore tree`, fitted to `width`: the date and id stay whole; the art (one
    column a level when `narrow`, as the UI draws a deep thread) keeps the levels nearest the
    message, and a reply's subject (shown only when it changed) and then its author give way."""
    message = row.message
    when, tail = f"{minute(message.date):16}  ", f"  <{inert(message.id)}>"
    if row.placeholder:
        return f"{when}{tree_prefix(row, width - len(when) - len(tail), narrow=narrow)}" + (
            f"[not seen: {inert(message.id)}]"
        )
    marker = "P " if message.has_patch else "  "
    author = author_text(message)
    room = width - len(when) - len(marker) - len(tail)
    art = tree_prefix(row, max(room - len(author), room // 3), narrow=narrow)
    author = squeeze(author, room - len(art))
    head = f"{when}{art}{marker}{author}"
    from threadlore.importers.subjects import strip_reply_markers  # not for a search (issue 15)

    subject = strip_reply_markers(message.subject)
    if parent_subject is not None and subject == strip_reply_markers(parent_subject):
        return head + tail
    room_for_subject = width - len(head) - len(tail) - 2
    if room_for_subject < 8:
        return head + tail
    return f"{head}: {squeeze(inert(subject), room_for_subject)}{tail}"


def thread_lines(threads: Sequence[ThreadSummary], width: int) -> list[str]:
    """The rows of `threadlore threads` in one shape for the whole list, as `ls -l` keeps its
    columns: subject, counts and dates when every row fits in `width`, else for every row the
    newest day, the counts and as much of the subject as fits after them."""
    whole = [_whole_thread_line(thread) for thread in threads]
    if all(len(line) <= width for line in whole):
        return whole
    return [_compact_thread_line(thread, width) for thread in threads]


def _whole_thread_line(thread: ThreadSummary) -> str:
    people = plural(len(thread.people), "person", "people")
    counts = f"{plural(thread.messages, 'message')}, {people}"
    return (
        f"{thread.id:>5}  {inert(thread.subject)}  "
        f"({counts}, {minute(thread.first)} .. {minute(thread.last)} UTC)"
    )


def _compact_thread_line(thread: ThreadSummary, width: int) -> str:
    day = f"{thread.last:%Y-%m-%d}" if thread.last else "?"
    head = f"{thread.id:>5}  {day}  {thread.messages:>4} msg {len(thread.people):>3} ppl  "
    return head + squeeze(inert(thread.subject), width - len(head))


def search_hit(
    message: MessageSummary, matches: Matches | None, *, colour: bool, width: int
) -> str:
    """A hit of `threadlore search`: its line and, when `matches` are known, a second line with
    its snippet, each fitted to `width`; with `colour` (a terminal), the words the query matched
    in reverse video."""
    marker = "P" if message.has_patch else " "
    tail = f"  <{inert(message.id)}>"
    author = squeeze(author_text(message), width - 20 - len(tail) - 12)
    head = f"{minute(message.date):16} {marker} {author}: "
    room = width - len(head) - len(tail)
    subject = _fitted_highlight(message.subject, matches.subject if matches else (), room, colour)
    line = head + subject + tail
    if matches is None or not matches.snippet.text:
        return line
    snippet = matches.snippet
    return f"{line}\n{'':18}{_fitted_highlight(snippet.text, snippet.spans, width - 18, colour)}"


def _fitted_highlight(
    text: str, spans: tuple[tuple[int, int], ...], room: int, colour: bool
) -> str:
    """`text` cut to `room` (spans past the cut dropped), then inert and highlighted."""
    if len(text) > room:
        text = squeeze(text, room)
        spans = tuple((start, end) for start, end in spans if end < room)
    return highlighted(text, spans, colour=colour)


def person_line(person: PersonSummary) -> str:
    """One row of `threadlore people`: name, messages, other names and addresses."""
    others = person.other_names
    shown = f"  ({', '.join(inert(a) for a in others)})" if others else ""
    return f"{person.messages:>6}  {inert(person.name)}{shown}"


def _patch_lines(patch: PatchView) -> list[str]:
    lines = [
        f"Patch: {plural(len(patch.files), 'file')}, "
        f"+{patch.added} -{patch.removed}"
        + (f", series {patch.series}" if patch.series else "")
        + (" (cut off by the archive)" if patch.truncated else "")
    ]
    lines += [f"  {inert(f.path)} | +{f.added} -{f.removed}" for f in patch.files]
    lines += [f"  revises <{inert(m)}>" for m in patch.revises]
    lines += [f"  revised by <{inert(m)}>" for m in patch.revised_by]
    return lines


def message_text(view: MessageView) -> str:
    """`threadlore show`: headers, inferences, place in the thread, body, patches."""
    summary = view.summary
    author = author_text(summary)
    if view.author_email:
        author += f" <{inert(view.author_email)}>"
    lines = [
        f"Message: <{inert(summary.id)}>",
        f"From: {author}",
        f"Date: {summary.date.isoformat() if summary.date else '?'}",
        f"Subject: {inert(summary.subject)}",
    ]
    lines += [f"To: {', '.join(inert(a) for a in view.to)}"] if view.to else []
    lines += [f"Cc: {', '.join(inert(a) for a in view.cc)}"] if view.cc else []
    lines.append(f"Source: {inert(view.source)}, message {summary.position}")
    lines.append(f"Thread: {summary.thread}")
    lines.append(f"Parent: <{inert(summary.parent)}>" if summary.parent else "Parent: (none)")
    lines += [f"Reply: <{inert(child)}>" for child in view.children]
    for note in view.corrections:
        lines.append(
            f"Corrected {note.field}: {inert(note.value) or '(none)'}, by {inert(note.by)} on "
            f"{note.at:%Y-%m-%d %H:%M} UTC (was {inert(note.replaced) or '(none)'})"
        )
    for inference in view.inferences:
        lines.append(
            f"Inferred {inference.field}: {inert(inference.value)} "
            f"({inference.confidence:.0%}): {'; '.join(inert(e) for e in inference.evidence)}"
        )
    for patch in view.patches:
        lines += _patch_lines(patch)
    lines += [f"{inert(key)}: {inert(value)}" for key, value in view.trailers]
    lines += ["", inert(view.body, multiline=True).rstrip("\n")]
    return "\n".join(lines)
