"""A search as SQL text on the store's DB-API connection: the page of hits, newest first, and
their summaries, without SQLAlchemy (see `db/driver.py`).

The query language is `db/query_language.py`'s; this compiles it for the CLI and the UI, each
engine's pieces coming from its SQL module (tests/db/test_hot_sql.py checks the hits against
tests/db/orm_search.py, the same language compiled to SQLAlchemy).

On SQLite the full-text index is keyed by date (migration 0008), so a query whose text terms
can be ANDed at its top is driven by one FTS5 match read backwards from its newest rowid: the
newest page costs the same whether a word is in fifty messages or in all of them. Other
conditions filter what it yields; a query without such terms walks the messages newest first.
"""

from __future__ import annotations

from threadlore.db.driver import StoreReader
from threadlore.db.hot_sql import EngineSql, Parameters, like_escaped
from threadlore.db.query_language import (
    And,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    date_bounds,
    has_word,
    parse_query,
)
from threadlore.db.store_reads import SUMMARY_COLUMNS, SUMMARY_FROM, summary_of
from threadlore.db.views import MessageSummary

_TEXT_COLUMNS = {"": None, "s": "subject", "b": "body"}


def _like(value: str) -> str:
    return f"%{like_escaped(value.casefold())}%"


class Compiled(Parameters):
    """A search's SQL on one engine, its parameters collected as it is written."""

    def __init__(self, sql: EngineSql) -> None:
        super().__init__()
        self.sql = sql

    # ------------------------------------------------------------------ conditions on `m`

    def condition(self, node: Node) -> str:
        """The SQL condition on `messages AS m` for a parsed query."""
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Not):
            return f"NOT ({self.condition(node.operand)})"
        parts = [f"({self.condition(operand)})" for operand in node.operands]
        return (" AND " if isinstance(node, And) else " OR ").join(parts)

    def term(self, term: Term) -> str:
        value = term.value
        if not value.strip():
            after = f" after {term.prefix}:" if term.prefix else ""
            raise QuerySyntaxError(f"empty search term{after}")
        prefix = term.prefix
        if prefix in _TEXT_COLUMNS:
            return self.text(value, _TEXT_COLUMNS[prefix])
        if prefix == "f":
            return f"m.author_id IN ({self.people(value)})"
        if prefix in ("t", "c"):
            kind = self.param("to" if prefix == "t" else "cc")
            return (
                f"m.id IN (SELECT recipients.message_id FROM recipients WHERE recipients.kind = "
                f"{kind} AND recipients.person_id IN ({self.people(value)}))"
            )
        if prefix == "d":
            return self.dates(value)
        if prefix == "dfn":
            path = self.sql.ilike("patched_files.path", self.param(_like(value)))
            return (
                "EXISTS (SELECT 1 FROM patches, patched_files WHERE patches.message_id = m.id "
                f"AND patched_files.patch_id = patches.id AND {path})"
            )
        if prefix == "dfhh":
            function = self.sql.ilike("hunks.function", self.param(_like(value)))
            return (
                "EXISTS (SELECT 1 FROM patches, patched_files, hunks WHERE patches.message_id = "
                "m.id AND patched_files.patch_id = patches.id AND hunks.file_id = patched_files.id "
                f"AND {function})"
            )
        if value != "patch":  # has:
            raise QuerySyntaxError(f"unknown has:{value} (only has:patch is known)")
        return "EXISTS (SELECT 1 FROM patches WHERE patches.message_id = m.id)"

    def text(self, value: str, column: str | None) -> str:
        if has_word(value) or "_" in value:  # a word character (`\w`): the index tokenizes it
            words = self.param(self.sql.text_value(value, column))
            return self.sql.text_condition(words, column)
        pattern = self.param(_like(value))
        columns = ["m.subject", "m.body"] if column is None else [f"m.{column}"]
        return " OR ".join(self.sql.ilike(c, pattern) for c in columns)

    def people(self, value: str) -> str:
        pattern = self.param(_like(" ".join(value.split())))
        return f"SELECT aliases.person_id FROM aliases WHERE aliases.key LIKE {pattern} ESCAPE '\\'"

    def dates(self, value: str) -> str:
        since, until = date_bounds(value)
        conditions = []
        if since is not None:
            conditions.append(f"m.date_utc >= {self.param(self.sql.datetime_value(since))}")
        if until is not None:
            conditions.append(f"m.date_utc < {self.param(self.sql.datetime_value(until))}")
        return " AND ".join(conditions)

    # ------------------------------------------------------------------ the index's own terms

    def index_query(self, node: Node) -> str | None:
        """The node as one query of the date-ordered index, if its terms are all text it reads
        (a term with no letter or digit is left to SQL, which reads it as the reference does)."""
        index = self.sql.ordered_index
        assert index is not None
        if isinstance(node, Term):
            column = _TEXT_COLUMNS.get(node.prefix, "-")
            if column == "-" or not has_word(node.value):
                return None
            return self.sql.text_value(node.value, column)
        if isinstance(node, And | Or):
            parts = [self.index_query(operand) for operand in node.operands]
            if any(part is None for part in parts):
                return None
            combine = index.all_of if isinstance(node, And) else index.any_of
            return combine([part for part in parts if part is not None])
        return None


def _page_sql(compiled: Compiled, node: Node, limit: int, offset: int) -> str:
    """SELECT the page's ids, newest first."""
    sql = compiled.sql
    paging = f"LIMIT {compiled.param(limit)} OFFSET {compiled.param(offset)}"
    index = sql.ordered_index
    if index is not None:
        operands = list(node.operands) if isinstance(node, And) else [node]
        found: list[str] = []
        excluded: list[str] = []
        rest: list[Node] = []
        for operand in operands:
            negated = isinstance(operand, Not)
            query = compiled.index_query(operand.operand if isinstance(operand, Not) else operand)
            if query is None:
                rest.append(operand)
            else:
                (excluded if negated else found).append(query)
        if found:
            match = index.all_of(found)
            match = index.but_not(match, excluded) if excluded else match
            conditions = [f"{index.table} MATCH {compiled.param(match)}", "m.placeholder = false"]
            conditions += [f"({compiled.condition(operand)})" for operand in rest]
            return (
                f"SELECT m.id FROM {index.join} WHERE {' AND '.join(conditions)} "
                f"ORDER BY {index.newest_first} {paging}"
            )
    condition = compiled.condition(node)
    return (
        f"SELECT m.id FROM messages AS m WHERE m.placeholder = false AND ({condition}) "
        f"ORDER BY {sql.newest_first} {paging}"
    )


def page_ids(reader: StoreReader, query: str, *, limit: int, offset: int = 0) -> list[int]:
    """The row ids of a page of a query's hits, newest first; QuerySyntaxError if malformed."""
    compiled = Compiled(reader.sql)
    statement = _page_sql(compiled, parse_query(query), limit, offset)
    return [row[0] for row in reader.query(statement, **compiled.params)]


def summaries(reader: StoreReader, pks: list[int]) -> list[MessageSummary]:
    """The summaries of these messages, in the order given."""
    if not pks:
        return []
    sql = reader.sql
    where = "WHERE " + sql.in_list("m.id", ":pks")
    statement = f"SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM}{where}"
    rows = reader.query(statement, pks=sql.list_value(pks))
    by_pk = {row[0]: row for row in rows}
    return [summary_of(by_pk[pk], sql) for pk in pks]


def search(
    reader: StoreReader, query: str, *, limit: int = 50, offset: int = 0
) -> list[MessageSummary]:
    """Messages matching a search query, newest first (see `db/query_language.py`)."""
    return summaries(reader, page_ids(reader, query, limit=limit, offset=offset))


def matching_in_thread(reader: StoreReader, query: str, thread_id: int) -> list[str]:
    """The Message-IDs of a thread's messages that a query matches."""
    compiled = Compiled(reader.sql)
    condition = compiled.condition(parse_query(query))
    thread = compiled.param(thread_id)
    statement = (
        f"SELECT m.message_id FROM messages AS m WHERE m.thread_id = {thread} "
        f"AND m.placeholder = false AND ({condition})"
    )
    return [row[0] for row in reader.query(statement, **compiled.params)]
