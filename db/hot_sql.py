"""The SQL of the hot paths (import, search, a search's snippets) as text, run on the DB-API
connection without SQLAlchemy's statement layer, which costs more than the statements themselves
when a million messages are stored one by one, and whose import costs more than a search.

This module holds the standard SQL both engines run, with `:name` parameters, and `EngineSql`,
the set of statements one engine runs: `db/sqlite_sql.py` builds SQLite's (FTS5, these
statements as written) and `db/postgres_sql.py` PostgreSQL's (tsvector, parameters rewritten
as `%(name)s`). The models (`db/models/`) and Alembic keep the schema; the statements name the
same columns, and tests/db/test_hot_sql.py checks that an import through them and one through
SQLAlchemy Core give identical stores, and that searches give identical results.
"""

from __future__ import annotations

from threadlore.db.frozen_record import FrozenRecord

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime
    from typing import Any

MESSAGE_COLUMNS = (
    "message_id",
    "placeholder",
    "synthetic",
    "source_id",
    "position",
    "subject",
    "author_id",
    "author_name",
    "author_email",
    "date_utc",
    "utc_offset_minutes",
    "body",
    "truncated",
    "in_reply_to",
    "series_version",
    "series_index",
    "series_total",
    "series_inferred",
)
# the rows an import writes in one statement per table, a batch at a time
DETAIL_COLUMNS = {
    "recipients": ("message_id", "kind", "position", "person_id", "name", "email"),
    "message_references": ("message_id", "position", "referenced_id"),
    "trailers": ("message_id", "position", "key", "value"),
    "inferences": ("message_id", "field", "value", "confidence", "evidence"),
    "hunks": (
        "file_id",
        "position",
        "source_start",
        "source_length",
        "target_start",
        "target_length",
        "function",
        "added",
        "removed",
    ),
}
PATCH_COLUMNS = (
    "message_id",
    "position",
    "diff",
    "truncated",
    "added",
    "removed",
    "subject_key",
    "files_key",
)
PATCHED_FILE_COLUMNS = (
    "patch_id",
    "position",
    "path",
    "old_path",
    "added",
    "removed",
    "is_new",
    "is_deleted",
    "is_binary",
)


class Parameters:
    """A statement's `:name` parameters, collected as its SQL is written."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def param(self, value: Any) -> str:
        """A new parameter holding `value`, as the SQL names it."""
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"


def like_escaped(text: str) -> str:
    """`text` matched literally by LIKE … ESCAPE '\\' (its `%`, `_` and `\\` escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def insert(table: str, columns: Sequence[str], computed: Mapping[str, str] | None = None) -> str:
    """`INSERT INTO table (columns) VALUES (:column, …)`, a column in `computed` given by its
    expression instead."""
    expressions = computed or {}
    values = ", ".join(expressions.get(c, f":{c}") for c in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"


def returning_id(statement: str) -> str:
    """An INSERT that returns the new row's id (PostgreSQL's way to learn it; SQLite's
    `lastrowid` costs less, see `EngineSql.new_id`)."""
    return statement + " RETURNING id"


# what a placeholder row holds besides its id, thread and parent: a message never seen (or
# deleted by its archive while replies still name it, `db/deletion.py`)
PLACEHOLDER: dict[str, Any] = {
    "placeholder": True,
    "synthetic": False,
    "source_id": None,
    "position": None,
    "subject": "",
    "author_id": None,
    "author_name": None,
    "author_email": None,
    "date_utc": None,
    "utc_offset_minutes": None,
    "body": "",
    "truncated": False,
    "in_reply_to": None,
    "series_version": None,
    "series_index": None,
    "series_total": None,
    "series_inferred": False,
}

NODE_COLUMNS = "id, message_id, parent_id, thread_id, placeholder"

INSERT_MESSAGE = insert("messages", (*MESSAGE_COLUMNS, "parent_id", "thread_id"))
FILL_PLACEHOLDER = (
    f"UPDATE messages SET {', '.join(f'{c} = :{c}' for c in MESSAGE_COLUMNS)} WHERE id = :pk"
)
INSERT_DETAILS = {table: insert(table, columns) for table, columns in DETAIL_COLUMNS.items()}
INSERT_PATCH = insert("patches", PATCH_COLUMNS)
# the diff cut by the store from the body it holds: :diff_start (from 1) and :diff_length
INSERT_PATCH_OF_BODY = insert(
    "patches",
    PATCH_COLUMNS,
    {
        "diff": "(SELECT substr(body, CAST(:diff_start AS INTEGER), CAST(:diff_length AS INTEGER))"
        " FROM messages WHERE id = :message_id)"
    },
)
# a patch's diff written after its row: the same, from the body held (:diff_start, :diff_length)
SET_PATCH_DIFF = "UPDATE patches SET diff = :diff WHERE id = :pk"
SET_PATCH_DIFF_OF_BODY = (
    "UPDATE patches SET diff = (SELECT substr(body, CAST(:diff_start AS INTEGER), "
    "CAST(:diff_length AS INTEGER)) FROM messages WHERE messages.id = patches.message_id) "
    "WHERE id = :pk"
)
INSERT_PATCHED_FILE = insert("patched_files", PATCHED_FILE_COLUMNS)
NODE_AT = f"SELECT {NODE_COLUMNS} FROM messages WHERE id = :pk"
NODES_BETWEEN = (
    f"SELECT {NODE_COLUMNS} FROM messages WHERE message_id >= :low AND message_id < :high LIMIT 2"
)
PLACEHOLDER_LIKE = (
    "SELECT id FROM messages WHERE placeholder = true AND message_id LIKE :pattern LIMIT 1"
)
SET_PARENT = "UPDATE messages SET parent_id = :parent WHERE id = :pk"
NEW_THREAD = "INSERT INTO threads (last_date_utc) VALUES (NULL)"
MOVE_THREAD = "UPDATE messages SET thread_id = :keep WHERE thread_id = :drop"
DELETE_THREAD = "DELETE FROM threads WHERE id = :drop"
# a thread's newest date: raised to a message's date, or read again from all its messages
RAISE_LAST_DATE = (
    "UPDATE threads SET last_date_utc = :date "
    "WHERE id = :thread AND (last_date_utc IS NULL OR last_date_utc < :date)"
)
RECOUNT_LAST_DATE = (
    "UPDATE threads SET last_date_utc = (SELECT max(messages.date_utc) FROM messages "
    "WHERE messages.thread_id = threads.id AND messages.placeholder = false) WHERE id = :thread"
)

PEOPLE_AND_ALIASES = (
    "SELECT people.id, people.name, people.is_list, aliases.kind, aliases.key "
    "FROM people LEFT OUTER JOIN aliases ON aliases.person_id = people.id"
)
INSERT_PERSON = "INSERT INTO people (name, is_list) VALUES (:name, :is_list)"
INSERT_ALIAS = insert("aliases", ("person_id", "kind", "value", "key"))
RENAME_PERSON = "UPDATE people SET name = :name WHERE id = :pk"
MARK_LIST = "UPDATE people SET is_list = true WHERE id = :pk"
# what people_written_insert and people_received_insert (migration 0012) add, for many rows
ADD_WRITTEN = "UPDATE people SET messages_written = messages_written + :count WHERE id = :person"
ADD_RECEIVED = "UPDATE people SET messages_received = messages_received + :count WHERE id = :person"
MERGE_PERSON = (
    "UPDATE aliases SET person_id = :into WHERE person_id = :other",
    "UPDATE messages SET author_id = :into WHERE author_id = :other",
    "UPDATE recipients SET person_id = :into WHERE person_id = :other",
    "DELETE FROM people WHERE id = :other",
)


class OrderedIndex(FrozenRecord):
    """A full-text index whose matches come in date order (SQLite's FTS5 keyed by date_rank)."""

    table: str
    join: str  # FROM clause of the index joined to `messages AS m`
    newest_first: str  # ORDER BY that reads the index backwards
    all_of: Callable[[Sequence[str]], str]
    any_of: Callable[[Sequence[str]], str]
    but_not: Callable[[str, Sequence[str]], str]


class EngineSql(FrozenRecord):
    """Every statement of the hot paths for one engine, and how its driver takes values.

    Statements take named parameters in the engine's style; `in_list(name)` is the SQL that
    tests a column against a list given as one parameter, `list_value` makes that parameter
    from a Python list, `datetime_value`/`json_value` write a datetime or a JSON column as the
    models store them, and `read_datetime` reads one back (`read_utc`: as an aware UTC datetime).
    """

    name: str
    # the inserts of new rows whose id the import needs: insert_message, insert_patch,
    # insert_patched_file, new_thread, insert_person; `new_id` reads it from their cursor
    new_id: Callable[[Any], int]
    insert_message: str
    fill_placeholder: str
    insert_details: dict[str, str]
    insert_patch: str
    # None: the diff that is a slice of the body is cut from the body in hand (`BodySlice`)
    insert_patch_of_body: str | None
    set_patch_diff: str  # :pk, :diff
    set_patch_diff_of_body: str | None  # :pk, :diff_start, :diff_length; None as above
    insert_patched_file: str
    nodes_with_keys: str  # :keys, a list
    node_at: str
    nodes_between: str
    placeholder_like: str
    set_parent: str
    new_thread: str
    move_thread: str
    delete_thread: str
    raise_last_date: str
    recount_last_date: str
    people_and_aliases: str
    insert_person: str
    insert_alias: str
    rename_person: str
    mark_list: str
    merge_person: tuple[str, ...]
    # SQLite: indexing is paused for a batch and done in one statement per batch (see 0008)
    pause_indexing: tuple[str, ...]
    # SQLite: the insert triggers an import drops for its transaction and does the work of
    # (see `DriverWrites`), as rows of the statement that drops one and the one that makes it
    dropped_triggers: str | None
    # :first, the first message id not yet indexed; :indexed, a list of ids indexed already
    index_since: tuple[str, ...]
    index_message: tuple[str, ...]  # :pk, :subject, :body: one message, while indexing is paused
    unindex_message: tuple[str, ...]  # :pk: take a row out, as stored, while indexing is paused
    resume_indexing: tuple[str, ...]
    list_value: Callable[[Sequence[Any]], Any]
    datetime_value: Callable[[datetime | None], Any]
    json_value: Callable[[Any], Any]
    read_datetime: Callable[[Any], datetime | None]
    read_utc: Callable[[Any], datetime | None]
    # searching (db/search_sql.py): statements are built per query with `:name` parameters
    style: Callable[[str], str]  # a `:name` statement in the driver's parameter style
    in_list: Callable[[str, str], str]  # (SQL of a value, parameter) → the value is in the list
    ilike: Callable[[str, str], str]  # (SQL of a text, parameter) → it matches, ignoring case
    text_value: Callable[[str, str | None], str]  # a search term's words as the index reads them
    text_condition: Callable[[str, str | None], str]  # (parameter, column) → `m` holds them
    newest_first: str  # ORDER BY of `m`, newest first
    # the full-text index when it can drive a search in date order (SQLite), else None:
    # its table, the SQL joining `m` to it, and how it combines the terms of `text_value`
    ordered_index: OrderedIndex | None
    marked_words: str  # :word, :pks (a list), :start, :end → (pk, subject, body) words marked
