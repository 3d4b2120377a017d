"""The clock of an archive-text source: the default, `--archive-tz`, kept by the source, and the
stored messages re-dated when it changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.db.models import Inference, Message, Source
from threadlore.db.models.decision_map import Correction
from threadlore.importers.archive_dates import parse_clock
from threadlore.importers.archive_text import read_archive_text

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"
FIRST = "2007-02-21 00:49"  # the root's wall-clock time, as the archive prints it
LATE = "2007-03-18 19:13"  # message 7's, after US daylight time began


def _stored(store: sessionmaker[Session]) -> tuple[str | None, dict[int, datetime], str]:
    """The source's clock, each message's UTC date by position, the root's date evidence."""
    with store() as session:
        clock = session.scalars(select(Source.clock)).one()
        dates = {p: d for p, d in session.execute(select(Message.position, Message.date_utc))}
        evidence = session.scalars(
            select(Inference.evidence)
            .join(Message, Message.id == Inference.message_id)
            .where(Message.position == 1, Inference.field == "date")
        ).one()
    return clock, {p: d.replace(tzinfo=UTC) for p, d in dates.items() if d}, evidence[1]


def test_the_default_clock_is_utc_minus_4_all_year(store: sessionmaker[Session]) -> None:
    report = import_messages(store, read_archive_text(SEED))
    clock, dates, evidence = _stored(store)
    assert (report.added, clock) == (99, "UTC-04:00")
    assert dates[1] == datetime(2007, 2, 21, 4, 49, tzinfo=UTC)  # 12:49 am at UTC-4
    assert dates[7] == datetime(2007, 3, 18, 23, 13, tzinfo=UTC)
    assert "patch 4/6, 05:50 +0100, shown 12:50 am" in evidence


def test_a_chosen_clock_is_the_sources_and_re_dates_what_is_stored(
    store: sessionmaker[Session],
) -> None:
    import_messages(store, read_archive_text(SEED))
    eastern = parse_clock("America/New_York")
    changed = import_messages(store, read_archive_text(SEED), clock=eastern)
    clock, dates, evidence = _stored(store)
    assert clock == "America/New_York" and changed.added == 0
    assert dates[1] == datetime(2007, 2, 21, 5, 49, tzinfo=UTC)  # EST
    assert dates[7] == datetime(2007, 3, 18, 23, 13, tzinfo=UTC)  # EDT: as before
    assert changed.redated == sum(
        1 for d in dates.values() if d < datetime(2007, 3, 11, tzinfo=UTC)
    )
    assert "--archive-tz" in evidence
    again = import_messages(store, read_archive_text(SEED))  # no clock given: the source's stays
    assert (again.redated, again.added, _stored(store)[0]) == (0, 0, "America/New_York")
    back = import_messages(store, read_archive_text(SEED), clock=parse_clock("UTC-4"))
    assert back.redated == changed.redated and _stored(store)[1][1].hour == 4


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("UTC-4", "UTC-04:00"),
        ("+0530", "UTC+05:30"),
        ("utc", "UTC+00:00"),
        ("Europe/Berlin", "Europe/Berlin"),
    ],
)
def test_clocks_as_users_write_them(written: str, name: str) -> None:
    assert parse_clock(written).name == name


@pytest.mark.parametrize("written", ["Mars/Olympus", "+25:00"])
def test_a_clock_that_is_none_is_a_one_line_error(written: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(written))):
        parse_clock(written)


def test_a_corrected_date_is_not_the_clocks_to_change(store: sessionmaker[Session]) -> None:
    import_messages(store, read_archive_text(SEED))
    with store() as session:
        root = session.scalars(select(Message).where(Message.position == 1)).one()
        root.date_utc = datetime(2007, 2, 21, 4, 49, 17)  # a person read the real header
        session.add(
            Correction(
                message_id=root.id,
                field="date",
                value="2007-02-21T04:49:17+00:00",
                replaced="2007-02-21T04:49:00+00:00",
                recorded_by="tester",
                recorded_at=datetime(2026, 12, 6),
            )
        )
        session.commit()
    changed = import_messages(store, read_archive_text(SEED), clock=parse_clock("UTC"))
    dates = _stored(store)[1]
    assert dates[1] == datetime(2007, 2, 21, 4, 49, 17, tzinfo=UTC)
    assert changed.redated == 98
