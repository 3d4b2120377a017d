"""kill -9 during an import: the store stays whole, a re-run completes, nothing lost or doubled.

A handful of kills on a modest archive; `benches/crash_campaign.py` runs the long campaign.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benches.crash_campaign import PostgresStores, SqliteStores, Stores, campaign
from benches.generate_archive import write_archive


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Stores:
    if request.param == "sqlite":
        return SqliteStores(tmp_path)
    server = os.environ.get("THREADLORE_TEST_PG")
    if not server:
        pytest.skip(
            "$THREADLORE_TEST_PG is not set: no PostgreSQL server to run the store tests against"
        )
    return PostgresStores(server)


@pytest.mark.slow
def test_kills_at_random_points_lose_and_duplicate_nothing(tmp_path: Path, stores: Stores) -> None:
    mbox, _ = write_archive(400, tmp_path)
    lines: list[str] = []
    result = campaign(mbox, stores, kills=3, kills_per_trial=3, seed=7, log=lines.append)
    assert result.kills >= 3
    assert result.integrity_failures == [], lines
    assert result.rerun_failures == [], lines
    assert (result.lost, result.duplicated) == (0, 0), lines
