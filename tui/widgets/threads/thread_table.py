"""The thread list as a table that grows a page at a time and fits its columns to its width.

Subject takes what the other columns leave; at 80 columns the first date goes (the last one
stays: threads are listed by it) and the people column narrows to a name or two and `+N`.
"""

from __future__ import annotations

from rich.text import Text

from threadlore.db.views import ThreadSummary
from threadlore.tui.dates import day
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.common.vi_lists import ViDataTable

PEOPLE_WIDTH = 30
DATE_WIDTH = 10
COUNT_WIDTH = 5
MIN_SUBJECT = 24
SHOW_FIRST_FROM = 110  # table widths from which the first date has a column


def column_widths(width: int) -> dict[str, int]:
    """Each column's width (without cell padding) for a table `width` columns wide."""
    padding = 2  # a cell's padding, one column either side
    people = max(12, min(PEOPLE_WIDTH, width // 4))
    widths = {"messages": COUNT_WIDTH, "people": people, "last": DATE_WIDTH}
    widths["first"] = DATE_WIDTH if width >= SHOW_FIRST_FROM else 0
    # every column keeps its padding, the hidden first date's too; then the subject's and the
    # scrollbar's (without the hidden column's two, a long list's scrollbar cut the last date)
    used = sum(w + padding for w in widths.values()) + padding + 2
    widths["subject"] = max(MIN_SUBJECT, width - used)
    return widths


def people_label(people: tuple[str, ...], width: int = PEOPLE_WIDTH) -> Text:
    """As many names as fit, then `+N` for the rest."""
    shown: list[str] = []
    for index, name in enumerate(people):
        rest = len(people) - index - 1
        candidate = ", ".join([*shown, name]) + (f" +{rest}" if rest else "")
        if len(candidate) > width and shown:
            break
        shown.append(name)
    label = ", ".join(shown)
    hidden = len(people) - len(shown)
    suffix = f" +{hidden}" if hidden else ""
    return inert_line(label[: width - len(suffix)] + suffix)


class ThreadTable(ViDataTable):
    """Threads as rows keyed by thread id; `loaded`/`total` tell the screen when to fetch more."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.total = 0
        self.threads: list[ThreadSummary] = []
        self._widths = column_widths(120)

    def on_mount(self) -> None:
        self._widths = column_widths(self.size.width or 120)
        self.add_column("Subject", width=self._widths["subject"], key="subject")
        self.add_column("Msgs", width=COUNT_WIDTH, key="messages")
        self.add_column("People", width=self._widths["people"], key="people")
        self.add_column("First", width=self._widths["first"], key="first")
        self.add_column("Last", width=DATE_WIDTH, key="last")

    def on_resize(self) -> None:
        widths = column_widths(self.size.width)
        if widths == self._widths:
            return
        people_changed = widths["people"] != self._widths["people"]
        self._widths = widths
        for key, column in self.columns.items():
            column.width = widths[str(key.value)]
        if people_changed:
            for thread in self.threads:
                self.update_cell(
                    str(thread.id), "people", people_label(thread.people, widths["people"])
                )
        self._require_update_dimensions = True  # DataTable has no public way to resize a column
        self.refresh()

    @property
    def loaded(self) -> int:
        """How many threads are in the table so far."""
        return self.row_count

    def needs_more(self, margin: int) -> bool:
        """Whether the cursor is within `margin` rows of the end of what is loaded."""
        return self.loaded < self.total and self.cursor_row >= self.loaded - margin

    def add_threads(self, threads: list[ThreadSummary]) -> None:
        """Append a page of threads, each row keyed by its thread id."""
        self.threads.extend(threads)
        for thread in threads:
            self.add_row(
                inert_line(thread.subject or "(no subject)"),
                Text(str(thread.messages), justify="right"),
                people_label(thread.people, self._widths["people"]),
                day(thread.first),
                day(thread.last),
                key=str(thread.id),
            )

    def reset(self, total: int) -> None:
        """Empty the table before the first page of a new listing of `total` threads."""
        self.clear()
        self.threads = []
        self.total = total
