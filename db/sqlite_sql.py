"""SQLite's SQL for the hot paths: the standard statements of `db/hot_sql.py` as written, FTS5.

A list parameter is a JSON array read by `json_each`, so one statement serves any length; a
datetime is written as SQLAlchemy's SQLite dialect writes it (`YYYY-MM-DD HH:MM:SS.ffffff`, which
sorts as text), so rows written here and through the models compare and read alike.

The FTS5 indexes (migration 0008) are filled by their triggers for any writer, but an import
pauses the insert and update triggers for its transaction (0008, 0013) and indexes each batch in
one INSERT … SELECT (a large body as it is inserted, a placeholder as it is filled, see
`db/store_writes.py`): `messages_fts` is keyed by `date_rank` (date order, see 0008),
`messages_subject_trigram` by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from threadlore.db import hot_sql
from threadlore.db.hot_sql import EngineSql, OrderedIndex

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from typing import Any

FTS_TABLE = "messages_fts"
SUBJECT_TRIGRAMS = "messages_subject_trigram"
PAUSE_TABLE = "messages_fts_pause"


def datetime_value(value: datetime | None) -> str | None:
    """A naive UTC datetime as the models store it on SQLite."""
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def read_datetime(value: Any) -> datetime | None:
    """A stored datetime (text) read back."""
    return None if value is None else datetime.fromisoformat(value)


def read_utc(value: Any) -> datetime | None:
    """A stored datetime read back in UTC (parsed with its zone: ~6× cheaper than `replace`,
    which `threadlore people` did for two dates of each of its thousands of rows)."""
    return None if value is None else datetime.fromisoformat(value + "+00:00")


def list_value(values: Sequence[Any]) -> str:
    """The JSON array `json_each` reads; a list of row ids (a page of a search) is written
    without the json module, whose import is ~3 ms of a search's start (issue 15)."""
    listed = list(values)
    if all(type(value) is int for value in listed):
        return str(listed)
    import json

    return json.dumps(listed)


def json_value(value: Any) -> str:
    import json  # loaded when first used: a search's start does not pay for it (issue 15)

    return json.dumps(value)


def fts_phrase(words: str) -> str:
    """A string FTS5 reads as one phrase, whatever quotes or operators `words` contains."""
    return '"' + words.replace('"', '""') + '"'


def _last_row_id(cursor: Any) -> int:
    """The new row's id, as SQLite keeps it for the connection: no RETURNING row to step to and
    fetch (the insert triggers' own rows do not change it)."""
    pk: int = cursor.lastrowid
    return pk


def _same(statement: str) -> str:
    return statement


def in_list(value: str, parameter: str) -> str:
    return f"{value} IN (SELECT value FROM json_each({parameter}))"


def ilike(text: str, parameter: str) -> str:
    """As SQLAlchemy writes `ilike` for SQLite (whose lower() folds ASCII only)."""
    return f"lower({text}) LIKE lower({parameter}) ESCAPE '\\'"


def text_value(words: str, column: str | None) -> str:
    """A term's words as an FTS5 query: a phrase, in one column if given."""
    return f"{column} : {fts_phrase(words)}" if column else fts_phrase(words)


def text_condition(parameter: str, column: str | None) -> str:
    """`m` matches an FTS5 query: a look-up of its rowid in the match list, not the whole list."""
    return (
        f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {parameter} "
        f"AND {FTS_TABLE}.rowid = m.date_rank)"
    )


def _all_of(parts: Sequence[str]) -> str:
    return " AND ".join(f"({part})" for part in parts)


def _any_of(parts: Sequence[str]) -> str:
    return " OR ".join(f"({part})" for part in parts)


def _but_not(positive: str, negatives: Sequence[str]) -> str:
    return f"({positive})" + "".join(f" NOT ({negative})" for negative in negatives)


DATE_ORDERED = OrderedIndex(
    table=FTS_TABLE,
    join=f"{FTS_TABLE} JOIN messages AS m ON m.date_rank = {FTS_TABLE}.rowid",
    newest_first=f"{FTS_TABLE}.rowid DESC",
    all_of=_all_of,
    any_of=_any_of,
    but_not=_but_not,
)
MARKED_WORDS = (
    f"SELECT m.id, highlight({FTS_TABLE}, 0, :start, :end), "
    f"highlight({FTS_TABLE}, 1, :start, :end) "
    f"FROM {FTS_TABLE} JOIN messages AS m ON m.date_rank = {FTS_TABLE}.rowid "
    f"WHERE {FTS_TABLE} MATCH :word AND {in_list('m.id', ':pks')}"
)

# every insert trigger of messages and recipients (a test holds this to the schema): full-text
# entries, written by `index_since`, and people's counts (0012), added by `DriverWrites`
_INSERT_TRIGGERS = (
    "messages_fts_insert",
    "messages_subject_trigram_insert",
    "people_written_insert",
    "people_received_insert",
)
DROPPED_TRIGGERS = (
    "SELECT 'DROP TRIGGER ' || name, sql FROM sqlite_master WHERE type = 'trigger' "
    f"AND name IN ({', '.join(repr(name) for name in _INSERT_TRIGGERS)}) ORDER BY rowid"
)
_NOT_INDEXED = "id NOT IN (SELECT value FROM json_each(:indexed))"  # indexed as inserted

SQLITE = EngineSql(
    name="sqlite",
    new_id=_last_row_id,
    insert_message=hot_sql.INSERT_MESSAGE,
    fill_placeholder=hot_sql.FILL_PLACEHOLDER,
    insert_details=hot_sql.INSERT_DETAILS,
    insert_patch=hot_sql.INSERT_PATCH,
    insert_patch_of_body=None,  # SQLite reading the stored body back makes a copy more
    set_patch_diff=hot_sql.SET_PATCH_DIFF,
    set_patch_diff_of_body=None,
    insert_patched_file=hot_sql.INSERT_PATCHED_FILE,
    nodes_with_keys=f"SELECT {hot_sql.NODE_COLUMNS} FROM messages "
    "WHERE message_id IN (SELECT value FROM json_each(:keys))",
    node_at=hot_sql.NODE_AT,
    nodes_between=hot_sql.NODES_BETWEEN,
    placeholder_like=hot_sql.PLACEHOLDER_LIKE,
    set_parent=hot_sql.SET_PARENT,
    new_thread=hot_sql.NEW_THREAD,
    move_thread=hot_sql.MOVE_THREAD,
    delete_thread=hot_sql.DELETE_THREAD,
    raise_last_date=hot_sql.RAISE_LAST_DATE,
    recount_last_date=hot_sql.RECOUNT_LAST_DATE,
    people_and_aliases=hot_sql.PEOPLE_AND_ALIASES,
    insert_person=hot_sql.INSERT_PERSON,
    insert_alias=hot_sql.INSERT_ALIAS,
    rename_person=hot_sql.RENAME_PERSON,
    mark_list=hot_sql.MARK_LIST,
    merge_person=hot_sql.MERGE_PERSON,
    pause_indexing=(f"INSERT INTO {PAUSE_TABLE} (paused) VALUES (1)",),
    dropped_triggers=DROPPED_TRIGGERS,
    index_since=(
        f"INSERT INTO {FTS_TABLE} (rowid, subject, body) "
        f"SELECT date_rank, subject, body FROM messages WHERE id >= :first AND {_NOT_INDEXED}",
        f"INSERT INTO {SUBJECT_TRIGRAMS} (rowid, subject) "
        f"SELECT id, subject FROM messages WHERE id >= :first AND {_NOT_INDEXED}",
    ),
    index_message=(
        f"INSERT INTO {FTS_TABLE} (rowid, subject, body) "
        "VALUES ((SELECT date_rank FROM messages WHERE id = :pk), :subject, :body)",
        f"INSERT INTO {SUBJECT_TRIGRAMS} (rowid, subject) VALUES (:pk, :subject)",
    ),
    unindex_message=(
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, subject, body) "
        "SELECT 'delete', date_rank, subject, body FROM messages WHERE id = :pk",
        f"INSERT INTO {SUBJECT_TRIGRAMS} ({SUBJECT_TRIGRAMS}, rowid, subject) "
        "SELECT 'delete', id, subject FROM messages WHERE id = :pk",
    ),
    resume_indexing=(f"DELETE FROM {PAUSE_TABLE}",),
    list_value=list_value,
    datetime_value=datetime_value,
    json_value=json_value,
    read_datetime=read_datetime,
    read_utc=read_utc,
    style=_same,
    in_list=in_list,
    ilike=ilike,
    text_value=text_value,
    text_condition=text_condition,
    # as PostgreSQL orders: walks ix_messages_date_utc, or sorts what the author index holds
    # (`date_rank` is computed per row there: a sender's 7,000 messages took 13 ms, now 1.3)
    newest_first="m.date_utc DESC, m.id DESC",
    ordered_index=DATE_ORDERED,
    marked_words=MARKED_WORDS,
)
