"""The web archive's dates ("Wednesday, March 7, 2007 - 5:32 am") and the clock they were read on.

The archive prints wall-clock times to the minute with no timezone, so the clock is a property of
the source: a fixed offset or a named zone (`threadlore import --archive-tz`). The default is what
the seed's own archive shows: one fixed offset, UTC−4, all year. Two of its messages are kept with
their real headers in the list's public archives: patch 4/6 was sent at 05:50:17 +0100 (04:50 UTC)
and is printed "Wednesday, February 21, 2007 - 12:50 am"; Andrew Morton's review was sent at 22:51
−0800 (06:51 UTC) and is printed "March 7, 2007 - 2:51 am". Both are UTC−4 before US daylight time
began on March 11, which rules out US Eastern time (EST, UTC−5, until then). The thread's dated
diffs agree: Peter Zijlstra's msync patch, printed at 12:58 pm, carries file times of 17:31 +0100
(16:31 UTC), 27 minutes earlier on a UTC−4 clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from threadlore.importers.records import Inference, InferredField

ARCHIVE_DATE = re.compile(
    r"^(?P<weekday>[A-Z][a-z]+day), (?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4})"
    r" - (?P<hour>\d{1,2}):(?P<minute>\d{2}) (?P<half>[ap]m)$"
)
_FORMAT = "%A, %B %d, %Y - %I:%M %p"
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*(?P<sign>[+-−])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$")
DEFAULT_CONFIDENCE = 0.9  # the default clock: read off two real headers of one archive
CHOSEN_CONFIDENCE = 0.95  # a clock the user set for the source


@dataclass(frozen=True)
class ArchiveClock:
    """How one source's wall-clock times map to UTC, and why that clock was chosen.

    `name` is how the clock is written and stored ("UTC-04:00", "Europe/Berlin"); `chosen` says
    the user set it (`--archive-tz`) rather than taking the default.
    """

    name: str
    zone: tzinfo
    chosen: bool = False

    @property
    def reason(self) -> str:
        if self.chosen:
            return f"the source's clock was set to {self.name} (threadlore import --archive-tz)"
        return (
            f"the archive's clock is taken to be {self.name}, the fixed offset it prints all year: "
            "two of its messages with real headers kept elsewhere (patch 4/6, 05:50 +0100, shown "
            "12:50 am; a review sent 22:51 -0800, shown 2:51 am) both read UTC-4 before daylight "
            "time; `--archive-tz` sets another clock for a source"
        )


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"


def fixed_clock(offset: timedelta, *, chosen: bool = False) -> ArchiveClock:
    """A clock a fixed offset from UTC."""
    return ArchiveClock(_offset_name(offset), timezone(offset), chosen)


DEFAULT_CLOCK = fixed_clock(timedelta(hours=-4))


def parse_clock(text: str) -> ArchiveClock:
    """A clock as a user writes it: "UTC-4", "-04:00", "+0530", "UTC", or a zone name.

    Raises:
        ValueError: neither an offset within a day nor a known zone name.
    """
    spelled = text.strip()
    if spelled.upper() in ("UTC", "GMT", "Z"):
        return fixed_clock(timedelta(0), chosen=True)
    if offset := _OFFSET.match(spelled):
        minutes = int(offset["hours"]) * 60 + int(offset["minutes"] or 0)
        if minutes >= 24 * 60:
            raise ValueError(f"{text!r} is not an offset within a day")
        sign = -1 if offset["sign"] in "-−" else 1
        return fixed_clock(timedelta(minutes=sign * minutes), chosen=True)
    try:
        return ArchiveClock(spelled, ZoneInfo(spelled), chosen=True)
    except (ZoneInfoNotFoundError, ValueError) as error:
        problem = f"{text!r} is neither a UTC offset (UTC-4, +05:30) nor a time zone name"
        raise ValueError(problem) from error


def parse_archive_date(text: str, clock: ArchiveClock = DEFAULT_CLOCK) -> datetime:
    """Read an archive date as a timezone-aware datetime on `clock`.

    Raises:
        ValueError: the text is not in the archive's spelling, names a day that does not exist
            (year 0, February 30), or its weekday contradicts the date.
    """
    if not ARCHIVE_DATE.match(text.strip()):
        raise ValueError(f"not an archive date: {text!r}")
    try:
        naive = datetime.strptime(text.strip(), _FORMAT)
    except ValueError as error:
        raise ValueError(f"{text!r} names no real day") from error
    weekday = text.split(",", 1)[0]
    if naive.strftime("%A") != weekday:
        raise ValueError(f"{text!r}: {naive:%B %d, %Y} is a {naive:%A}, not a {weekday}")
    return naive.replace(tzinfo=clock.zone)


def format_archive_date(when: datetime, clock: ArchiveClock = DEFAULT_CLOCK) -> str:
    """A timestamp as the archive prints it on `clock` (the inverse of `parse_archive_date`)."""
    local = when.astimezone(clock.zone)
    hour = local.hour % 12 or 12
    half = "am" if local.hour < 12 else "pm"
    return f"{local:%A, %B} {local.day}, {local.year} - {hour}:{local:%M} {half}"


def date_inference(text: str, when: datetime, clock: ArchiveClock) -> Inference:
    """Why threadlore believes a timestamp: the archive's wall time on the source's clock."""
    return Inference(
        field=InferredField.DATE,
        value=when.isoformat(),
        confidence=CHOSEN_CONFIDENCE if clock.chosen else DEFAULT_CONFIDENCE,
        evidence=(
            f"the archive prints {text!r}: wall-clock time to the minute, no timezone",
            f"read as UTC{when:%z}: {clock.reason}",
            "seconds are unknown (set to 0)",
        ),
    )
