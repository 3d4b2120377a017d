"""Snippets for lists of messages: the first line a message says itself, and where a search matched.

A reply in a thread's index that has no subject of its own shows its first own line (not quoted
text, an attribution or a greeting). A search hit shows the line where the query's words are,
with those words marked, and the pager marks them in the whole message.

The store finds the words, each engine with its own index: FTS5's `highlight()` on SQLite,
`ts_headline()` on PostgreSQL (reading words as `db/postgres_sql.py` says). Both are asked
about one word at a time, and the phrases of the query are put together here from those words,
by token position, so that both engines mark the same spans: `ts_headline` marks every query
word wherever it is, not only where a phrase holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from threadlore.db import search_sql
from threadlore.db.driver import StoreReader
from threadlore.db.query_language import And, Node, Not, Or, parse_query
from threadlore.db.views import Matches, Snippet, Span

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    Store = Session | StoreReader

OPENING_CHARS = 16_000  # how much of a body is read to find its first own line (after quotes)
SNIPPET_CHARS = 200  # the most of a line a snippet keeps
LEAD_CHARS = 40  # how much of the line before a match a snippet keeps
MAX_WORDS = 8  # words of a query that are marked (each is one query per engine)
# Noncharacters (never in interchanged text) mark where a word starts and ends in the engines'
# output; a body that carries them anyway gets no marks rather than wrong ones.
START_MARK = "\ufdd0"
END_MARK = "\ufdd1"
_MARKS = re.compile(f"[{START_MARK}{END_MARK}]")
_WORD = re.compile(r"[^\W_]+")  # a token as both engines read it: a run of letters and digits
_QUOTED = re.compile(r"^\s*[>|]")
_ATTRIBUTION = re.compile(r"\b(wrote|writes|said|schrieb|a écrit)\s*:\s*$", re.IGNORECASE)
_ATTRIBUTION_START = re.compile(r"^(on|am|le|quoting)\b", re.IGNORECASE)
_GREETING = re.compile(r"^(hi|hello|hey|dear|hallo|greetings|all)\b[^.!?:]{0,30}[,!]?$", re.I)
_SIGNATURE = re.compile(r"^(--|-----\s*original message\s*-----)", re.IGNORECASE)


def first_own_line(body: str) -> str:
    """The first line the writer wrote: not quoted, not an attribution, not a greeting.

    Whitespace inside it is collapsed; a body that is all quotes (or empty) gives "".
    """
    lines = body.splitlines()
    skip_until = -1
    for index, line in enumerate(lines):
        stripped = line.strip()
        if index <= skip_until or not stripped or _QUOTED.match(line):
            continue
        if _SIGNATURE.match(stripped):
            break
        if _ATTRIBUTION.search(stripped) or _GREETING.match(stripped):
            continue
        if _ATTRIBUTION_START.match(stripped):
            ending = next(
                (i for i in range(index + 1, min(index + 3, len(lines))) if lines[i].strip()), None
            )
            if ending is not None and _ATTRIBUTION.search(lines[ending].strip()):
                skip_until = ending
                continue
        return " ".join(stripped.split())
    return ""


def _reader(store: Store) -> StoreReader:
    """The store's connection: given, or the one under a session (the UI's)."""
    return store if isinstance(store, StoreReader) else StoreReader.of_session(store)


def first_own_lines(store: Store, thread_id: int) -> dict[str, str]:
    """Each message of a thread (by Message-ID) and its first own line."""
    reader = _reader(store)
    rows = reader.query(
        "SELECT message_id, substr(body, 1, :chars) FROM messages "
        "WHERE thread_id = :thread AND placeholder = false",
        chars=OPENING_CHARS,
        thread=thread_id,
    )
    return {message_id: first_own_line(body or "") for message_id, body in rows}


def text_terms(query: str) -> list[tuple[str, tuple[str, ...]]]:
    """The query's text terms that are not negated: (prefix, words), prefix "", "s" or "b"."""
    found: list[tuple[str, tuple[str, ...]]] = []

    def visit(node: Node) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, And | Or):
            for operand in node.operands:
                visit(operand)
        elif node.prefix in ("", "s", "b"):
            words = tuple(_WORD.findall(node.value))
            if words:
                found.append((node.prefix, words))

    visit(parse_query(query))
    return found


def search_matches(store: Store, query: str, message_ids: Sequence[str]) -> dict[str, Matches]:
    """Where the query's words are in each of `message_ids` (a page of its hits)."""
    if not message_ids:
        return {}
    reader = _reader(store)
    statement = "SELECT id, message_id, subject, body FROM messages WHERE placeholder = false AND "
    statement += reader.sql.in_list("message_id", ":ids")
    rows = reader.query(statement, ids=reader.sql.list_value(message_ids))
    return _matches(reader, query, rows)


def thread_matches(store: Store, query: str, thread_id: int) -> dict[str, Matches]:
    """The messages of a thread that the query matches, each with where its words are."""
    reader = _reader(store)
    return search_matches(reader, query, search_sql.matching_in_thread(reader, query, thread_id))


def _matches(reader: StoreReader, query: str, rows: Iterable[Sequence[Any]]) -> dict[str, Matches]:
    terms = text_terms(query)
    texts = {pk: (message_id, subject or "", body or "") for pk, message_id, subject, body in rows}
    words = list(dict.fromkeys(word.casefold() for _, ws in terms for word in ws))[:MAX_WORDS]
    marks = _word_marks(reader, words, list(texts)) if texts and words else {}
    result: dict[str, Matches] = {}
    for pk, (message_id, subject, body) in texts.items():
        subject_spans = _phrases(terms, "subject", subject, marks.get((pk, "subject"), {}))
        body_spans = _phrases(terms, "body", body, marks.get((pk, "body"), {}))
        result[message_id] = Matches(subject_spans, body_spans, snippet_of(body, body_spans))
    return result


def _word_marks(
    reader: StoreReader, words: list[str], pks: list[int]
) -> dict[tuple[int, str], dict[str, set[int]]]:
    """For each (message, column): each word and the start offsets of the tokens it matched."""
    sql = reader.sql
    marks: dict[tuple[int, str], dict[str, set[int]]] = {}
    for word in words:
        params = {
            "word": sql.text_value(word, None),
            "pks": sql.list_value(pks),
            "start": START_MARK,
            "end": END_MARK,
            "options": f"HighlightAll=true, StartSel={START_MARK}, StopSel={END_MARK}",
        }
        for pk, marked_subject, marked_body in reader.rows(sql.marked_words, params):
            for name, marked in (("subject", marked_subject), ("body", marked_body)):
                starts = _marked_starts(marked or "")
                if starts:
                    marks.setdefault((pk, name), {})[word] = starts
    return marks


def _marked_starts(marked: str) -> set[int]:
    """The offsets (in the text without marks) where a marked word starts; empty if malformed."""
    starts: set[int] = set()
    plain = 0
    inside = False
    position = 0
    for found in _MARKS.finditer(marked):
        plain += found.start() - position
        position = found.end()
        opening = found.group() == START_MARK
        if opening == inside:
            return set()
        inside = opening
        if opening:
            starts.add(plain)
    return set() if inside else starts


def _phrases(
    terms: Iterable[tuple[str, tuple[str, ...]]],
    column_name: str,
    text: str,
    marks: dict[str, set[int]],
) -> tuple[Span, ...]:
    """The spans of `text` where a term's words follow one another, token after token."""
    if not marks:
        return ()
    tokens = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    index_at = {start: index for index, (start, _) in enumerate(tokens)}
    spans: set[Span] = set()
    allowed = {"subject": ("", "s"), "body": ("", "b")}[column_name]
    for prefix, words in terms:
        if prefix not in allowed:
            continue
        at = [{index_at[s] for s in marks.get(w.casefold(), ()) if s in index_at} for w in words]
        for first in at[0]:
            last = first + len(words) - 1
            if last < len(tokens) and all(first + j in at[j] for j in range(1, len(words))):
                spans.add((tokens[first][0], tokens[last][1]))
    return tuple(sorted(spans))


def snippet_of(body: str, spans: tuple[Span, ...]) -> Snippet:
    """The line that best shows why the message matched, its spans kept: an own line before a
    quoted one, then the line with most of the query's words, then the earliest. Without a
    match in the body, the first own line."""
    if not spans:
        return Snippet(first_own_line(body[:OPENING_CHARS])[:SNIPPET_CHARS])
    line_starts = [0] + [m.end() for m in re.finditer("\n", body)]

    def line_of(offset: int) -> tuple[int, int]:
        start = max(s for s in line_starts if s <= offset)
        end = body.find("\n", start)
        return start, len(body) if end < 0 else end

    words: dict[tuple[int, int], set[str]] = {}
    for span_start, span_end in spans:
        words.setdefault(line_of(span_start), set()).add(body[span_start:span_end].casefold())

    def rank(line: tuple[int, int]) -> tuple[bool, int, int]:
        """Own lines first, then lines with more of the query's words, then earlier ones."""
        return (bool(_QUOTED.match(body[line[0] : line[1]])), -len(words[line]), line[0])

    start, end = min(words, key=rank)
    first_match = min(s for s, _ in spans if start <= s < end)
    line = body[start:end]
    cut = len(line) - len(line.lstrip(" \t>|"))
    if first_match - start - cut > LEAD_CHARS:
        boundary = line.rfind(" ", 0, first_match - start - LEAD_CHARS // 2)
        cut = boundary + 1 if boundary >= 0 else first_match - start - LEAD_CHARS // 2
    kept = line[cut : cut + SNIPPET_CHARS].rstrip().replace("\t", " ")
    lead = "…" if line[:cut].strip(" \t>|") else ("> " if _QUOTED.match(line) else "")
    offset = start + cut - len(lead)
    shown = [
        (max(s, start + cut) - offset, min(e, start + cut + len(kept)) - offset)
        for s, e in spans
        if start + cut <= s < start + cut + len(kept)
    ]
    return Snippet(lead + kept, tuple(shown))
