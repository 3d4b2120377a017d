"""What the UI records in the store: the decisions, candidates and corrections services, per call.

`DecisionSource` is the narrow protocol screens use (tests may pass a fake); `SessionDecisions`
implements it over a session factory, one short session and one commit per user action, so a
recorded entry is in the store the moment the screen says so. Every method may be slow: screens
call them from workers. A change the map cannot take raises `ChangeRefused` with one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TypeVar

from threadlore.kb.discussion import CorrectedField, Status, StoredMap

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from threadlore.kb.candidates import CandidateView
    from threadlore.kb.decisions import ChangeView, DecisionService

T = TypeVar("T")


class ChangeRefused(ValueError):
    """A change the store would not take (a quote not in the message, an unknown target …)."""


class DecisionSource(Protocol):
    """The decisions service as the UI sees it."""

    def maps(self, thread_id: int | None = None) -> list[StoredMap]:
        """Every thread's map, or one thread's (an empty list when it has none)."""
        ...

    def add_proposal(
        self,
        thread_id: int,
        message_id: str,
        quote: str,
        *,
        question: str,
        topic: str | None = None,
        title: str | None = None,
    ) -> str:
        """Record a proposal in a message's own words; its id."""
        ...

    def add_argument(
        self,
        thread_id: int,
        message_id: str,
        quote: str,
        *,
        supports: Sequence[str] = (),
        attacks: Sequence[str] = (),
    ) -> str:
        """Record an argument for or against proposals or arguments; its id."""
        ...

    def set_status(
        self,
        thread_id: int,
        proposal: str,
        status: Status,
        *,
        summary: str | None = None,
        evidence: Sequence[str] = (),
        evidence_quote: tuple[str, str] | None = None,
        superseded_by: str | None = None,
    ) -> None:
        """Decide a proposal: arguments that show it, or a message's words that become one."""
        ...

    def retitle(self, thread_id: int, entry: str, title: str) -> None:
        """Give a topic, question or proposal a new title."""
        ...

    def remove(self, thread_id: int, entry: str) -> list[str]:
        """Remove an entry and what cannot stand without it; the ids removed."""
        ...

    def undo(self, thread_id: int | None) -> ChangeView:
        """Take back the newest change to the thread's map (any map, if None)."""
        ...

    def candidates(self, thread_id: int, *, refresh: bool = False) -> list[CandidateView]:
        """The thread's extracted candidates, strongest first (extracting new ones first)."""
        ...

    def accept(
        self,
        thread_id: int,
        ids: Sequence[int],
        *,
        question: str | None = None,
        target: str | None = None,
        sentence: str | None = None,
    ) -> list[str]:
        """Make candidates map entries; their ids."""
        ...

    def reject(self, thread_id: int, ids: Sequence[int]) -> None:
        """Mark candidates rejected."""
        ...

    def merge(self, thread_id: int, ids: Sequence[int], into: str) -> None:
        """Add candidates as sources of an existing proposal."""
        ...

    def correct(self, message_id: str, field: CorrectedField, value: str) -> str:
        """Correct a message's author, parent or date; a line saying what changed."""
        ...

    def undo_correction(self, message_id: str) -> str:
        """Take back a message's newest correction; a line saying what changed back."""
        ...


class SessionDecisions:
    """`DecisionSource` over the store; one session and one commit per call.

    `open_sessions` gives the store's session factory; it is called on first use, so the UI
    can paint before the store opens (as tui/deferred_store.py does for reading).
    """

    def __init__(
        self, open_sessions: Callable[[], sessionmaker[Session]], user: str | None = None
    ) -> None:
        self._open_sessions = open_sessions
        self._sessions: sessionmaker[Session] | None = None
        self._user = user

    @property
    def user(self) -> str:
        if self._user is None:
            from threadlore.kb.decisions import local_user

            self._user = local_user()
        return self._user

    def sessions(self) -> Session:
        """A new session on the store (opened now, if this is the first)."""
        if self._sessions is None:
            self._sessions = self._open_sessions()
        return self._sessions()

    @contextmanager
    def _service(self, *, commit: bool) -> Iterator[DecisionService]:
        from threadlore.kb.corrections import CorrectionError
        from threadlore.kb.decisions import DecisionError, DecisionService
        from threadlore.kb.map_loader import MapError

        with self.sessions() as session:
            try:
                yield DecisionService(session, self.user)
            except (DecisionError, CorrectionError, MapError, LookupError) as exc:
                session.rollback()
                raise ChangeRefused(str(exc.args[0]) if exc.args else str(exc)) from exc
            if commit:
                session.commit()

    def _change(self, work: Callable[[DecisionService], T]) -> T:
        with self._service(commit=True) as service:
            return work(service)

    def maps(self, thread_id: int | None = None) -> list[StoredMap]:
        with self._service(commit=False) as service:
            return service.maps(thread_id)

    def add_proposal(
        self,
        thread_id: int,
        message_id: str,
        quote: str,
        *,
        question: str,
        topic: str | None = None,
        title: str | None = None,
    ) -> str:
        return self._change(
            lambda s: s.add_proposal(
                thread_id, message_id, quote, question=question, topic=topic, title=title
            )
        )

    def add_argument(
        self,
        thread_id: int,
        message_id: str,
        quote: str,
        *,
        supports: Sequence[str] = (),
        attacks: Sequence[str] = (),
    ) -> str:
        return self._change(
            lambda s: s.add_argument(
                thread_id, message_id, quote, supports=supports, attacks=attacks
            )
        )

    def set_status(
        self,
        thread_id: int,
        proposal: str,
        status: Status,
        *,
        summary: str | None = None,
        evidence: Sequence[str] = (),
        evidence_quote: tuple[str, str] | None = None,
        superseded_by: str | None = None,
    ) -> None:
        self._change(
            lambda s: s.set_status(
                proposal,
                status,
                thread_id=thread_id,
                summary=summary,
                evidence=evidence,
                evidence_quote=evidence_quote,
                superseded_by=superseded_by,
            )
        )

    def retitle(self, thread_id: int, entry: str, title: str) -> None:
        self._change(lambda s: s.edit(entry, thread_id=thread_id, title=title))

    def remove(self, thread_id: int, entry: str) -> list[str]:
        return self._change(lambda s: s.remove(entry, thread_id=thread_id, cascade=True))

    def undo(self, thread_id: int | None) -> ChangeView:
        return self._change(lambda s: s.undo(thread_id))

    def candidates(self, thread_id: int, *, refresh: bool = False) -> list[CandidateView]:
        from threadlore.kb.candidates import CandidateService

        with self._service(commit=refresh) as service:
            candidates = CandidateService(service.session, service)
            if refresh:
                candidates.refresh(thread_id)
            return candidates.of_thread(thread_id)

    def accept(
        self,
        thread_id: int,
        ids: Sequence[int],
        *,
        question: str | None = None,
        target: str | None = None,
        sentence: str | None = None,
    ) -> list[str]:
        from threadlore.kb.candidates import CandidateService

        return self._change(
            lambda s: CandidateService(s.session, s).accept(
                thread_id, ids, question=question, target=target, sentence=sentence
            )
        )

    def reject(self, thread_id: int, ids: Sequence[int]) -> None:
        from threadlore.kb.candidates import CandidateService

        self._change(lambda s: CandidateService(s.session, s).reject(thread_id, ids))

    def merge(self, thread_id: int, ids: Sequence[int], into: str) -> None:
        from threadlore.kb.candidates import CandidateService

        self._change(lambda s: CandidateService(s.session, s).merge(thread_id, ids, into))

    def correct(self, message_id: str, field: CorrectedField, value: str) -> str:
        from threadlore.kb.corrections import CorrectionService

        return self._change(
            lambda s: CorrectionService(s.session, s.user).correct(message_id, field, value)
        ).describe()

    def undo_correction(self, message_id: str) -> str:
        from threadlore.kb.corrections import CorrectionService

        return self._change(
            lambda s: CorrectionService(s.session, s.user).undo(message_id)
        ).describe()
