"""The search language (prefixes in the style of notmuch and public-inbox) compiled to SQL.

    f:miklos page_mkclean          from Miklos, mentioning page_mkclean (AND by default)
    s:"fault vs truncate" OR b:nopage_mkwrite
    d:2007-03-07..2007-03-08 -f:akpm  dates (open ends: d:..2007-03-08), NOT with - or NOT
    dfn:mm/memory.c dfhh:do_no_page has:patch   patches by file, hunk function, presence

Prefixes: f (from), t (to), c (cc), s (subject), b (body), d (date), dfn (file a patch
touches), dfhh (function heading of a hunk), has:patch. People match any of their names and
addresses, loosely. Every value is bound as a parameter; a malformed query raises
QuerySyntaxError with a one-line message. Text terms use the FTS5 index on SQLite (db/fts.py),
the tsvector indexes on PostgreSQL (db/pg_fts.py), which read words the same way, and LIKE
elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select, true

from threadlore.db import pg_fts
from threadlore.db.fts import fts_phrase, matching_rowids
from threadlore.db.models.messages import Message, Recipient
from threadlore.db.models.patches import Hunk, Patch, PatchedFile
from threadlore.db.models.people import Alias
from threadlore.db.query_language import (
    And,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    date_bounds,
    parse_query,
)

__all__ = ["And", "Node", "Not", "Or", "QuerySyntaxError", "Term", "message_filter", "parse_query"]

_TOKENIZABLE = re.compile(r"\w")


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
        return matching_rowids(f"{column} : {phrase}" if column else phrase)
    if dialect == "postgresql" and _TOKENIZABLE.search(value):
        return pg_fts.matching(value, column)
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
