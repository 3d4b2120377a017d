"""The thread list as a table that grows a page at a time as the cursor nears its end."""

from __future__ import annotations

from rich.text import Text

from threadlore.db.views import ThreadSummary
from threadlore.tui.text import inert_line
from threadlore.tui.widgets.common.vi_lists import ViDataTable

SUBJECT_WIDTH = 50
PEOPLE_WIDTH = 30


def _day(value: object) -> str:
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else ""


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
    return inert_line(label[:width] + (f" +{hidden}" if hidden else ""))


class ThreadTable(ViDataTable):
    """Threads as rows keyed by thread id; `loaded`/`total` tell the screen when to fetch more."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.total = 0

    def on_mount(self) -> None:
        self.add_column("Subject", width=SUBJECT_WIDTH, key="subject")
        self.add_column("Msgs", width=5, key="messages")
        self.add_column("People", width=PEOPLE_WIDTH + 2, key="people")
        self.add_column("First", width=10, key="first")
        self.add_column("Last", width=10, key="last")

    @property
    def loaded(self) -> int:
        """How many threads are in the table so far."""
        return self.row_count

    def needs_more(self, margin: int) -> bool:
        """Whether the cursor is within `margin` rows of the end of what is loaded."""
        return self.loaded < self.total and self.cursor_row >= self.loaded - margin

    def add_threads(self, threads: list[ThreadSummary]) -> None:
        """Append a page of threads, each row keyed by its thread id."""
        for thread in threads:
            self.add_row(
                inert_line(thread.subject or "(no subject)")[:SUBJECT_WIDTH],
                Text(str(thread.messages), justify="right"),
                people_label(thread.people),
                _day(thread.first),
                _day(thread.last),
                key=str(thread.id),
            )

    def reset(self, total: int) -> None:
        """Empty the table before the first page of a new listing of `total` threads."""
        self.clear()
        self.total = total
