"""The web archive's dates ("Wednesday, March 7, 2007 - 5:32 am") as timezone-aware timestamps.

The archive prints wall-clock times to the minute with no timezone. threadlore reads them as US
Eastern time (America/New_York, so EST until 2007-03-11 and EDT after), because the thread itself
bounds the zone: Peter Zijlstra's msync patch (sent "Wednesday, March 7, 2007 - 12:58 pm") carries
file timestamps of 17:18 and 17:31 +0100, i.e. 16:31 UTC, and a mail cannot be sent before the
diff in it was written, so the archive's clock runs at least 3h33m behind UTC. US Eastern is the
nearest common zone that satisfies this (the mail then leaves 27 minutes after the last edit,
with "compile tested only so far"); US Pacific would also satisfy it, which is why every date
carries an Inference with confidence below 1 saying so. The zone is a parameter for archives
known to print another zone.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from threadlore.importers.records import Inference, InferredField

ARCHIVE_ZONE = ZoneInfo("America/New_York")
ARCHIVE_DATE = re.compile(
    r"^(?P<weekday>[A-Z][a-z]+day), (?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4})"
    r" - (?P<hour>\d{1,2}):(?P<minute>\d{2}) (?P<half>[ap]m)$"
)
_FORMAT = "%A, %B %d, %Y - %I:%M %p"
DATE_CONFIDENCE = 0.8


def parse_archive_date(text: str, zone: ZoneInfo = ARCHIVE_ZONE) -> datetime:
    """Read an archive date as a timezone-aware datetime in `zone`.

    Raises:
        ValueError: the text is not in the archive's spelling, or its weekday contradicts the date.
    """
    if not ARCHIVE_DATE.match(text.strip()):
        raise ValueError(f"not an archive date: {text!r}")
    naive = datetime.strptime(text.strip(), _FORMAT)
    weekday = text.split(",", 1)[0]
    if naive.strftime("%A") != weekday:
        raise ValueError(f"{text!r}: {naive:%B %d, %Y} is a {naive:%A}, not a {weekday}")
    return naive.replace(tzinfo=zone)


def date_inference(text: str, when: datetime) -> Inference:
    """Why threadlore believes a timestamp: the archive's wall time plus an assumed zone."""
    return Inference(
        field=InferredField.DATE,
        value=when.isoformat(),
        confidence=DATE_CONFIDENCE,
        evidence=(
            f"the archive prints {text!r}: wall-clock time to the minute, no timezone",
            f"read as {when.tzinfo} ({when:%Z}, UTC{when:%z}), the zone assumed for this archive: "
            "dated diffs in the seed thread put its clock at least 3h33m behind UTC",
            "seconds are unknown (set to 0); US Pacific time would also fit the evidence",
        ),
    )
