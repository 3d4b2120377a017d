"""Property-based fuzzing of every importer, the round trip into the store, and the search
parser: no traceback, every refusal one line naming file and position, valid mail kept as
written. `benches/fuzz_campaign.py` runs the same properties for many more cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_fuzz import (
    DepthCase,
    FileCase,
    SizeCase,
    WrittenMessage,
    archive_text_cases,
    check_depth,
    check_file,
    check_file_name,
    check_maildir,
    check_query,
    check_round_trip,
    check_size,
    depth_cases,
    file_cases,
    file_names,
    fresh_store,
    maildir_cases,
    queries,
    size_cases,
    written_messages,
)
from hostile_pilot import check_keys, hostile_store, key_sequences
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session, sessionmaker

from threadlore.db.ingest import import_messages
from threadlore.importers.detect import read_inputs

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def shared_store(
    tmp_path_factory: pytest.TempPathFactory,
) -> sessionmaker[Session]:
    """One store for the module's properties; each case's message has its own id."""
    from hostile_fuzz import migrated_template

    folder = tmp_path_factory.mktemp("fuzz-store")
    return fresh_store(migrated_template(folder), folder)


@FAST
@given(file_cases)
def test_any_file_is_read_or_refused_in_one_line(case: FileCase) -> None:
    check_file(case)


@FAST
@given(archive_text_cases)
def test_any_archive_text_page_is_read_or_refused_in_one_line(case: FileCase) -> None:
    check_file(case)


@FAST
@given(maildir_cases)
def test_any_maildir_gives_each_message_or_its_error(files: list[tuple[str, bytes]]) -> None:
    check_maildir(files)


@FAST
@given(written_messages)
def test_a_valid_message_round_trips_through_import_and_store(
    shared_store: sessionmaker[Session], written: WrittenMessage
) -> None:
    check_round_trip(written, shared_store)


@FAST
@given(file_names)
def test_a_message_in_a_file_of_any_name_is_read_and_stored(
    shared_store: sessionmaker[Session], name: bytes
) -> None:
    check_file_name(name, shared_store)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(depth_cases)
def test_any_depth_of_parts_or_folders_is_read(case: DepthCase) -> None:
    check_depth(case)


@FAST
@given(size_cases)
def test_any_size_is_read_whole_or_named_past_the_cap(case: SizeCase) -> None:
    check_size(case)


@pytest.fixture(scope="module")
def searchable_store(shared_store: sessionmaker[Session]) -> sessionmaker[Session]:
    seed = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"
    import_messages(shared_store, read_inputs([seed]))
    return shared_store


@FAST
@given(queries)
def test_any_query_is_answered_or_refused_in_one_line(
    searchable_store: sessionmaker[Session], query: str
) -> None:
    check_query(query, searchable_store)


@pytest.mark.parametrize("query", ["0\x00", "\ud800"], ids=["nul", "lone surrogate"])
def test_a_query_with_nul_or_a_lone_surrogate_is_answered_or_refused_in_one_line(
    searchable_store: sessionmaker[Session], query: str
) -> None:
    check_query(query, searchable_store)


@pytest.fixture(scope="module")
def hostile_ui_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_store(tmp_path_factory.mktemp("hostile-ui"))


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(key_sequences)
def test_random_keys_on_a_hostile_store_never_stop_the_ui(
    hostile_ui_store: Path, keys: list[str]
) -> None:
    check_keys(keys, hostile_ui_store)
