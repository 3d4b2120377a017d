"""The writes an import makes, as operations: `StoreWrites`, and `DriverWrites`, which runs them
on the session's DB-API connection with its engine's SQL (`db/hot_sql.py`).

Threading (`db/threading.py`), people (`db/people.py`) and the import's writer (`db/ingest.py`)
decide what to write; this is the one place that says how. The same operations through
SQLAlchemy Core (`CoreWrites` in tests/db/orm_reference.py) give identical stores, which the
tests check on both engines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from threadlore.db.driver import engine_sql
from threadlore.db.hot_sql import ADD_RECEIVED, ADD_WRITTEN

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# characters from which a text is handed to SQLite by a function call, not bound (`_handed`)
LARGE_TEXT = 1 << 20
_HANDED = "threadlore_handed_text"
# a message row as threading sees it: id, Message-ID, parent id, thread id, placeholder
NodeRow = tuple[int, str, int | None, int | None, bool]
# a person and one of their aliases (kind and key), or None when they have none
PersonRow = tuple[int, str, bool, str | None, str | None]


class BodySlice(NamedTuple):
    """A patch's diff given as the slice of its message's body it is, cut out only as it is
    written: on SQLite inside the statement, so that the cut is freed once SQLite has its
    copy, before SQLite makes the row (the body, its copy and the row's: 3× the message, not
    4×); on PostgreSQL by the server, from the body stored (the diff never crosses the
    connection: its text, its encoding and libpq's copy of it made 4× beside the body)."""

    body: str
    start: int
    stop: int

    def text(self) -> str:
        return self.body[self.start : self.stop]


def written_value(value: Any) -> Any:
    """A value as a statement binds it: a BodySlice's text, anything else as it is."""
    return value.text() if isinstance(value, BodySlice) else value


class StoreWrites(Protocol):
    """What an import reads and writes, in the transaction of the session it was made for.
    `insert_patch`'s and `set_patch_diff`'s diff may be a BodySlice of the message's body as the
    store holds it."""

    @property
    def dialect(self) -> str: ...

    def insert_message(self, values: dict[str, Any]) -> int: ...
    def fill_placeholder(self, pk: int, values: dict[str, Any]) -> None: ...
    def insert_details(self, table: str, rows: list[dict[str, Any]]) -> None: ...
    def insert_patch(self, values: dict[str, Any]) -> int: ...
    def set_patch_diff(self, pk: int, diff: str | BodySlice) -> None: ...
    def insert_patched_file(self, values: dict[str, Any]) -> int: ...
    def nodes_with_keys(self, keys: Sequence[str]) -> list[NodeRow]: ...
    def node_at(self, pk: int) -> NodeRow: ...
    def nodes_between(self, low: str, high: str) -> list[NodeRow]: ...
    def has_placeholder_like(self, pattern: str) -> bool: ...
    def set_parent(self, pk: int, parent: int) -> None: ...
    def new_thread(self) -> int: ...
    def merge_thread(self, keep: int, drop: int) -> None: ...
    def raise_last_date(self, thread: int, date: datetime) -> None: ...
    def recount_last_date(self, thread: int) -> None: ...
    def people_and_aliases(self) -> list[PersonRow]: ...
    def insert_person(self, name: str, is_list: bool) -> int: ...
    def insert_alias(self, person_id: int, kind: str, value: str, key: str) -> None: ...
    def rename_person(self, pk: int, name: str) -> None: ...
    def mark_list(self, pk: int) -> None: ...
    def merge_person(self, into: int, other: int) -> None: ...
    def pause_indexing(self) -> None: ...
    def index_since(self, first_id: int) -> None: ...
    def resume_indexing(self) -> None: ...
    def end_message(self) -> None: ...
    def detach(self) -> None: ...


_TEXTS = (str, BodySlice)  # the classes of the values `_large` may find large


def _large(value: Any) -> bool:
    """Whether a text value is long enough to be handed to SQLite rather than bound."""
    if isinstance(value, BodySlice):
        return value.stop - value.start >= LARGE_TEXT
    return isinstance(value, str) and len(value) >= LARGE_TEXT


def _node(row: Sequence[Any]) -> NodeRow:
    return (row[0], row[1], row[2], row[3], bool(row[4]))


class DriverWrites:
    """StoreWrites on the DB-API connection under a session: one driver call per operation.

    The connection is looked up when first needed and kept until `detach()`, which the writer
    calls when its transaction ends (the session may hold another connection after a commit).

    On SQLite a large text (a body, a diff) is not bound but handed over by a function call:
    Python's sqlite3 keeps the statements it ran in a cache with their last parameters still
    bound, and SQLite holds its own copy of a bound text, so a 60 MB body would stay in memory
    beside everything the import does next; a function's result is freed when its statement
    ends. A large body is indexed, and a filled placeholder, from the text in hand once its
    message is written (`end_message`): the batch's `index_since` reads it back from the table,
    which costs two more copies of it, the update trigger indexed it inside the UPDATE, and
    FTS5 holds the terms it indexed until the commit (a patch's: 0.3× its body), which were
    held beside the diff when the body was indexed before its patch was written.

    On SQLite the insert triggers of messages and recipients are dropped while indexing is
    paused and made again, as they were, when it resumes, in the same transaction: SQLite
    journals every page a statement that fires a trigger changes, even a trigger whose WHEN
    stops it (10k messages wrote 689 MB to temporary files, 8% of the import's time). Their
    work is done here instead: the index by `index_since`, people's counts per batch.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sql = engine_sql(session.get_bind().dialect.name)
        self._raw: Any = None
        self._handed: list[str | BodySlice] = []  # the texts the running statement is handed
        self._paused = False  # whether this transaction paused the index's triggers
        self._indexed: list[int] = []  # rows indexed as inserted, since the last `index_since`
        self._held: list[tuple[int, dict[str, Any]]] = []  # to index at the message's end
        self._dropped: list[str] = []  # the statements that make the dropped triggers again
        self._written: Counter[int] = Counter()  # messages an author wrote, not yet counted

    @property
    def dialect(self) -> str:
        return self.sql.name

    @property
    def raw(self) -> Any:
        if self._raw is None:
            self.session.flush()  # what the session holds goes first, as it would through it
            self._raw = self.session.connection().connection.driver_connection
            if self.sql.name == "sqlite":
                self._raw.create_function(_HANDED, 1, self._handed_text)
        return self._raw

    def detach(self) -> None:
        self._raw = None
        self._paused = False
        self._indexed.clear()
        self._held.clear()
        self._dropped.clear()  # a rollback made them again
        self._written.clear()

    def _execute(self, statement: str, params: dict[str, Any] | None = None) -> Any:
        return self.raw.execute(statement, params or {})

    def _id(self, statement: str, params: dict[str, Any]) -> int:
        return self.sql.new_id(self._execute(statement, params))

    def _handed_text(self, index: int) -> str:
        """What `_HANDED(index)` gives the running statement (a BodySlice cut out now)."""
        text: str = written_value(self._handed[index])
        return text

    def _with_texts(self, statement: str, params: dict[str, Any]) -> Any:
        """Run a statement writing texts (`params` is its own), large ones handed over on SQLite."""
        if self.sql.name != "sqlite":
            return self._execute(statement, params)
        large = [name for name, v in params.items() if v.__class__ in _TEXTS and _large(v)]
        if not large:
            return self._execute(statement, params)
        for name in large:
            statement = re.sub(rf":{name}\b", f"{_HANDED}({len(self._handed)})", statement)
            self._handed.append(params.pop(name))
        try:
            return self._execute(statement, params)
        finally:
            self._handed.clear()

    def _message(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "date_utc": self.sql.datetime_value(values["date_utc"])}

    def _index(self, pk: int, values: dict[str, Any]) -> None:
        """Index a message's row from its subject and body in hand (indexing being paused)."""
        texts = {"pk": pk, "subject": values["subject"], "body": values["body"]}
        for statement in self.sql.index_message:
            self._with_texts(statement, dict(texts))

    def insert_message(self, values: dict[str, Any]) -> int:
        pk = self.sql.new_id(self._with_texts(self.sql.insert_message, self._message(values)))
        if self._dropped and not values["placeholder"] and values["author_id"] is not None:
            self._written[values["author_id"]] += 1  # people_written_insert's work
        if self._paused and self.sql.index_message and len(values["body"]) >= LARGE_TEXT:
            self._held.append((pk, values))
            self._indexed.append(pk)
        return pk

    def fill_placeholder(self, pk: int, values: dict[str, Any]) -> None:
        """Fill a placeholder's row. Indexing paused holds the update triggers too (migration
        0013), so the row is indexed by the store, whatever its size: the placeholder's entries
        out here, the message's in at `end_message`, by statements of their own (a trigger
        indexed a large body inside the UPDATE, beside the copies SQLite holds of it then: 4×
        its size, not 3×)."""
        indexing = self._paused and bool(self.sql.unindex_message)
        if indexing:
            for statement in self.sql.unindex_message:
                self._execute(statement, {"pk": pk})
        self._with_texts(self.sql.fill_placeholder, {**self._message(values), "pk": pk})
        if indexing:
            self._held.append((pk, values))

    def end_message(self) -> None:
        """Index the rows held to be indexed from the text in hand: the message is written."""
        for pk, values in self._held:
            self._index(pk, values)
        self._held.clear()

    def insert_details(self, table: str, rows: list[dict[str, Any]]) -> None:
        if table == "inferences":
            rows = [{**row, "evidence": self.sql.json_value(row["evidence"])} for row in rows]
        self.raw.cursor().executemany(self.sql.insert_details[table], rows)
        if table == "recipients" and self._dropped:
            self._count_received(rows)

    def _count_received(self, rows: list[dict[str, Any]]) -> None:
        """people_received_insert's work: a person receives a message once, however many times
        it names them. A message's recipients are written together, once (a message stored is
        not written again; a placeholder has none), so no pair here was stored before."""
        pairs = {(row["person_id"], row["message_id"]) for row in rows}
        received = Counter(person for person, _ in pairs if person is not None)
        self._add_counts(ADD_RECEIVED, received)

    def _count_written(self) -> None:
        """people_written_insert's work for the messages inserted since the last time."""
        self._add_counts(ADD_WRITTEN, self._written)
        self._written.clear()

    def _add_counts(self, statement: str, counts: Counter[int]) -> None:
        params = [{"person": person, "count": count} for person, count in counts.items()]
        self.raw.cursor().executemany(statement, params)

    def _with_diff(self, statement: str, of_body: str | None, values: dict[str, Any]) -> Any:
        """Run a statement writing `values["diff"]`: a BodySlice cut by the store from the body
        it holds (`of_body`) where the engine has that statement, else handed or bound."""
        diff = values["diff"]
        if isinstance(diff, BodySlice) and of_body is not None:
            params = {name: value for name, value in values.items() if name != "diff"}
            params.update(diff_start=diff.start + 1, diff_length=diff.stop - diff.start)
            return self._execute(of_body, params)
        values = {**values, "diff": diff if _large(diff) else written_value(diff)}  # its own
        return self._with_texts(statement, values)

    def insert_patch(self, values: dict[str, Any]) -> int:
        sql = self.sql
        return sql.new_id(self._with_diff(sql.insert_patch, sql.insert_patch_of_body, values))

    def set_patch_diff(self, pk: int, diff: str | BodySlice) -> None:
        sql = self.sql
        self._with_diff(sql.set_patch_diff, sql.set_patch_diff_of_body, {"pk": pk, "diff": diff})

    def insert_patched_file(self, values: dict[str, Any]) -> int:
        return self._id(self.sql.insert_patched_file, values)

    def nodes_with_keys(self, keys: Sequence[str]) -> list[NodeRow]:
        rows = self._execute(self.sql.nodes_with_keys, {"keys": self.sql.list_value(keys)})
        return [_node(row) for row in rows]

    def node_at(self, pk: int) -> NodeRow:
        return _node(self._execute(self.sql.node_at, {"pk": pk}).fetchone())

    def nodes_between(self, low: str, high: str) -> list[NodeRow]:
        rows = self._execute(self.sql.nodes_between, {"low": low, "high": high})
        return [_node(row) for row in rows]

    def has_placeholder_like(self, pattern: str) -> bool:
        return self._execute(self.sql.placeholder_like, {"pattern": pattern}).fetchone() is not None

    def set_parent(self, pk: int, parent: int) -> None:
        self._execute(self.sql.set_parent, {"pk": pk, "parent": parent})

    def new_thread(self) -> int:
        return self._id(self.sql.new_thread, {})

    def merge_thread(self, keep: int, drop: int) -> None:
        self._execute(self.sql.move_thread, {"keep": keep, "drop": drop})
        self._execute(self.sql.delete_thread, {"drop": drop})

    def raise_last_date(self, thread: int, date: datetime) -> None:
        value = self.sql.datetime_value(date)
        self._execute(self.sql.raise_last_date, {"thread": thread, "date": value})

    def recount_last_date(self, thread: int) -> None:
        self._execute(self.sql.recount_last_date, {"thread": thread})

    def people_and_aliases(self) -> list[PersonRow]:
        rows = self._execute(self.sql.people_and_aliases)
        return [(pk, name, bool(is_list), kind, key) for pk, name, is_list, kind, key in rows]

    def insert_person(self, name: str, is_list: bool) -> int:
        return self._id(self.sql.insert_person, {"name": name, "is_list": is_list})

    def insert_alias(self, person_id: int, kind: str, value: str, key: str) -> None:
        params = {"person_id": person_id, "kind": kind, "value": value, "key": key}
        self._execute(self.sql.insert_alias, params)

    def rename_person(self, pk: int, name: str) -> None:
        self._execute(self.sql.rename_person, {"pk": pk, "name": name})

    def mark_list(self, pk: int) -> None:
        self._execute(self.sql.mark_list, {"pk": pk})

    def merge_person(self, into: int, other: int) -> None:
        self.session.flush()
        for statement in self.sql.merge_person:
            self._execute(statement, {"into": into, "other": other})

    def pause_indexing(self) -> None:
        for statement in self.sql.pause_indexing:
            self._execute(statement)
        self._paused = True
        if self.sql.dropped_triggers is not None:
            for drop, make in self._execute(self.sql.dropped_triggers).fetchall():
                self._execute(drop)
                self._dropped.append(make)

    def index_since(self, first_id: int) -> None:
        self.end_message()  # first: the rows held are left out of what is read back
        indexed = self.sql.list_value(self._indexed)
        for statement in self.sql.index_since:
            self._execute(statement, {"first": first_id, "indexed": indexed})
        self._indexed.clear()
        self._count_written()

    def resume_indexing(self) -> None:
        self._count_written()
        for make in self._dropped:
            self._execute(make)
        self._dropped.clear()
        for statement in self.sql.resume_indexing:
            self._execute(statement)
        self._paused = False
