"""The reference the product's search SQL (db/search_sql.py) is tested against: the search
language (db/query_language.py) compiled to a SQLAlchemy condition on `messages`, built from the
models, written apart from the product's SQL so that the two can disagree.

    f:miklos page_mkclean          from Miklos, mentioning page_mkclean (AND by default)
    s:"fault vs truncate" OR b:nopage_mkwrite
    d:2007-03-07..2007-03-08 -f:akpm  dates (open ends: d:..2007-03-08), NOT with - or NOT
    dfn:mm/memory.c dfhh:do_no_page has:patch   patches by file, hunk function, presence

Text terms use the FTS5 index on SQLite (a rowid look-up in the match list, where the product
reads the list in date order), the stored tsvector words on PostgreSQL (a body's further windows
as an EXISTS over `message_body_parts`, where the product ORs an array of ids for its plan), and
LIKE elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy import column as table_column

from threadlore.db.models.messages import Message, Recipient
from threadlore.db.models.patches import Hunk, Patch, PatchedFile
from threadlore.db.models.people import Alias
from threadlore.db.postgres_sql import BODY_PARTS, WORD_COLUMNS
from threadlore.db.query_language import (
    And,
    Node,
    Not,
    QuerySyntaxError,
    Term,
    date_bounds,
    parse_query,
)
from threadlore.db.sqlite_sql import FTS_TABLE, fts_phrase

_TOKENIZABLE = re.compile(r"\w")


def _fts_matching(match: str) -> ColumnElement[bool]:
    """SQLite: the rows whose text matches an FTS5 query (the index is keyed by `date_rank`)."""
    if not match:
        return false()
    rowids = (
        select(literal_column("rowid"))
        .select_from(text(FTS_TABLE))
        .where(literal_column(FTS_TABLE).op("MATCH")(match))
    )
    return literal_column("messages.date_rank").in_(rowids)


def _words_matching(phrase: str, column: str | None) -> ColumnElement[bool]:
    """PostgreSQL: the rows whose subject or body words (or only `column`'s) hold `phrase`, a
    body's further windows included."""
    names = list(WORD_COLUMNS) if column is None else [column]
    query = func.threadlore_phrase(phrase)
    tests: list[ColumnElement[bool]] = [
        literal_column(f"messages.{WORD_COLUMNS[name]}").op("@@")(query) for name in names
    ]
    if "body" in names:
        parts = table(BODY_PARTS, table_column("message_id"), table_column("words"))
        tests.append(
            exists().where(parts.c.message_id == Message.id, parts.c.words.op("@@")(query))
        )
    return or_(*tests)


def _date_range(value: str) -> ColumnElement[bool]:
    since, until = date_bounds(value)
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(Message.date_utc >= since)
    if until is not None:
        conditions.append(Message.date_utc < until)
    return and_(*conditions)


def _like(value: str) -> str:
    escaped = value.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _people_matching(value: str) -> ColumnElement[bool]:
    return Alias.key.like(_like(" ".join(value.split())), escape="\\")


def _addressed(kind: str, value: str) -> ColumnElement[bool]:
    people = select(Alias.person_id).where(_people_matching(value))
    return Message.id.in_(
        select(Recipient.message_id).where(Recipient.kind == kind, Recipient.person_id.in_(people))
    )


def _text(value: str, column: str | None, dialect: str) -> ColumnElement[bool]:
    columns = [Message.subject, Message.body] if column is None else [getattr(Message, column)]
    if dialect == "sqlite" and _TOKENIZABLE.search(value):
        phrase = fts_phrase(value)
        return _fts_matching(f"{column} : {phrase}" if column else phrase)
    if dialect == "postgresql" and _TOKENIZABLE.search(value):
        return _words_matching(value, column)
    return or_(*(c.ilike(_like(value), escape="\\") for c in columns))


def _compile_term(term: Term, dialect: str) -> ColumnElement[bool]:
    value = term.value
    compilers: dict[str, Callable[[], ColumnElement[bool]]] = {
        "": lambda: _text(value, None, dialect),
        "s": lambda: _text(value, "subject", dialect),
        "b": lambda: _text(value, "body", dialect),
        "f": lambda: Message.author_id.in_(select(Alias.person_id).where(_people_matching(value))),
        "t": lambda: _addressed("to", value),
        "c": lambda: _addressed("cc", value),
        "d": lambda: _date_range(value),
        "dfn": lambda: exists().where(
            Patch.message_id == Message.id,
            PatchedFile.patch_id == Patch.id,
            PatchedFile.path.ilike(_like(value), escape="\\"),
        ),
        "dfhh": lambda: exists().where(
            Patch.message_id == Message.id,
            PatchedFile.patch_id == Patch.id,
            Hunk.file_id == PatchedFile.id,
            Hunk.function.ilike(_like(value), escape="\\"),
        ),
        "has": lambda: _has(value),
    }
    if not value.strip():
        raise QuerySyntaxError(
            f"empty search term{' after ' + term.prefix + ':' if term.prefix else ''}"
        )
    return compilers[term.prefix]()


def _has(value: str) -> ColumnElement[bool]:
    if value != "patch":
        raise QuerySyntaxError(f"unknown has:{value} (only has:patch is known)")
    return exists().where(Patch.message_id == Message.id)


def compile_node(node: Node, dialect: str) -> ColumnElement[bool]:
    """The SQL condition on `messages` for a parsed query."""
    if isinstance(node, Term):
        return _compile_term(node, dialect)
    if isinstance(node, Not):
        return not_(compile_node(node.operand, dialect))
    parts = [compile_node(operand, dialect) for operand in node.operands]
    return and_(true(), *parts) if isinstance(node, And) else or_(*parts)


def message_filter(query: str, dialect: str) -> ColumnElement[bool]:
    """Parse and compile a query for a database dialect ("sqlite", "postgresql", …)."""
    return compile_node(parse_query(query), dialect)
