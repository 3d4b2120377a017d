"""Messages per day drawn as bars of block characters: one row for everyone, one per person."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from threadlore.tui.text import inert_line

BLOCKS = " ▁▂▃▄▅▆▇█"
LABEL_WIDTH = 22
EVERYONE = "everyone"
NO_MESSAGES = (
    "No dated messages, so no one to draw yet: quit (q) and import some mail "
    "(threadlore import FILE…)."
)


def bucket_counts(
    counts: dict[date, int], first: date, days_per_column: int, columns: int
) -> list[int]:
    """Sum daily counts into `columns` buckets of `days_per_column` days from `first`."""
    buckets = [0] * columns
    for day, count in counts.items():
        column = (day - first).days // days_per_column
        if 0 <= column < columns:
            buckets[column] += count
    return buckets


def bar(buckets: list[int], peak: int) -> str:
    """One row of bars scaled so that `peak` is a full block; any message shows at least `▁`."""
    if peak <= 0:
        return " " * len(buckets)
    top = len(BLOCKS) - 1
    return "".join(
        BLOCKS[max(1, math.ceil(value * top / peak))] if value else BLOCKS[0] for value in buckets
    )


class Timeline(Widget):
    """A drawn timeline of `messages_per_day` rows; the person in `highlighted` is emphasised.

    People are ordered by how much they wrote; as many as fit the height are drawn. Each column
    is one day, or several when the discussion spans more days than the widget is wide.
    """

    highlighted: reactive[str | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.per_day: list[tuple[date, str, int]] = []

    def show_counts(self, per_day: list[tuple[date, str, int]]) -> None:
        """Draw these (day, person, count) rows."""
        self.per_day = per_day
        self.refresh()

    def render(self) -> Text:
        if not self.per_day:
            return Text(NO_MESSAGES, style="dim")
        first = min(day for day, _, _ in self.per_day)
        last = max(day for day, _, _ in self.per_day)
        span = (last - first).days + 1
        columns = max(1, self.size.width - LABEL_WIDTH - 8)
        days_per_column = math.ceil(span / columns)
        columns = math.ceil(span / days_per_column)
        by_person: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        everyone: dict[date, int] = defaultdict(int)
        for day, person, count in self.per_day:
            by_person[person][day] += count
            everyone[day] += count
        people = sorted(by_person, key=lambda p: (-sum(by_person[p].values()), p))
        rows = max(0, self.size.height - 3)
        text = Text(end="")
        total = bucket_counts(everyone, first, days_per_column, columns)
        self._append_row(text, EVERYONE, total, max(total), sum(total), style="bold")
        person_buckets = {
            p: bucket_counts(by_person[p], first, days_per_column, columns) for p in people[:rows]
        }
        peak = max((max(b) for b in person_buckets.values()), default=0)
        for person, buckets in person_buckets.items():
            style = "reverse" if person == self.highlighted else ""
            self._append_row(text, person, buckets, peak, sum(buckets), style=style)
        unit = "day" if days_per_column == 1 else f"{days_per_column} days"
        axis_end = (first + timedelta(days=(columns - 1) * days_per_column)).isoformat()
        gap = max(1, columns - len(first.isoformat()) - len(axis_end))
        text.append("\n" + " " * LABEL_WIDTH + first.isoformat() + " " * gap + axis_end, "dim")
        text.append(f"\n{' ' * LABEL_WIDTH}one column = one {unit}", style="dim")
        return text

    @staticmethod
    def _append_row(
        text: Text, name: str, buckets: list[int], peak: int, count: int, *, style: str
    ) -> None:
        if text:
            text.append("\n")
        text.append_text(inert_line(name[: LABEL_WIDTH - 1].ljust(LABEL_WIDTH), style=style))
        text.append(bar(buckets, peak), style="green")
        text.append(f" {count}", style="dim")
