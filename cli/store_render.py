"""Plain-text renderings of the store's views for the terminal: tree lines, messages, lists."""

from __future__ import annotations

from threadlore.cli.terminal import highlighted, inert
from threadlore.db.views import (
    Matches,
    MessageSummary,
    MessageView,
    PatchView,
    PersonSummary,
    ThreadSummary,
    TreeRow,
    bare_subject,
)
from threadlore.tui.dates import minute
from threadlore.tui.tree_art import tree_prefix


def plural(count: int, one: str, many: str) -> str:
    """`1 message`, `2 messages`."""
    return f"{count} {one if count == 1 else many}"


def author_text(message: MessageSummary) -> str:
    """The author, with the confidence when it was inferred rather than read."""
    name = inert(message.author or "?")
    if message.author_confidence is not None:
        return f"{name} (inferred {message.author_confidence:.0%})"
    return name


def tree_line(row: TreeRow, parent_subject: str | None) -> str:
    """One row of `threadlore tree`; a reply's subject is shown only when it changed."""
    message = row.message
    if row.placeholder:
        return f"{'':16}  {tree_prefix(row)}[not seen: {inert(message.id)}]"
    marker = "P " if message.has_patch else "  "
    subject = bare_subject(message.subject)
    changed = parent_subject is None or subject != bare_subject(parent_subject)
    return (
        f"{minute(message.date):16}  {tree_prefix(row)}{marker}{author_text(message)}"
        + (f": {inert(subject)}" if changed else "")
        + f"  <{inert(message.id)}>"
    )


def thread_line(thread: ThreadSummary) -> str:
    """One row of `threadlore threads`."""
    span = f"{minute(thread.first)} .. {minute(thread.last)} UTC"
    people = len(thread.people)
    return (
        f"{thread.id:>5}  {inert(thread.subject)}  "
        f"({plural(thread.messages, 'message', 'messages')}, "
        f"{plural(people, 'person', 'people')}, {span})"
    )


def search_hit(message: MessageSummary, matches: Matches | None, *, colour: bool) -> str:
    """A hit of `threadlore search`: its line and, when `matches` are known, a second line with
    its snippet; with `colour` (a terminal), the words the query matched in reverse video."""
    marker = "P" if message.has_patch else " "
    subject = highlighted(message.subject, matches.subject if matches else (), colour=colour)
    line = (
        f"{minute(message.date):16} {marker} {author_text(message)}: "
        f"{subject}  <{inert(message.id)}>"
    )
    if matches is None or not matches.snippet.text:
        return line
    snippet = matches.snippet
    return f"{line}\n{'':18}{highlighted(snippet.text, snippet.spans, colour=colour)}"


def person_line(person: PersonSummary) -> str:
    """One row of `threadlore people`: name, messages, other names and addresses."""
    others = [a for a in person.aliases if a != person.name]
    shown = f"  ({', '.join(inert(a) for a in others)})" if others else ""
    return f"{person.messages:>6}  {inert(person.name)}{shown}"


def _patch_lines(patch: PatchView) -> list[str]:
    lines = [
        f"Patch: {plural(len(patch.files), 'file', 'files')}, "
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
