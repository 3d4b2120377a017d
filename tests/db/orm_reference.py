"""The reference the hot paths' SQL (db/hot_sql.py and its engine modules) is tested against:
the same operations and searches through SQLAlchemy, built from the models.

`CoreWrites` is `db.store_writes.StoreWrites` in SQLAlchemy Core statements over
`Base.metadata`'s tables, letting the full-text triggers index every row; `orm_page` is a page of
a search compiled by `orm_search.message_filter`, in the order searches list hits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from orm_search import message_filter
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.orm import Session

from threadlore.db.base import Base
from threadlore.db.models import Alias, Message, Person, Thread
from threadlore.db.store_writes import BodySlice, NodeRow, PersonRow, written_value

T = Base.metadata.tables
_NODE = (T["messages"].c.id, T["messages"].c.message_id, T["messages"].c.parent_id)
_NODE_COLUMNS = (*_NODE, T["messages"].c.thread_id, T["messages"].c.placeholder)


def orm_page(session: Session, query: str, limit: int = 50, offset: int = 0) -> list[str]:
    """The Message-IDs of a page of a search, newest first, through SQLAlchemy."""
    dialect = session.get_bind().dialect.name
    statement = (
        select(Message.message_id)
        .where(message_filter(query, dialect), Message.placeholder.is_(False))
        .order_by(Message.date_utc.desc().nulls_last(), Message.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(statement))


class CoreWrites:
    """StoreWrites through SQLAlchemy Core; the triggers keep the full-text indexes."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    @property
    def connection(self) -> Connection:
        return self.session.connection()

    def _id(self, table: str, values: dict[str, Any]) -> int:
        statement = insert(T[table]).returning(T[table].c.id)
        pk: int = self.connection.execute(statement, values).scalar_one()
        return pk

    def _nodes(self, statement: Any) -> list[NodeRow]:
        return [(r[0], r[1], r[2], r[3], bool(r[4])) for r in self.connection.execute(statement)]

    def insert_message(self, values: dict[str, Any]) -> int:
        return self._id("messages", values)

    def fill_placeholder(self, pk: int, values: dict[str, Any]) -> None:
        table = T["messages"]
        self.connection.execute(update(table).where(table.c.id == pk).values(values))

    def insert_details(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.connection.execute(insert(T[table]), rows)

    def insert_patch(self, values: dict[str, Any]) -> int:
        return self._id("patches", {k: written_value(v) for k, v in values.items()})

    def set_patch_diff(self, pk: int, diff: str | BodySlice) -> None:
        table = T["patches"]
        statement = update(table).where(table.c.id == pk).values(diff=written_value(diff))
        self.connection.execute(statement)

    def insert_patched_file(self, values: dict[str, Any]) -> int:
        return self._id("patched_files", values)

    def nodes_with_keys(self, keys: Sequence[str]) -> list[NodeRow]:
        return self._nodes(select(*_NODE_COLUMNS).where(T["messages"].c.message_id.in_(keys)))

    def node_at(self, pk: int) -> NodeRow:
        return self._nodes(select(*_NODE_COLUMNS).where(T["messages"].c.id == pk))[0]

    def nodes_between(self, low: str, high: str) -> list[NodeRow]:
        key = T["messages"].c.message_id
        return self._nodes(select(*_NODE_COLUMNS).where(key >= low, key < high).limit(2))

    def has_placeholder_like(self, pattern: str) -> bool:
        found = select(Message.id).where(
            Message.placeholder.is_(True), Message.message_id.like(pattern)
        )
        return self.connection.execute(found.limit(1)).first() is not None

    def set_parent(self, pk: int, parent: int) -> None:
        self.connection.execute(update(Message).where(Message.id == pk).values(parent_id=parent))

    def new_thread(self) -> int:
        return self._id("threads", {})

    def merge_thread(self, keep: int, drop: int) -> None:
        moved = update(Message).where(Message.thread_id == drop).values(thread_id=keep)
        self.connection.execute(moved)
        self.connection.execute(delete(Thread).where(Thread.id == drop))

    def raise_last_date(self, thread: int, date: datetime) -> None:
        self.recount_last_date(thread)

    def recount_last_date(self, thread: int) -> None:
        newest = (
            select(func.max(Message.date_utc))
            .where(Message.thread_id == Thread.id, Message.placeholder.is_(False))
            .scalar_subquery()
        )
        statement = update(Thread).where(Thread.id == thread).values(last_date_utc=newest)
        self.connection.execute(statement)

    def people_and_aliases(self) -> list[PersonRow]:
        rows = self.connection.execute(
            select(Person.id, Person.name, Person.is_list, Alias.kind, Alias.key).outerjoin(
                Alias, Alias.person_id == Person.id
            )
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def insert_person(self, name: str, is_list: bool) -> int:
        return self._id("people", {"name": name, "is_list": is_list})

    def insert_alias(self, person_id: int, kind: str, value: str, key: str) -> None:
        values = {"person_id": person_id, "kind": kind, "value": value, "key": key}
        self.connection.execute(insert(T["aliases"]), values)

    def rename_person(self, pk: int, name: str) -> None:
        self.connection.execute(update(Person).where(Person.id == pk).values(name=name))

    def mark_list(self, pk: int) -> None:
        self.connection.execute(update(Person).where(Person.id == pk).values(is_list=True))

    def merge_person(self, into: int, other: int) -> None:
        for column in (
            T["aliases"].c.person_id,
            T["messages"].c.author_id,
            T["recipients"].c.person_id,
        ):
            self.connection.execute(
                update(column.table).where(column == other).values({column.name: into})
            )
        self.connection.execute(delete(Person).where(Person.id == other))

    def pause_indexing(self) -> None:
        pass  # the triggers index every row

    def index_since(self, first_id: int) -> None:
        pass

    def resume_indexing(self) -> None:
        pass

    def end_message(self) -> None:
        pass

    def detach(self) -> None:
        pass
