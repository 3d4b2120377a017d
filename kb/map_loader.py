"""Load a curated discussion map (YAML) and check it against its thread's messages.

Loading checks the map's own consistency (ids, references, statuses, policies in the VM model);
`locate_quotes` then checks every quote against the stored bodies — the words must occur verbatim
(runs of whitespace, such as the archive's line breaks, count as one space) in a message of that
date whose author is the quoted person. Every problem is one line naming the map file, the entry
and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from threadlore.importers.records import ParsedMessage
from threadlore.kb.discussion import (
    Argument,
    Claim,
    CorrectedField,
    Correction,
    Decision,
    DiscussionMap,
    LaterEvent,
    Person,
    Proposal,
    ProposalStatus,
    Question,
    Quote,
    Recorded,
    Status,
    ThreadLocator,
    Topic,
)
from threadlore.kb.quoting import normalize_space
from threadlore.kb.vm.invariants import INVARIANTS
from threadlore.kb.vm.policies import POLICIES
from threadlore.kb.vm.replay import COSTS
from threadlore.kb.vm.workloads import WORKLOADS

MAPS_DIR = Path(__file__).resolve().parent / "maps"
DATE_FORMAT = "%Y-%m-%d %H:%M"
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESULTS = ("allowed", "refused", "emulated")
# libyaml's loader when PyYAML was built with it (ten times faster on a large map), else Python's
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class MapError(ValueError):
    """A problem in a map: `<file>: <entry>: <problem>`, one line."""

    def __init__(self, path: str, entry: str, problem: str) -> None:
        self.path = path
        self.entry = entry
        self.problem = problem
        super().__init__(f"{path}: {entry}: {problem}")


@dataclass(frozen=True)
class ThreadMessage:
    """What quote checking needs of a message, whichever importer or store it came from.

    `names` are the names and addresses in its From, To and Cc lines, used to check that the
    people a map cites take part in the thread.
    """

    message_id: str
    author: str | None
    date: datetime | None
    body: str
    names: tuple[str, ...] = ()


def thread_message_of(message: ParsedMessage) -> ThreadMessage:
    """The parts of an imported message that quote checking reads."""
    author = message.author
    people = (*((author,) if author else ()), *message.to, *message.cc)
    return ThreadMessage(
        message_id=message.message_id,
        author=(author.name or author.email) if author else None,
        date=message.date,
        body=message.body,
        names=tuple(text for a in people for text in (a.name, a.email) if text),
    )


def _text(raw: Mapping[str, Any], key: str, path: str, entry: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MapError(path, entry, f"`{key}` is missing or not text")
    return value.strip()


def _optional_text(raw: Mapping[str, Any], key: str, path: str, entry: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise MapError(path, entry, f"`{key}` must be text")
    return str(value).strip()


def _ids(raw: Mapping[str, Any], key: str, path: str, entry: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MapError(path, entry, f"`{key}` must be a list of ids")
    return tuple(value)


def _keywords(raw: Mapping[str, Any], path: str, entry: str) -> tuple[str, ...]:
    return tuple(str(k) for k in _list(raw, "keywords", path, entry, required=False))


def _list(
    raw: Mapping[str, Any], key: str, path: str, entry: str, *, required: bool = True
) -> list[Any]:
    value = raw.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise MapError(path, entry, f"`{key}` must be a list")
    return value


def _mapping(value: Any, path: str, entry: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MapError(path, entry, "expected a mapping of fields")
    return value


def _entry_id(raw: Mapping[str, Any], path: str, where: str) -> str:
    entry_id = _text(raw, "id", path, where)
    if not _ID_PATTERN.match(entry_id):
        raise MapError(path, entry_id, "ids are lower-case slugs (a-z, 0-9, -)")
    return entry_id


def _recorded(raw: Mapping[str, Any], path: str, entry: str) -> Recorded | None:
    """`recorded: {by: NAME, at: ISO 8601}`: who put the entry on the map and when (UTC)."""
    value = raw.get("recorded")
    if value is None:
        return None
    fields = _mapping(value, path, entry)
    at = fields.get("at")
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            raise MapError(path, entry, f"recorded.at {at!r} is not an ISO 8601 time") from None
    if not isinstance(at, datetime):
        raise MapError(path, entry, "`recorded.at` must be an ISO 8601 time")
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return Recorded(by=_text(fields, "by", path, entry), at=at)


def _quote(raw: Mapping[str, Any], path: str, entry: str) -> Quote:
    """A quote names its message by `date` and writer, or exactly by `message` (a Message-ID).

    `message` is what a map of mail with real headers uses: a list that rewrites From or hides
    its senders cannot tell the writer, and two messages can share a minute.
    """
    by = _text(raw, "by", path, entry)
    message_id = _optional_text(raw, "message", path, entry)
    if message_id is not None:
        message_id = message_id.strip("<>")
    if message_id is None:
        date = _text(raw, "date", path, entry)
    else:
        date = _optional_text(raw, "date", path, entry) or ""
    if date and not _DATE_PATTERN.match(date):
        raise MapError(path, entry, f'date {date!r} is not "YYYY-MM-DD HH:MM"')
    text = _text(raw, "quote", path, entry)
    writer = _optional_text(raw, "writer", path, entry) or by
    return Quote(by=by, writer=writer, date=date, text=normalize_space(text), message_id=message_id)


def _claim(raw: Any, path: str, entry: str) -> Claim | None:
    if raw is None:
        return None
    fields = _mapping(raw, path, entry)
    workload = _text(fields, "workload", path, entry)
    if workload not in WORKLOADS:
        raise MapError(path, entry, f"workload {workload!r} is not in kb.vm.workloads")
    result = _optional_text(fields, "result", path, entry)
    invariant = _optional_text(fields, "invariant", path, entry)
    cost = _optional_text(fields, "cost", path, entry)
    kinds = [k for k in (result, invariant, cost) if k is not None]
    if len(kinds) != 1:
        raise MapError(path, entry, "`about` needs exactly one of result, invariant, cost")
    if result is not None and result not in RESULTS:
        raise MapError(path, entry, f"`about.result` must be one of {', '.join(RESULTS)}")
    holds, grows = fields.get("holds"), fields.get("grows")
    if invariant is not None and invariant not in INVARIANTS:
        raise MapError(path, entry, f"invariant {invariant!r} is not in kb.vm.invariants")
    if cost is not None and cost not in COSTS:
        raise MapError(path, entry, f"cost {cost!r} is not one of {', '.join(COSTS)}")
    if invariant is not None and not isinstance(holds, bool):
        raise MapError(path, entry, "`about.invariant` needs `holds: true|false`")
    if cost is not None and not isinstance(grows, bool):
        raise MapError(path, entry, "`about.cost` needs `grows: true|false`")
    policy = _optional_text(fields, "policy", path, entry)
    _check_policy(policy, path, entry)
    return Claim(workload, result, invariant, holds, cost, grows, policy)


def _check_policy(policy: str | None, path: str, entry: str) -> None:
    if policy is None:
        return
    for part in policy.split("+"):
        if part.strip() not in POLICIES:
            raise MapError(path, entry, f"policy {part.strip()!r} is not in kb.vm.policies")


def _proposal(raw: Any, question_id: str, path: str) -> Proposal:
    fields = _mapping(raw, path, f"question {question_id}")
    proposal_id = _entry_id(fields, path, f"a proposal of {question_id}")
    sources = tuple(
        _quote(_mapping(s, path, proposal_id), path, proposal_id)
        for s in _list(fields, "sources", path, proposal_id)
    )
    if not sources:
        raise MapError(path, proposal_id, "a proposal needs at least one source")
    policy = _optional_text(fields, "policy", path, proposal_id)
    _check_policy(policy, path, proposal_id)
    return Proposal(
        id=proposal_id,
        question_id=question_id,
        title=normalize_space(_text(fields, "title", path, proposal_id)),
        sources=sources,
        policy=policy,
        policy_note=_optional_text(fields, "policy_note", path, proposal_id),
        recorded=_recorded(fields, path, proposal_id),
    )


def _question(raw: Any, path: str) -> Question:
    fields = _mapping(raw, path, "questions")
    question_id = _entry_id(fields, path, "a question")
    return Question(
        id=question_id,
        topic_id=_text(fields, "topic", path, question_id),
        title=normalize_space(_text(fields, "title", path, question_id)),
        proposals=tuple(
            _proposal(p, question_id, path) for p in _list(fields, "proposals", path, question_id)
        ),
        keywords=_keywords(fields, path, question_id),
        recorded=_recorded(fields, path, question_id),
    )


def _argument(raw: Any, path: str) -> Argument:
    fields = _mapping(raw, path, "arguments")
    argument_id = _entry_id(fields, path, "an argument")
    supports = _ids(fields, "supports", path, argument_id)
    attacks = _ids(fields, "attacks", path, argument_id)
    if not supports and not attacks:
        raise MapError(path, argument_id, "an argument must support or attack something")
    return Argument(
        id=argument_id,
        quote=_quote(fields, path, argument_id),
        supports=supports,
        attacks=attacks,
        about=_claim(fields.get("about"), path, argument_id),
        recorded=_recorded(fields, path, argument_id),
    )


def _later(raw: Any, path: str, entry: str) -> LaterEvent:
    fields = _mapping(raw, path, entry)
    event = LaterEvent(
        commit=_optional_text(fields, "commit", path, entry),
        title=_optional_text(fields, "title", path, entry),
        release=_optional_text(fields, "release", path, entry),
        note=_optional_text(fields, "note", path, entry),
    )
    if event == LaterEvent():
        raise MapError(path, entry, "a `later` event needs a commit, title, release or note")
    return event


def _status(raw: Any, path: str, question_id: str) -> ProposalStatus:
    fields = _mapping(raw, path, f"decision on {question_id}")
    proposal_id = _text(fields, "proposal", path, f"decision on {question_id}")
    entry = f"decision on {proposal_id}"
    status_text = _text(fields, "status", path, entry)
    try:
        status = Status(status_text)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise MapError(path, entry, f"status {status_text!r} is not one of {allowed}") from None
    return ProposalStatus(
        proposal_id=proposal_id,
        status=status,
        summary=normalize_space(_text(fields, "summary", path, entry)),
        evidence=_ids(fields, "evidence", path, entry),
        superseded_by=_optional_text(fields, "superseded_by", path, entry),
        later=tuple(
            _later(e, path, entry) for e in _list(fields, "later", path, entry, required=False)
        ),
        recorded=_recorded(fields, path, entry),
    )


def _decision(raw: Any, path: str) -> Decision:
    fields = _mapping(raw, path, "decisions")
    question_id = _text(fields, "question", path, "a decision")
    return Decision(
        question_id=question_id,
        statuses=tuple(
            _status(s, path, question_id) for s in _list(fields, "outcomes", path, question_id)
        ),
    )


def _timezone(fields: Mapping[str, Any], path: str) -> str | None:
    zone = _optional_text(fields, "timezone", path, "thread")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise MapError(path, "thread", f"unknown timezone {zone!r}") from None
    return zone


def _thread(raw: Any, path: str) -> ThreadLocator:
    """The thread a map describes: found by its first message's id, or its author and date."""
    fields = _mapping(raw, path, "thread")
    where = "thread.first_message"
    first = _mapping(fields.get("first_message"), path, where)
    message_id = _optional_text(first, "message", path, where)
    if message_id is None:
        date = _text(first, "date", path, where)
    else:
        date = _optional_text(first, "date", path, where) or ""
    return ThreadLocator(
        title=_text(fields, "title", path, "thread"),
        first_by=_text(first, "by", path, where),
        first_date=date,
        source=_optional_text(fields, "source", path, "thread"),
        timezone=_timezone(fields, path),
        first_message_id=message_id.strip("<>") if message_id else None,
    )


def _correction(raw: Any, path: str) -> Correction:
    """`{message: ID, author|parent|date: VALUE, recorded: …}`: one corrected field."""
    fields = _mapping(raw, path, "corrections")
    message_id = _text(fields, "message", path, "a correction").strip("<>")
    entry = f"correction of <{message_id}>"
    named = [f for f in CorrectedField if f.value in fields]
    if len(named) != 1:
        allowed = ", ".join(f.value for f in CorrectedField)
        raise MapError(path, entry, f"a correction names exactly one of {allowed}")
    value = _text(fields, named[0].value, path, entry)
    if named[0] is CorrectedField.PARENT:
        value = value.strip("<>")
    return Correction(message_id, named[0], value, _recorded(fields, path, entry))


def parse_map(text: str, path: str) -> DiscussionMap:
    """Build a map from YAML text and check its internal consistency; MapError on any problem."""
    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise MapError(path, where, str(getattr(exc, "problem", exc))) from None
    document = _mapping(raw, path, "document")
    people = tuple(
        Person(
            name=_text(_mapping(p, path, "people"), "name", path, "people"),
            aliases=tuple(str(a) for a in _mapping(p, path, "people").get("aliases", [])),
        )
        for p in _list(document, "people", path, "document")
    )
    topics = tuple(
        Topic(
            id=_entry_id(_mapping(t, path, "topics"), path, "a topic"),
            title=_text(t, "title", path, "topic"),
            keywords=_keywords(t, path, "topic"),
            recorded=_recorded(t, path, "topic"),
        )
        for t in _list(document, "topics", path, "document")
    )
    discussion = DiscussionMap(
        path=path,
        thread=_thread(document.get("thread"), path),
        people=people,
        topics=topics,
        questions=tuple(_question(q, path) for q in _list(document, "questions", path, "document")),
        arguments=tuple(_argument(a, path) for a in _list(document, "arguments", path, "document")),
        decisions=tuple(
            _decision(d, path)
            for d in _list(document, "decisions", path, "document", required=False)
        ),
        corrections=tuple(
            _correction(c, path)
            for c in _list(document, "corrections", path, "document", required=False)
        ),
    )
    check_consistency(discussion)
    return discussion


def _check_unique_ids(discussion: DiscussionMap) -> None:
    seen: set[str] = set()
    for entry_id in (
        *(t.id for t in discussion.topics),
        *(q.id for q in discussion.questions),
        *(p.id for p in discussion.proposals()),
        *(a.id for a in discussion.arguments),
    ):
        if entry_id in seen:
            raise MapError(discussion.path, entry_id, "id used more than once")
        seen.add(entry_id)


def check_consistency(discussion: DiscussionMap) -> None:
    """Every reference resolves, every person is listed, every decision names a proposal."""
    path = discussion.path
    _check_unique_ids(discussion)
    topic_ids = {t.id for t in discussion.topics}
    for question in discussion.questions:
        if question.topic_id not in topic_ids:
            raise MapError(path, question.id, f"unknown topic {question.topic_id!r}")
    for entry_id, quote in discussion.quotes():
        for name in {quote.by, quote.writer}:
            if discussion.person(name) is None:
                raise MapError(path, entry_id, f"person {name!r} is not listed under `people`")
    for argument in discussion.arguments:
        for target in (*argument.supports, *argument.attacks):
            if discussion.kind_of(target) not in ("proposal", "argument"):
                raise MapError(
                    path, argument.id, f"target {target!r} is not a proposal or argument"
                )
            if target == argument.id:
                raise MapError(path, argument.id, "an argument cannot target itself")
    for decision in discussion.decisions:
        try:
            question = discussion.question(decision.question_id)
        except KeyError:
            raise MapError(path, decision.question_id, "decision on an unknown question") from None
        own = {p.id for p in question.proposals}
        for status in decision.statuses:
            entry = f"decision on {status.proposal_id}"
            if status.proposal_id not in own:
                raise MapError(path, entry, f"not a proposal of question {question.id}")
            if status.superseded_by and discussion.kind_of(status.superseded_by) != "proposal":
                raise MapError(path, entry, f"superseded_by {status.superseded_by!r} is unknown")
            for evidence in status.evidence:
                if discussion.kind_of(evidence) != "argument":
                    raise MapError(path, entry, f"evidence {evidence!r} is not an argument")


def load_map(path: str | Path) -> DiscussionMap:
    """Read and parse one map file; MapError names the file on any problem."""
    map_path = Path(path)
    try:
        text = map_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MapError(str(map_path), "file", exc.strerror or str(exc)) from None
    return parse_map(text, str(map_path))


def shipped_maps() -> list[DiscussionMap]:
    """Every curated map shipped in kb/maps/, in file-name order."""
    return [load_map(p) for p in sorted(MAPS_DIR.glob("*.yaml"))]


def message_date_text(value: datetime | None, zone: str | None) -> str | None:
    """A message date as the map writes it: wall-clock time in the thread's zone."""
    if value is None:
        return None
    if zone is not None and value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(zone))
    return value.strftime(DATE_FORMAT)


def _is_person(discussion: DiscussionMap, name: str, candidate: str | None) -> bool:
    person = discussion.person(name)
    if candidate is None or person is None:
        return False
    wanted = candidate.casefold()
    return any(n.casefold() == wanted or n.casefold() in wanted for n in person.names())


def _find(
    discussion: DiscussionMap,
    entry_id: str,
    quote: Quote,
    bodies: Sequence[tuple[ThreadMessage, str]],
) -> str:
    if quote.message_id is not None:
        named = [(m, body) for m, body in bodies if m.message_id == quote.message_id]
        if not named:
            raise MapError(discussion.path, entry_id, f"no message <{quote.message_id}>")
        if quote.text not in named[0][1]:
            raise MapError(
                discussion.path,
                entry_id,
                f"quote not found in <{quote.message_id}>: {quote.text!r}",
            )
        return quote.message_id
    containing = [m for m, body in bodies if quote.text in body]
    if not containing:
        raise MapError(discussion.path, entry_id, f"quote not found in any message: {quote.text!r}")
    zone = discussion.thread.timezone
    dated = [m for m in containing if message_date_text(m.date, zone) == quote.date]
    if not dated:
        seen = ", ".join(sorted({message_date_text(m.date, zone) or "undated" for m in containing}))
        raise MapError(
            discussion.path, entry_id, f"quote found, but in messages of {seen}, not {quote.date}"
        )
    by_writer = [m for m in dated if _is_person(discussion, quote.writer, m.author)]
    if not by_writer and all(m.author is not None for m in dated):
        authors = ", ".join(sorted({m.author or "" for m in dated}))
        raise MapError(
            discussion.path,
            entry_id,
            f"quote found in a message of {quote.date} by {authors}, not {quote.writer}",
        )
    return (by_writer or dated)[0].message_id


def _check_participants(discussion: DiscussionMap, messages: Sequence[ThreadMessage]) -> None:
    haystack = " ".join(" ".join((*m.names, m.author or "", m.body)) for m in messages).casefold()
    cited = {
        name
        for _entry, q in discussion.quotes()
        if q.message_id is None  # a quote that names its message is pinned by that
        for name in (q.by, q.writer)
    }
    for name in sorted(cited):
        person = discussion.person(name)
        assert person is not None  # check_consistency guarantees it
        if not any(n.casefold() in haystack for n in person.names()):
            raise MapError(discussion.path, name, "person does not occur in the thread")


def locate_quotes(discussion: DiscussionMap, messages: Iterable[ThreadMessage]) -> DiscussionMap:
    """The map with every quote's message id filled in; MapError names the first quote not found.

    A message whose author the importer could not tell (None) matches any writer; a message
    with a different author is an error, so a misattributed quote cannot slip through.
    """
    thread = list(messages)
    bodies = [(m, normalize_space(m.body)) for m in thread]
    _check_participants(discussion, thread)
    located: dict[tuple[str, Quote], Quote] = {}
    for entry_id, quote in discussion.quotes():
        message_id = _find(discussion, entry_id, quote, bodies)
        located[(entry_id, quote)] = replace(quote, message_id=message_id)
    questions = tuple(
        replace(
            q,
            proposals=tuple(
                replace(p, sources=tuple(located[(p.id, s)] for s in p.sources))
                for p in q.proposals
            ),
        )
        for q in discussion.questions
    )
    arguments = tuple(replace(a, quote=located[(a.id, a.quote)]) for a in discussion.arguments)
    return replace(discussion, questions=questions, arguments=arguments, _index={})
