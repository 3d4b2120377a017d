"""An in-memory `StoreReader` for the UI's tests: a few threads built from `db/views.py` objects.

It answers like `db/queries.py` (filters, paging, prefixes, LookupError, ValueError on a bad
query) with a deliberately small query language: words that must all appear in subject or body.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from threadlore.db.snippets import first_own_line, snippet_of
from threadlore.db.views import (
    InferenceView,
    Matches,
    MessageSummary,
    MessageView,
    PatchedFileView,
    PatchView,
    PersonSummary,
    ThreadSummary,
    TreeRow,
)
from threadlore.kb.discussion import (
    Argument,
    Claim,
    Decision,
    DiscussionMap,
    Person,
    Proposal,
    ProposalStatus,
    Question,
    Quote,
    Status,
    StoredMap,
    ThreadLocator,
    Topic,
)

START = datetime(2007, 2, 21, 0, 49, tzinfo=UTC)

DIFF = """diff --git a/mm/filemap.c b/mm/filemap.c
--- a/mm/filemap.c
+++ b/mm/filemap.c
@@ -1,3 +1,4 @@ int filemap_fault(void)
 \tlock_page(page);
-\told_line();
+\tnew_line();
+\tanother_line();
"""

HOSTILE_BODY = (
    "Title change \x1b]0;pwned\x07 and clear \x1b[2J here.\nBidi \u202etxt.exe [bold]x[/]"
)


@dataclass
class FakeMessage:
    """A message as the fake keeps it; the views are derived from it."""

    id: str
    thread: int
    author: str
    subject: str
    body: str
    parent: str | None = None
    minutes: int = 0
    patch: bool = False
    author_confidence: float | None = None

    def summary(self, position: int) -> MessageSummary:
        return MessageSummary(
            id=self.id,
            position=position,
            author=self.author,
            parent=self.parent,
            date=START + timedelta(minutes=self.minutes),
            subject=self.subject,
            has_patch=self.patch,
            thread=self.thread,
            author_confidence=self.author_confidence,
        )


@dataclass
class FakeStore:
    """A `StoreReader` over a list of `FakeMessage`, recording every call it answers."""

    messages: list[FakeMessage]
    calls: list[str] = field(default_factory=list)

    def _thread_ids(self) -> list[int]:
        return sorted({m.thread for m in self.messages})

    def _in_thread(self, thread_id: int) -> list[FakeMessage]:
        return [m for m in self.messages if m.thread == thread_id]

    def _summary(self, thread_id: int) -> ThreadSummary:
        members = self._in_thread(thread_id)
        dates = [START + timedelta(minutes=m.minutes) for m in members]
        people = tuple(dict.fromkeys(m.author for m in members))
        return ThreadSummary(
            thread_id,
            members[0].subject,
            members[0].id,
            len(members),
            people,
            min(dates),
            max(dates),
        )

    def _matching(self, filter_text: str | None) -> list[ThreadSummary]:
        summaries = [self._summary(t) for t in self._thread_ids()]
        if filter_text:
            needle = filter_text.lower()
            summaries = [
                s
                for s in summaries
                if needle in s.subject.lower() or any(needle in p.lower() for p in s.people)
            ]
        return summaries

    def list_threads(
        self, *, filter_text: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ThreadSummary]:
        self.calls.append(f"list_threads {filter_text} {limit} {offset}")
        matching = self._matching(filter_text)
        return matching[offset : None if limit is None else offset + limit]

    def count_threads(self, *, filter_text: str | None = None) -> int:
        self.calls.append(f"count_threads {filter_text}")
        return len(self._matching(filter_text))

    def thread_tree(self, thread_id: int) -> list[TreeRow]:
        self.calls.append(f"thread_tree {thread_id}")
        members = self._in_thread(thread_id)
        children: dict[str | None, list[FakeMessage]] = {}
        for message in members:
            children.setdefault(message.parent, []).append(message)
        rows: list[TreeRow] = []

        def walk(parent: str | None, depth: int, ancestors_last: tuple[bool, ...]) -> None:
            kids = children.get(parent, [])
            for index, message in enumerate(kids):
                last = index == len(kids) - 1
                rows.append(TreeRow(message.summary(len(rows)), depth, last, ancestors_last))
                walk(message.id, depth + 1, (*ancestors_last, last))

        walk(None, 0, ())
        return rows

    def first_own_lines(self, thread_id: int) -> dict[str, str]:
        self.calls.append(f"first_own_lines {thread_id}")
        return {m.id: first_own_line(m.body) for m in self._in_thread(thread_id)}

    def _matches(self, query: str, message: FakeMessage) -> Matches:
        """Every place a query word is in the message, case-insensitively."""
        words = query.lower().split()

        def spans(text: str) -> tuple[tuple[int, int], ...]:
            found = [
                (m.start(), m.end())
                for word in words
                for m in re.finditer(re.escape(word), text, flags=re.IGNORECASE)
            ]
            return tuple(sorted(found))

        body = self.get_message(message.id).body
        return Matches(spans(message.subject), spans(body), snippet_of(body, spans(body)))

    def search_matches(self, query: str, message_ids: list[str]) -> dict[str, Matches]:
        self.calls.append(f"search_matches {query} {len(message_ids)}")
        return {m.id: self._matches(query, m) for m in self.messages if m.id in message_ids}

    def thread_matches(self, query: str, thread_id: int) -> dict[str, Matches]:
        self.calls.append(f"thread_matches {query} {thread_id}")
        hits = {h.id for h in self.search_messages(query, limit=10_000) if h.thread == thread_id}
        return {m.id: self._matches(query, m) for m in self.messages if m.id in hits}

    def resolve_thread(self, ref: str) -> int:
        self.calls.append(f"resolve_thread {ref}")
        if ref.isdigit() and int(ref) in self._thread_ids():
            return int(ref)
        found = [m.thread for m in self.messages if m.id.startswith(ref)]
        if len(found) != 1:
            raise LookupError(f"no thread or message {ref}")
        return found[0]

    def decision_maps(self) -> list[StoredMap]:
        self.calls.append("decision_maps")
        return [StoredMap(1, 1, seed_like_map())] if self.messages else []

    def get_message(self, message_id: str) -> MessageView:
        self.calls.append(f"get_message {message_id}")
        found = [m for m in self.messages if m.id.startswith(message_id)]
        if len(found) != 1:
            raise LookupError(f"no message {message_id}")
        message = found[0]
        patches = (
            (
                PatchView(
                    DIFF,
                    False,
                    2,
                    1,
                    (PatchedFileView("mm/filemap.c", 2, 1, ()),),
                    "v1 1/6",
                    (),
                    (),
                ),
            )
            if message.patch
            else ()
        )
        inferences = (
            (
                InferenceView(
                    "author",
                    message.author,
                    message.author_confidence,
                    ("signed 'Nick' at the end", "replies to Nick's patch"),
                ),
            )
            if message.author_confidence is not None
            else ()
        )
        children = tuple(m.id for m in self.messages if m.parent == message.id)
        return MessageView(
            summary=message.summary(self.messages.index(message)),
            source="fake",
            author_email=None,
            to=("linux-mm@kvack.org",),
            cc=(),
            body=message.body + ("\n\n" + DIFF if message.patch else ""),
            patches=patches,
            trailers=(),
            children=children,
            inferences=inferences,
        )

    def search_messages(
        self, query: str, *, limit: int = 50, offset: int = 0
    ) -> list[MessageSummary]:
        self.calls.append(f"search_messages {query} {limit} {offset}")
        if query.count('"') % 2:
            raise ValueError("unbalanced quote in query")
        words = query.lower().split()
        hits = [
            m.summary(i)
            for i, m in enumerate(self.messages)
            if all(w in (m.subject + " " + m.body).lower() for w in words)
        ]
        hits.sort(key=lambda s: s.date or START, reverse=True)
        return hits[offset : offset + limit]

    def list_people(self) -> list[PersonSummary]:
        self.calls.append("list_people")
        counts = Counter(m.author for m in self.messages)
        return [
            PersonSummary(i, name, False, count, first=START, last=START)
            for i, (name, count) in enumerate(counts.most_common())
        ]

    def messages_per_day(self, thread_id: int | None = None) -> list[tuple[date, str, int]]:
        self.calls.append(f"messages_per_day {thread_id}")
        counts = Counter(
            ((START + timedelta(minutes=m.minutes)).date(), m.author)
            for m in self.messages
            if thread_id is None or m.thread == thread_id
        )
        return [(day, person, count) for (day, person), count in sorted(counts.items())]


def seed_like_messages() -> list[FakeMessage]:
    """Thread 1 shaped like the seed (a patch series with replies, an inferred author),
    thread 2 a short one with a hostile body."""
    day = 24 * 60
    return [
        FakeMessage(
            "m0",
            1,
            "Nick Piggin",
            "[patch 0/6] fault vs truncate/invalidate race fix",
            "The following set of patches are based on current git.",
        ),
        FakeMessage(
            "m1",
            1,
            "Nick Piggin",
            "[patch 1/6] mm: lock page in fault",
            "Lock the page over the fault.",
            parent="m0",
            minutes=1,
            patch=True,
        ),
        FakeMessage(
            "m2",
            1,
            "Andrew Morton",
            "Re: [patch 1/6] mm: lock page in fault",
            "It still hurts that this makes the write() deadlock worse.",
            parent="m1",
            minutes=6 * day,
        ),
        FakeMessage(
            "m3",
            1,
            "Nick Piggin",
            "Re: [patch 1/6] mm: lock page in fault",
            "It is better than data corruption.\nNick",
            parent="m2",
            minutes=6 * day + 30,
            author_confidence=0.7,
        ),
        FakeMessage(
            "m4",
            1,
            "Dave Airlie",
            "Re: [patch 0/6] fault vs truncate/invalidate race fix",
            "Have these been put into mm?",
            parent="m0",
            minutes=6 * day + 60,
        ),
        FakeMessage(
            "m5",
            1,
            "Peter Zijlstra",
            "Re: [patch 0/6] fault vs truncate/invalidate race fix",
            "page_mkclean races with this.",
            parent="m0",
            minutes=9 * day,
        ),
        FakeMessage(
            "h0", 2, "Mallory", "odd \x1b[31mred\x1b[0m subject", HOSTILE_BODY, minutes=12 * day
        ),
    ]


def many_threads(count: int) -> list[FakeMessage]:
    """`count` one-message threads, to test paging."""
    return [
        FakeMessage(f"t{n}", n + 1, f"Author {n % 7}", f"thread number {n}", "body", minutes=n)
        for n in range(count)
    ]


def _quote(by: str, date: str, text: str, message_id: str) -> Quote:
    return Quote(by, by, date, text, message_id)


def seed_like_map() -> DiscussionMap:
    """A small decisions map over thread 1: one question, three proposals, four arguments."""
    lock = Proposal(
        "lock-page",
        "q-race",
        "Lock the page in the fault path",
        (_quote("Nick Piggin", "2007-02-21 00:50", "Lock the page over the fault.", "m1"),),
        policy="LOCK_PAGE_IN_FAULT",
    )
    status_quo = Proposal(
        "status-quo",
        "q-race",
        "Keep the truncate_count protocol",
        (_quote("Peter Zijlstra", "2007-03-02 00:49", "page_mkclean races with this.", "m5"),),
        policy="STATUS_QUO",
    )
    talk = Proposal(
        "merge-now",
        "q-race",
        "Merge the series into -mm now",
        (_quote("Dave Airlie", "2007-02-27 01:49", "Have these been put into mm?", "m4"),),
        policy_note="not a change to the VM",
    )
    hurts = Argument(
        "hurts",
        _quote("Andrew Morton", "2007-02-27 00:49", "It still hurts.", "m2"),
        attacks=("lock-page",),
    )
    better = Argument(
        "better",
        _quote("Nick Piggin", "2007-02-27 01:19", "It is better than data corruption.", "m3"),
        supports=("lock-page",),
        attacks=("hurts",),
    )
    fixes = Argument(
        "fixes",
        _quote(
            "Nick Piggin", "2007-02-21 00:49", "These patches fix silent data corruption.", "m0"
        ),
        supports=("lock-page",),
        about=Claim("W5", invariant="INV1", holds=True),
    )
    unfound = Argument(
        "unfound",
        Quote("Hugh Dickins", "Hugh Dickins", "2007-03-01 10:00", "Hmm."),
        attacks=("status-quo",),
    )
    return DiscussionMap(
        path="fake.yaml",
        thread=ThreadLocator("fault vs truncate", "Nick Piggin", "2007-02-21 00:49"),
        people=(Person("Nick Piggin"), Person("Andrew Morton")),
        topics=(Topic("race", "The fault vs truncate race"),),
        questions=(Question("q-race", "race", "How to stop the race?", (lock, status_quo, talk)),),
        arguments=(hurts, better, fixes, unfound),
        decisions=(
            Decision(
                "q-race",
                (
                    ProposalStatus("lock-page", Status.MERGED_LATER, "Merged in 2.6.23."),
                    ProposalStatus("status-quo", Status.REJECTED, "It corrupts data."),
                ),
            ),
        ),
    )


def many_replies(count: int) -> list[FakeMessage]:
    """One thread of `count` messages, each replying to the root, to test scrolling."""
    root = FakeMessage("r0", 1, "Author 0", "a long thread", "root")
    return [
        root,
        *(
            FakeMessage(f"r{n}", 1, f"Author {n % 5}", "Re: a long thread", "reply", "r0", n)
            for n in range(1, count)
        ),
    ]
