"""The people in the store and a drawn timeline of who wrote when."""

from __future__ import annotations

import asyncio
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Header

from threadlore.db.views import PersonSummary
from threadlore.tui.data_source import StoreReader
from threadlore.tui.dates import day
from threadlore.tui.messages import PeopleFetched
from threadlore.tui.screens.store_screen import StoreScreen
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.common.key_hints import KeyHints
from threadlore.tui.widgets.common.vi_lists import ViDataTable
from threadlore.tui.widgets.people.timeline import Timeline


class PeopleScreen(StoreScreen):
    """People (aliases merged) with their counts above a per-person timeline of messages per day."""

    def __init__(self, store: StoreReader) -> None:
        super().__init__(store)
        self._name_of: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield ViDataTable(id="people-table", cursor_type="row", zebra_stripes=True)
        yield Timeline(id="timeline")
        yield KeyHints()

    def on_mount(self) -> None:
        self.title = "People"
        table = self.query_one("#people-table", ViDataTable)
        table.add_column("Name", width=28)
        table.add_column("Msgs", width=5)
        table.add_column("First", width=10)
        table.add_column("Last", width=10)
        table.add_column("Also known as")
        self.fetch_people()

    @work(exclusive=True, group="people", exit_on_error=False)
    async def fetch_people(self) -> None:
        """Load the people and the per-day counts in two queries."""
        people = await asyncio.to_thread(self.store.list_people)
        per_day = await asyncio.to_thread(self.store.messages_per_day)
        self.show_people(people, per_day)
        self.post_message(PeopleFetched(people))

    def show_people(
        self, people: list[PersonSummary], per_day: list[tuple[date, str, int]]
    ) -> None:
        """Fill the table and draw the timeline."""
        table = self.query_one("#people-table", ViDataTable)
        table.clear()
        for person in people:
            name = inert_line(person.name + (" (list)" if person.is_list else ""))
            aliases = inert_line(", ".join(person.other_names))
            table.add_row(
                name,
                str(person.messages),
                day(person.first),
                day(person.last),
                aliases,
                key=str(person.id),
            )
        self._name_of = {str(person.id): person.name for person in people}
        self.query_one(Timeline).show_counts(per_day)
        self.sub_title = f"{len(people)} {'person' if len(people) == 1 else 'people'}"

    @on(DataTable.RowHighlighted, "#people-table")
    def emphasise_person_in_timeline(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None  # None: an empty table
        self.query_one(Timeline).highlighted = self._name_of.get(key or "")
