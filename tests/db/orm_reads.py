"""The reference the store's read SQL (db/store_reads.py) is tested against: the same queries
through SQLAlchemy's ORM, as db/queries.py ran them before they moved to SQL text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.orm import Session, aliased

from threadlore.db.models.decision_map import Correction
from threadlore.db.models.inferences import Inference
from threadlore.db.models.messages import Message, Recipient, Trailer
from threadlore.db.models.patches import Hunk, Patch, PatchedFile, PatchRevision
from threadlore.db.models.people import Alias, Person
from threadlore.db.models.sources import Source
from threadlore.db.models.threads import Thread
from threadlore.db.sqlite_sql import SUBJECT_TRIGRAMS
from threadlore.db.store_reads import AmbiguousMessageId
from threadlore.db.thread_tree import TreeOrder
from threadlore.db.views import (
    CorrectionNote,
    HunkView,
    InferenceView,
    MessageSummary,
    MessageView,
    PatchedFileView,
    PatchView,
    PersonSummary,
    ThreadSummary,
    TreeRow,
    local_date,
)

Parent = aliased(Message, name="parent")


def summary_select() -> Select[Any]:
    """Every column a MessageSummary needs, plus the row's key, parent key and placeholder flag."""
    corrected = (
        select(Correction.id)
        .where(
            Correction.message_id == Message.id,
            Correction.field == "author",
            Correction.undone.is_(False),
        )
        .correlate_except(Correction)  # the outer message's (db/queries.py once read any message's)
        .exists()
    )
    author_confidence = (  # an author a person corrected is no longer a guess
        select(func.max(Inference.confidence))
        .where(Inference.message_id == Message.id, Inference.field == "author", ~corrected)
        .scalar_subquery()
    )
    return (
        select(
            Message.message_id,
            Message.position,
            func.coalesce(Person.name, Message.author_name, Message.author_email).label("author"),
            Parent.message_id.label("parent"),
            Message.date_utc,
            Message.utc_offset_minutes,
            Message.subject,
            exists().where(Patch.message_id == Message.id).label("has_patch"),
            Message.thread_id,
            author_confidence.label("author_confidence"),
            Message.id.label("pk"),
            Message.parent_id.label("parent_pk"),
            Message.placeholder,
        )
        .outerjoin(Person, Person.id == Message.author_id)
        .outerjoin(Parent, Parent.id == Message.parent_id)
    )


def to_summary(row: Row[Any]) -> MessageSummary:
    """A summary view of one row of `summary_select()`."""
    return MessageSummary(
        id=row.message_id,
        position=row.position or 0,
        author=row.author,
        parent=row.parent,
        date=local_date(row.date_utc, row.utc_offset_minutes),
        subject=row.subject,
        has_patch=bool(row.has_patch),
        thread=row.thread_id,
        author_confidence=row.author_confidence,
    )


def subject_contains(fragment: str) -> ColumnElement[bool]:
    """`messages.id IN (rows whose subject contains fragment)`, case-insensitively (ASCII), as
    LIKE reads it, through the trigram index. LIKE has no escape here (an ESCAPE clause turns the
    index off), so a fragment with `%` or `_` must not come this way."""
    if "%" in fragment or "_" in fragment:
        raise ValueError(f"LIKE wildcards in a subject fragment: {fragment!r}")
    rowids: Select[tuple[Any]] = (
        select(literal_column("rowid"))
        .select_from(text(SUBJECT_TRIGRAMS))
        .where(literal_column("subject").like(f"%{fragment}%"))
    )
    return Message.id.in_(rowids)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = column.ilike(f"%{_like_escape(text)}%", escape="\\")
    return result


def _as_utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


def _thread_filter(filter_text: str | None, dialect: str) -> ColumnElement[bool]:
    """Threads with a message whose subject, or whose author's name, contains the text.

    Each half is found through an index where there is one: SQLite's subject trigrams (unless
    the text has LIKE's wildcards), and the people table, which is small, for authors.
    """
    if not filter_text:
        return Thread.id.is_not(None)
    if dialect == "sqlite" and not {"%", "_"} & set(filter_text):
        by_subject = subject_contains(filter_text)
    else:
        by_subject = _contains(Message.subject, filter_text)
    authors = select(Person.id).where(_contains(Person.name, filter_text))
    matching = union(
        select(Message.thread_id).where(by_subject),
        select(Message.thread_id).where(Message.author_id.in_(authors)),
    )
    return Thread.id.in_(matching)


def count_threads(session: Session, *, filter_text: str | None = None) -> int:
    """How many threads `list_threads` would list without a limit."""
    condition = _thread_filter(filter_text, session.get_bind().dialect.name)
    return session.execute(select(func.count()).select_from(Thread).where(condition)).scalar_one()


def list_threads(
    session: Session, *, filter_text: str | None = None, limit: int | None = None, offset: int = 0
) -> list[ThreadSummary]:
    """Threads with the latest activity first; `filter_text` matches a subject or an author."""
    real = Message.placeholder.is_(False)
    inner = aliased(Message, name="inner")
    subject = (
        select(inner.subject)
        .where(inner.thread_id == Thread.id, inner.placeholder.is_(False))
        .order_by(inner.parent_id.is_not(None), inner.date_utc, inner.id)
        .limit(1)
        .correlate(Thread)
        .scalar_subquery()
    )
    root = (
        select(inner.message_id)
        .where(inner.thread_id == Thread.id, inner.parent_id.is_(None))
        .order_by(inner.placeholder, inner.date_utc, inner.id)
        .limit(1)
        .correlate(Thread)
        .scalar_subquery()
    )
    # First the page of threads, then the costlier columns for it alone. Unfiltered, the page is
    # read from the threads' kept newest dates (an index); a filter picks threads by their
    # messages, grouped.
    last: Any
    if filter_text:
        last = func.max(Message.date_utc)
        chosen = (
            select(Message.thread_id.label("id"), last.label("last"))
            .join(Thread, Thread.id == Message.thread_id)
            .where(real, _thread_filter(filter_text, session.get_bind().dialect.name))
            .group_by(Message.thread_id)
            .order_by(last.desc(), Message.thread_id.desc())
        )
    else:
        last = Thread.last_date_utc
        chosen = select(Thread.id, last.label("last")).order_by(last.desc(), Thread.id.desc())
    page = chosen.limit(limit).offset(offset).subquery()
    rows = session.execute(
        select(
            Thread.id,
            subject.label("subject"),
            root.label("root"),
            func.count(Message.id).label("messages"),
            func.min(Message.date_utc).label("first"),
            page.c.last,
        )
        .join(page, page.c.id == Thread.id)
        .join(Message, and_(Message.thread_id == Thread.id, real))
        .group_by(Thread.id, page.c.last)
        .order_by(page.c.last.desc(), Thread.id.desc())
    ).all()
    people = _thread_people(session, [row.id for row in rows])
    return [
        ThreadSummary(
            id=row.id,
            subject=row.subject or "",
            root=row.root,
            messages=row.messages,
            people=tuple(people.get(row.id, ())),
            first=_as_utc(row.first),
            last=_as_utc(row.last),
        )
        for row in rows
    ]


def _thread_people(session: Session, thread_ids: list[int]) -> dict[int, list[str]]:
    """Authors of each thread, most messages first."""
    if not thread_ids:
        return {}
    rows = session.execute(
        select(Message.thread_id, Person.name, func.count(Message.id).label("n"))
        .join(Person, Person.id == Message.author_id)
        .where(Message.thread_id.in_(thread_ids))
        .group_by(Message.thread_id, Person.id, Person.name)
        .order_by(Message.thread_id, func.count(Message.id).desc(), Person.name)
    ).all()
    people: dict[int, list[str]] = {}
    for row in rows:
        people.setdefault(row.thread_id, []).append(row.name)
    return people


def _sort_key(summary: MessageSummary, pk: int) -> tuple[bool, datetime, int]:
    when = summary.date or datetime.max.replace(tzinfo=UTC)
    return (summary.date is None, when, pk)


def _sibling_key(order: TreeOrder) -> Callable[[Any], tuple[Any, ...]]:
    def by_date(row: Any) -> tuple[Any, ...]:
        return _sort_key(to_summary(row), row.pk)

    if order is TreeOrder.DATE:
        return by_date
    if order is TreeOrder.ARCHIVE:
        return lambda row: (row.source_id is None, row.source_id or 0, row.position or 0, row.pk)

    def by_series(row: Any) -> tuple[Any, ...]:
        if row.series_index is not None and row.series_index > 0:
            return (0, row.series_version or 1, row.series_total or 0, row.series_index, row.pk)
        return (1, *by_date(row))

    return by_series


def _under_cover_letters(children: dict[int | None, list[Any]]) -> None:
    """Patches that are siblings of their series' cover letter (both answering a message that
    was never seen, or a patch threaded wrongly) are shown under the cover letter, as b4 does."""
    for siblings in list(children.values()):
        covers = {
            (r.series_version, r.series_total, r.author_id): r
            for r in siblings
            if r.series_index == 0 and r.series_total
        }
        for row in list(siblings):
            cover = covers.get((row.series_version, row.series_total, row.author_id))
            if cover is not None and row.series_index and row is not cover:
                siblings.remove(row)
                children.setdefault(cover.pk, []).append(row)


def thread_tree(
    session: Session, thread_id: int, order: TreeOrder = TreeOrder.SERIES
) -> list[TreeRow]:
    """A thread's reply tree in display order, depth first.

    Replies are ordered by `order`: by default a series' patches come first in series order
    (0/N's replies 1/N … N/N, as b4 and mutt show them) and the other replies oldest first;
    `TreeOrder.ARCHIVE` keeps the order of the source (an archive page's own listing).
    """
    select_rows = summary_select().add_columns(
        Message.series_version,
        Message.series_index,
        Message.series_total,
        Message.source_id,
        Message.author_id,
    )
    rows = session.execute(select_rows.where(Message.thread_id == thread_id)).all()
    if not rows:
        raise LookupError(f"no thread {thread_id}")
    by_pk = {row.pk: row for row in rows}
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        parent = row.parent_pk if row.parent_pk in by_pk else None
        children.setdefault(parent, []).append(row)
    if order is TreeOrder.SERIES:
        _under_cover_letters(children)
    key = _sibling_key(order)
    for siblings in children.values():
        siblings.sort(key=key)
    result: list[TreeRow] = []
    roots = children.get(None, [])
    # depth first without recursion: a reply chain may be thousands of messages deep
    stack: list[tuple[Any, int, bool, tuple[bool, ...]]] = [
        (root, 0, i == len(roots) - 1, ()) for i, root in reversed(list(enumerate(roots)))
    ]
    while stack:
        row, depth, is_last, ancestors_last = stack.pop()
        result.append(
            TreeRow(
                message=to_summary(row),
                depth=depth,
                is_last_child=is_last,
                ancestors_last=ancestors_last,
                placeholder=row.placeholder,
            )
        )
        kids = children.get(row.pk, [])
        below = (*ancestors_last, is_last)
        stack.extend(
            (kid, depth + 1, i == len(kids) - 1, below)
            for i, kid in reversed(list(enumerate(kids)))
        )
    return result


def message_pk(session: Session, ref: str) -> int:
    """The row id of the message a user named by its id or a unique prefix of it."""
    ref = ref.strip().strip("<>")
    if not ref:
        raise LookupError("no message id given")
    exact = session.execute(select(Message.id).where(Message.message_id == ref)).scalar()
    if exact is not None:
        return exact
    found = session.execute(
        select(Message.id)
        .where(Message.message_id.like(f"{_like_escape(ref)}%", escape="\\"))
        .order_by(Message.placeholder, Message.id)
        .limit(2)
    ).all()
    if not found:
        raise LookupError(f"no message {ref!r}")
    if len(found) > 1:
        raise AmbiguousMessageId(f"message id {ref!r} is ambiguous: give more of it")
    pk: int = found[0][0]
    return pk


_SHORTEST_ID_PREFIX = 6


def resolve_thread(session: Session, ref: str) -> int:
    """A thread id from a thread number or the id (or unique prefix) of a message in it."""
    ref = ref.strip()
    if ref.isdigit() and int(ref) < 2**63:  # past that, no store's integer holds it
        if session.get(Thread, int(ref)) is not None:
            return int(ref)
        if len(ref) < _SHORTEST_ID_PREFIX:  # "7" is a thread number, not a message id prefix
            raise LookupError(f"no thread {ref} (threadlore threads lists them)")
    try:
        pk = message_pk(session, ref)
    except AmbiguousMessageId:
        raise
    except LookupError:
        raise LookupError(f"no thread or message {ref!r}") from None
    thread = session.execute(select(Message.thread_id).where(Message.id == pk)).scalar()
    if thread is None:
        raise LookupError(f"message {ref!r} is in no thread")
    return thread


def get_message(session: Session, message_id: str) -> MessageView:
    """One message in full, from its id or a unique prefix of it."""
    pk = message_pk(session, message_id)
    row = session.execute(summary_select().where(Message.id == pk)).one()
    message = session.execute(
        select(Message.body, Message.author_email, Source.path)
        .outerjoin(Source, Source.id == Message.source_id)
        .where(Message.id == pk)
    ).one()
    recipients = session.execute(
        select(Recipient.kind, Recipient.name, Recipient.email)
        .where(Recipient.message_id == pk)
        .order_by(Recipient.position)
    ).all()
    trailers = session.execute(
        select(Trailer.key, Trailer.value)
        .where(Trailer.message_id == pk)
        .order_by(Trailer.position)
    ).all()
    children = session.scalars(
        select(Message.message_id)
        .where(Message.parent_id == pk)
        .order_by(Message.date_utc, Message.id)
    ).all()
    inferences = session.execute(
        select(Inference.field, Inference.value, Inference.confidence, Inference.evidence)
        .where(Inference.message_id == pk)
        .order_by(Inference.id)
    ).all()
    corrections = session.execute(
        select(Correction)
        .where(Correction.message_id == pk, Correction.undone.is_(False))
        .order_by(Correction.id)
    ).scalars()
    live = {c.field: c for c in corrections}  # the newest correction of each field wins

    def shown(kind: str) -> tuple[str, ...]:
        return tuple(
            f"{r.name} <{r.email}>" if r.name and r.email else r.name or r.email
            for r in recipients
            if r.kind == kind
        )

    return MessageView(
        summary=to_summary(row),
        source=message.path or "",
        author_email=message.author_email,
        to=shown("to"),
        cc=shown("cc"),
        body=message.body,
        patches=_patch_views(session, pk),
        trailers=tuple((t.key, t.value) for t in trailers),
        children=tuple(children),
        inferences=tuple(
            InferenceView(i.field, i.value, i.confidence, tuple(i.evidence)) for i in inferences
        ),
        corrections=tuple(
            CorrectionNote(c.field, c.value, c.replaced, c.recorded_by, c.recorded_at)
            for c in live.values()
        ),
    )


def _series_text(message: Message) -> str | None:
    if message.series_index is None or message.series_total is None:
        return None
    text = f"v{message.series_version or 1} {message.series_index}/{message.series_total}"
    return f"{text} (inferred)" if message.series_inferred else text


def _patch_views(session: Session, message_pk: int) -> tuple[PatchView, ...]:
    patches = session.scalars(
        select(Patch).where(Patch.message_id == message_pk).order_by(Patch.position)
    ).all()
    if not patches:
        return ()
    message = session.get_one(Message, message_pk)
    patch_ids = [p.id for p in patches]
    files = session.scalars(
        select(PatchedFile)
        .where(PatchedFile.patch_id.in_(patch_ids))
        .order_by(PatchedFile.position)
    ).all()
    hunks = session.scalars(
        select(Hunk).where(Hunk.file_id.in_([f.id for f in files])).order_by(Hunk.position)
    ).all()
    links = session.execute(
        select(PatchRevision.earlier_id, PatchRevision.later_id, Message.message_id, Patch.id)
        .join(
            Patch,
            or_(Patch.id == PatchRevision.earlier_id, Patch.id == PatchRevision.later_id),
        )
        .join(Message, Message.id == Patch.message_id)
        .where(
            or_(PatchRevision.earlier_id.in_(patch_ids), PatchRevision.later_id.in_(patch_ids)),
            Patch.id.not_in(patch_ids),
        )
    ).all()
    views = []
    for patch in patches:
        file_views = tuple(
            PatchedFileView(
                path=f.path,
                added=f.added,
                removed=f.removed,
                hunks=tuple(
                    HunkView(
                        h.source_start,
                        h.source_length,
                        h.target_start,
                        h.target_length,
                        h.function,
                        h.added,
                        h.removed,
                    )
                    for h in hunks
                    if h.file_id == f.id
                ),
            )
            for f in files
            if f.patch_id == patch.id
        )
        views.append(
            PatchView(
                diff=patch.diff,
                truncated=patch.truncated,
                added=patch.added,
                removed=patch.removed,
                files=file_views,
                series=_series_text(message),
                revises=tuple(link[2] for link in links if link[1] == patch.id),
                revised_by=tuple(link[2] for link in links if link[0] == patch.id),
            )
        )
    return tuple(views)


def list_people(session: Session) -> list[PersonSummary]:
    """Every person and list: people by messages written, then lists by messages received."""
    authored = (
        select(
            Message.author_id.label("person_id"),
            func.count(Message.id).label("n"),
            func.min(Message.date_utc).label("first"),
            func.max(Message.date_utc).label("last"),
        )
        .where(Message.placeholder.is_(False))
        .group_by(Message.author_id)
        .subquery()
    )
    received = (
        select(Recipient.person_id, func.count(func.distinct(Recipient.message_id)).label("n"))
        .group_by(Recipient.person_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Person.id,
            Person.name,
            Person.is_list,
            authored.c.n.label("written"),
            received.c.n.label("received"),
            authored.c.first,
            authored.c.last,
        )
        .outerjoin(authored, authored.c.person_id == Person.id)
        .outerjoin(received, received.c.person_id == Person.id)
    ).all()
    aliases: dict[int, list[str]] = {}
    for person_id, value in session.execute(
        select(Alias.person_id, Alias.value).order_by(Alias.id)
    ):
        aliases.setdefault(person_id, []).append(value)
    people = [
        PersonSummary(
            id=row.id,
            name=row.name,
            is_list=row.is_list,
            messages=(row.received if row.is_list else row.written) or 0,
            aliases=tuple(aliases.get(row.id, ())),
            first=_as_utc(row.first),
            last=_as_utc(row.last),
        )
        for row in rows
    ]
    people.sort(key=lambda p: (p.is_list, -p.messages, p.name.casefold(), p.id))
    return people
