"""Record what a message says on its thread's map: pick its own words, say what they are.

The words are one of the message's own sentences (quoted text is never offered), or a part of
one typed over it; the store checks them verbatim. From the sentence list one key says what the
words are — `p` a proposal, `+` an argument for, `-` an argument against, `d` a decision — and
the form asks only what that kind needs. `ctrl+s` records, `escape` leaves without recording.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from threadlore.db.views import MessageView
from threadlore.kb.discussion import DiscussionMap
from threadlore.kb.extract.sentences import read_message
from threadlore.tui.dates import minute
from threadlore.tui.decision_source import ChangeRefused, DecisionSource
from threadlore.tui.text import inert_line, inert_plain
from threadlore.tui.widgets.decisions.entry_placement import KINDS, EntryPlacement, Placement

KIND_LABELS = ("Proposal", "Argument for", "Argument against", "Decision")


class SentenceList(OptionList):
    """The message's own sentences; a key picks the highlighted one and says what it is."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("p", "screen.pick('proposal')", "Proposal"),
        Binding("plus", "screen.pick('for')", "For"),
        Binding("minus", "screen.pick('against')", "Against"),
        Binding("d", "screen.pick('decision')", "Decision"),
    ]


class RecordDialog(ModalScreen[str | None]):
    """A form over one message; dismissed with the new entry's id, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "record", "Record"),
    ]

    def __init__(self, decisions: DecisionSource, message: MessageView) -> None:
        super().__init__()
        self.decisions = decisions
        self.message = message
        # the sentences extraction reads: own words, no quotes, greetings, signatures or diffs
        read = read_message(message.body, message.summary.author)
        self.sentences = [sentence.text for sentence in read.sentences]
        self.discussion: DiscussionMap | None = None

    @property
    def thread_id(self) -> int:
        assert self.message.summary.thread is not None
        return self.message.summary.thread

    def compose(self) -> ComposeResult:
        summary = self.message.summary
        when = minute(summary.date)
        with VerticalScroll(id="record-form"):
            yield Static(
                inert_line(f"Add to the map: words of {summary.author or '?'}, {when}"),
                classes="form-title",
            )
            yield Label("Pick a sentence, then p proposal · + for · - against · d decision")
            yield SentenceList(*(Option(inert_plain(s)) for s in self.sentences), id="sentences")
            yield Input(placeholder="the message's own words, verbatim", id="words")
            with RadioSet(id="kind"):
                for i, label in enumerate(KIND_LABELS):
                    yield RadioButton(label, value=i == 0)
            yield EntryPlacement(id="placement")
            yield Static(id="record-problem")
            with Horizontal(classes="form-buttons"):
                yield Button("Record (ctrl+s)", variant="primary", id="record")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        if not self.sentences:
            self.query_one("#record-problem", Static).update(
                "This message has no words of its own to record (only quoted text)."
            )
        self.query_one(SentenceList).focus()
        self.fetch_map()

    @work(exclusive=True, group="record-map", exit_on_error=False)
    async def fetch_map(self) -> None:
        """The thread's map, for the questions and targets the form offers."""
        maps = await asyncio.to_thread(self.decisions.maps, self.thread_id)
        self.discussion = maps[0].discussion if maps else None
        self.query_one(EntryPlacement).offer(self.discussion)

    @on(OptionList.OptionHighlighted, "#sentences")
    def copy_highlighted_sentence(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#words", Input).value = self.sentences[event.option_index]

    def action_pick(self, kind: str) -> None:
        """Say what the picked words are, and move on to what that kind needs."""
        buttons = list(self.query_one(RadioSet).query(RadioButton))
        buttons[KINDS.index(kind)].value = True
        placement = self.query_one(EntryPlacement)
        placement.show_for(kind)
        self.query_one(placement.first_field()).focus()

    @on(RadioSet.Changed, "#kind")
    def choose_kind(self, event: RadioSet.Changed) -> None:
        self.query_one(EntryPlacement).show_for(KINDS[event.index])

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#record")
    def action_record(self) -> None:
        self.record_entry()

    @work(exclusive=True, group="record", exit_on_error=False)
    async def record_entry(self) -> None:
        """Record in a worker; a refusal stays on the form, in words."""
        problem = self.query_one("#record-problem", Static)
        words = self.query_one("#words", Input).value.strip()
        placement = self.query_one(EntryPlacement)
        try:
            if not words:
                raise ValueError("Pick a sentence first (or type the words).")
            where = placement.read(placement.kind)
            slug = await asyncio.to_thread(self._record, placement.kind, words, where)
        except (ChangeRefused, ValueError) as refused:
            problem.update(inert_line(str(refused), style="bold red"))
            return
        self.dismiss(slug)

    def _record(self, kind: str, words: str, where: Placement) -> str:
        message_id = self.message.summary.id
        if kind == "proposal":
            assert where.question is not None
            return self.decisions.add_proposal(
                self.thread_id,
                message_id,
                words,
                question=where.question,
                topic=where.topic,
                title=where.title,
            )
        if kind in ("for", "against"):
            assert where.target is not None
            relation = "supports" if kind == "for" else "attacks"
            return self.decisions.add_argument(
                self.thread_id, message_id, words, **{relation: [where.target]}
            )
        assert where.proposal is not None and where.status is not None
        self.decisions.set_status(
            self.thread_id,
            where.proposal,
            where.status,
            summary=where.summary,
            evidence_quote=(message_id, words),
        )
        return where.proposal
