"""How the CLI and the UI print a date: one format per use, in the offset the sender wrote.

Dates come from the store already in the sender's own offset (`MessageSummary.date`) or in UTC
(thread and person summaries); nothing here converts them, so the same message shows the same
time in `threadlore tree`, the UI's index and its pager.
"""

from __future__ import annotations

from datetime import datetime

UNKNOWN = "?"


def minute(when: datetime | None) -> str:
    """`2007-02-21 00:49`: a message in a list (search hits, `threadlore tree`)."""
    return when.strftime("%Y-%m-%d %H:%M") if when else UNKNOWN


def day(when: datetime | None) -> str:
    """`2007-02-21`: the first and last days of a thread or a person."""
    return when.strftime("%Y-%m-%d") if when else ""


def month_day_minute(when: datetime | None) -> str:
    """`02-21 00:49`: a reply in a thread's index, where the year is the thread's."""
    return when.strftime("%m-%d %H:%M") if when else " " * 11


def header_date(when: datetime | None) -> str:
    """`Wed, 21 Feb 2007 00:49 -0500`: the Date header in the pager."""
    return when.strftime("%a, %d %b %Y %H:%M %z").strip() if when else UNKNOWN
