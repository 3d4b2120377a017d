"""PostgreSQL's SQL for the hot paths: the statements of `db/hot_sql.py` with psycopg's
`%(name)s` parameters, a list as an array (`= ANY(…)`), and full-text search on tsvectors.

The words are read the way SQLite's FTS5 `porter unicode61` tokenizer reads them, so a query finds
the same messages on both engines: every run of characters that are not letters or digits
separates words (`page_mkclean` is `page mkclean`, `mm/memory.c` is `mm memory c`), words are
lower-cased and stemmed (Snowball English, no stop words), and a search term is a phrase.
Migration 0001 writes that reading as SQL functions (`threadlore_words`, `threadlore_phrase`).

Each message keeps its words in two stored generated columns (`subject_words`, `body_words`, not
in the models), each with a GIN index: a selective query reads the index, and a query matching
most messages scans the stored words instead of re-reading every body. So an import has no
indexing of its own to do.

A tsvector keeps exact positions only up to 16,383 (and 256 a word) and holds at most 1 MB, so
`body_words` reads a body's first 8 KB, and a longer body's further windows (8 KB every 6 KB,
a row each) are in `message_body_parts`, filled by triggers (migration 0009): a word anywhere
in a body is found, and a phrase of up to ~1,000 bytes wherever it stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from threadlore.db import hot_sql
from threadlore.db.hot_sql import EngineSql, returning_id

_NAMED = re.compile(r"(?<![:\w]):([a-z_][a-z_0-9]*)")


def driver_style(statement: str) -> str:
    """A `:name` statement with psycopg's `%(name)s` parameters (and `%` written `%%`)."""
    return _NAMED.sub(r"%(\1)s", statement.replace("%", "%%"))


# the stored words of each searchable column of `messages`; a body's words past its first
# window are in `BODY_PARTS`, a window a row (migration 0009)
WORD_COLUMNS = {"subject": "subject_words", "body": "body_words"}
BODY_PARTS = "message_body_parts"


def in_list(value: str, parameter: str) -> str:
    return f"{value} = ANY({parameter})"


def ilike(text: str, parameter: str) -> str:
    return f"{text} ILIKE {parameter} ESCAPE '\\'"


def text_value(words: str, column: str | None) -> str:
    return words


def words_condition(table: str, query: str, column: str | None) -> str:
    """`table`'s stored words (the subject's, the body's or either) match the tsquery `query`,
    a body's further windows included: as the ids of the messages whose windows match (an
    array computed once), so that PostgreSQL can OR the three indexes' bitmaps together."""
    names = list(WORD_COLUMNS) if column is None else [column]
    tests = [f"{table}.{WORD_COLUMNS[name]} @@ {query}" for name in names]
    if "body" in names:
        tests.append(
            f"{table}.id = ANY(coalesce((SELECT array_agg(DISTINCT {BODY_PARTS}.message_id) "
            f"FROM {BODY_PARTS} WHERE {BODY_PARTS}.words @@ {query}), '{{}}'))"
        )
    return f"({' OR '.join(tests)})"


def text_condition(parameter: str, column: str | None) -> str:
    """`m`'s stored words hold the phrase (`threadlore_phrase` reads it as the index does)."""
    return words_condition("m", f"threadlore_phrase({parameter})", column)


def _marked(text: str) -> str:
    words_only = f"regexp_replace({text}, '[^[:alnum:]]', ' ', 'g')"  # as threadlore_words
    phrase = "threadlore_phrase(%(word)s)"
    return f"ts_headline('threadlore'::regconfig, {words_only}, {phrase}, %(options)s)"


# written in psycopg's style at once: `[:alnum:]` is not a parameter
MARKED_WORDS = (
    f"SELECT m.id, {_marked('m.subject')}, {_marked('m.body')} "
    "FROM messages AS m WHERE m.id = ANY(%(pks)s) AND "
    f"{words_condition('m', 'threadlore_phrase(%(word)s)', None)}"
)


def _json(value: Any) -> Any:
    from psycopg.types.json import Json  # only a PostgreSQL store loads psycopg

    return Json(value)


def _returned_id(cursor: Any) -> int:
    pk: int = cursor.fetchone()[0]
    return pk


def _same(value: Any) -> Any:
    return value


def _as_list(values: Sequence[Any]) -> list[Any]:
    return list(values)


def _read_datetime(value: Any) -> datetime | None:
    return value if value is None or isinstance(value, datetime) else None


def _read_utc(value: Any) -> datetime | None:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) else None


POSTGRESQL = EngineSql(
    name="postgresql",
    new_id=_returned_id,
    insert_message=driver_style(returning_id(hot_sql.INSERT_MESSAGE)),
    fill_placeholder=driver_style(hot_sql.FILL_PLACEHOLDER),
    insert_details={t: driver_style(s) for t, s in hot_sql.INSERT_DETAILS.items()},
    insert_patch=driver_style(returning_id(hot_sql.INSERT_PATCH)),
    insert_patch_of_body=driver_style(returning_id(hot_sql.INSERT_PATCH_OF_BODY)),
    set_patch_diff=driver_style(hot_sql.SET_PATCH_DIFF),
    set_patch_diff_of_body=driver_style(hot_sql.SET_PATCH_DIFF_OF_BODY),
    insert_patched_file=driver_style(returning_id(hot_sql.INSERT_PATCHED_FILE)),
    nodes_with_keys=driver_style(
        f"SELECT {hot_sql.NODE_COLUMNS} FROM messages WHERE message_id = ANY(:keys)"
    ),
    node_at=driver_style(hot_sql.NODE_AT),
    nodes_between=driver_style(hot_sql.NODES_BETWEEN),
    placeholder_like=driver_style(hot_sql.PLACEHOLDER_LIKE),
    set_parent=driver_style(hot_sql.SET_PARENT),
    new_thread=driver_style(returning_id(hot_sql.NEW_THREAD)),
    move_thread=driver_style(hot_sql.MOVE_THREAD),
    delete_thread=driver_style(hot_sql.DELETE_THREAD),
    raise_last_date=driver_style(hot_sql.RAISE_LAST_DATE),
    recount_last_date=driver_style(hot_sql.RECOUNT_LAST_DATE),
    people_and_aliases=driver_style(hot_sql.PEOPLE_AND_ALIASES),
    insert_person=driver_style(returning_id(hot_sql.INSERT_PERSON)),
    insert_alias=driver_style(hot_sql.INSERT_ALIAS),
    rename_person=driver_style(hot_sql.RENAME_PERSON),
    mark_list=driver_style(hot_sql.MARK_LIST),
    merge_person=tuple(driver_style(s) for s in hot_sql.MERGE_PERSON),
    pause_indexing=(),
    dropped_triggers=None,
    index_since=(),
    index_message=(),
    unindex_message=(),
    resume_indexing=(),
    list_value=_as_list,
    datetime_value=_same,
    json_value=_json,
    read_datetime=_read_datetime,
    read_utc=_read_utc,
    style=driver_style,
    in_list=in_list,
    ilike=ilike,
    text_value=text_value,
    text_condition=text_condition,
    newest_first="m.date_utc DESC NULLS LAST, m.id DESC",
    ordered_index=None,
    marked_words=MARKED_WORDS,
)
