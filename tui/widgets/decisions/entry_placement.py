"""Where a new map entry goes: under which question, about which entry, with which status.

The same fields serve recording words from a message and accepting extracted candidates; each
kind of entry shows only the fields it needs (a proposal its question, an argument its target,
a decision its proposal and status).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select

from threadlore.kb.discussion import DiscussionMap, Status
from threadlore.kb.quoting import shorten
from threadlore.tui.text import inert_plain

NEW_QUESTION = "\0new"
KINDS = ("proposal", "for", "against", "decision")
FIELDS_OF = {
    "proposal": ("#question", "#new-question", "#topic", "#title"),
    "for": ("#target",),
    "against": ("#target",),
    "decision": ("#proposal", "#status", "#summary"),
}


@dataclass(frozen=True)
class Placement:
    """What the form says about the new entry."""

    question: str | None = None  # an id or a new question's title
    topic: str | None = None
    title: str | None = None
    target: str | None = None
    proposal: str | None = None
    status: Status | None = None
    summary: str | None = None


def _targets(discussion: DiscussionMap) -> list[tuple[str, str]]:
    """What an argument can be about: every proposal, then every argument, by their words."""
    found = [(f"proposal: {shorten(p.title, 60)}", p.id) for p in discussion.proposals()]
    found += [(f"{a.by}: {shorten(a.quote.text, 60)}", a.id) for a in discussion.arguments]
    return [(inert_plain(label), value) for label, value in found]


class EntryPlacement(Vertical):
    """The fields; `offer` fills the choices from the thread's map, `read` checks them."""

    def __init__(self, *kinds: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kinds: tuple[str, ...] = kinds or ("proposal",)
        self.kind = self.kinds[0]

    def compose(self) -> ComposeResult:
        yield Select[str]([], prompt="Question", id="question")
        yield Input(placeholder="the new question", id="new-question")
        yield Input(placeholder="its topic (default: the map's first)", id="topic")
        yield Input(placeholder="a title (default: the words, shortened)", id="title")
        yield Select[str]([], prompt="It argues about…", id="target")
        yield Select[str]([], prompt="The proposal decided", id="proposal")
        yield Select[str]([(s.value, s.value) for s in Status], prompt="Status", id="status")
        yield Input(placeholder="summary: what was decided and why", id="summary")

    def on_mount(self) -> None:
        self.offer(None)

    def offer(self, discussion: DiscussionMap | None) -> None:
        """Fill the choices from the thread's map (None: no map yet, only new questions)."""
        questions: list[tuple[str, str]] = []
        if discussion is not None:
            questions = [(inert_plain(q.title), q.id) for q in discussion.questions]
            self.query_one("#target", Select).set_options(_targets(discussion))
            self.query_one("#proposal", Select).set_options(
                [(inert_plain(p.title), p.id) for p in discussion.proposals()]
            )
        question = self.query_one("#question", Select)
        question.set_options([*questions, ("New question…", NEW_QUESTION)])
        if not questions:
            question.value = NEW_QUESTION
        self.show_for(*self.kinds)

    def show_for(self, *kinds: str) -> None:
        """Show the fields these kinds of entry need (the first is the one being made)."""
        self.kind, self.kinds = kinds[0], kinds
        wanted = {f for kind in kinds for f in FIELDS_OF[kind]}
        if self.query_one("#question", Select).value != NEW_QUESTION:
            wanted -= {"#new-question", "#topic"}
        for selector in {f for fields in FIELDS_OF.values() for f in fields}:
            self.query_one(selector).display = selector in wanted

    def first_field(self) -> str:
        return FIELDS_OF[self.kind][0]

    @on(Select.Changed, "#question")
    def show_new_question_fields(self) -> None:
        self.show_for(*self.kinds)

    def _value(self, selector: str) -> str | None:
        widget = self.query_one(selector)
        if isinstance(widget, Select):
            return None if widget.is_blank() else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value.strip() or None

    def read(self, kind: str) -> Placement:
        """What the fields say for an entry of `kind`; ValueError says what is missing."""
        if kind == "proposal":
            question = self._value("#question")
            if question in (None, NEW_QUESTION):
                question = self._value("#new-question")
            if question is None:
                raise ValueError("Choose a question, or give the new one a title.")
            return Placement(
                question=question, topic=self._value("#topic"), title=self._value("#title")
            )
        if kind in ("for", "against"):
            target = self._value("#target")
            if target is None:
                raise ValueError("Choose what the argument is about.")
            return Placement(target=target)
        proposal, status = self._value("#proposal"), self._value("#status")
        if proposal is None or status is None:
            raise ValueError("Choose the proposal and its status.")
        return Placement(proposal=proposal, status=Status(status), summary=self._value("#summary"))
