"""The search language: a query's words, prefixes, phrases and operators read into a syntax tree.

    f:miklos page_mkclean          from Miklos, mentioning page_mkclean (AND by default)
    s:"fault vs truncate" OR b:nopage_mkwrite
    d:2007-03-07..2007-03-08 -f:akpm  dates (open ends: d:..2007-03-08), NOT with - or NOT
    dfn:mm/memory.c dfhh:do_no_page has:patch   patches by file, hunk function, presence

Prefixes: f (from), t (to), c (cc), s (subject), b (body), d (date), dfn (file a patch
touches), dfhh (function heading of a hunk), has:patch. A malformed query raises
QuerySyntaxError with a one-line message. `db.search_sql` compiles the tree to the SQL text a
search runs (and tests/db/orm_search.py to SQLAlchemy, the reference that SQL is checked
against); this module imports neither, so a search process does not pay for SQLAlchemy.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from typing import Any

PREFIXES = ("f", "t", "c", "s", "b", "d", "dfn", "dfhh", "has")


class QuerySyntaxError(ValueError):
    """A search query that cannot be read; the message says what is wrong, in one line."""


class _Node:
    """A node of a parsed query, equal to a node of the same kind with the same fields. Plain
    classes, not dataclasses: a search process starts without importing `dataclasses` and
    `inspect` under it (issue 15)."""

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Node)
            and type(self) is type(other)
            and self._fields() == other._fields()
        )

    def __hash__(self) -> int:
        return hash((type(self), self._fields()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._fields()!r}"


class Term(_Node):
    """One search term: a prefix ("" for plain text) and the value it looks for."""

    __slots__ = ("prefix", "value")

    def __init__(self, prefix: str, value: str) -> None:
        self.prefix = prefix
        self.value = value


class Not(_Node):
    __slots__ = ("operand",)

    def __init__(self, operand: Node) -> None:
        self.operand = operand


class And(_Node):
    __slots__ = ("operands",)

    def __init__(self, operands: tuple[Node, ...]) -> None:
        self.operands = operands


class Or(_Node):
    __slots__ = ("operands",)

    def __init__(self, operands: tuple[Node, ...]) -> None:
        self.operands = operands


Node = Term | Not | And | Or


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The phrase inside double quotes starting at `start`, and the index after it."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QuerySyntaxError(f"unbalanced quote at character {start + 1}")
    return text[start + 1 : end], end + 1


def _word_end(text: str, start: int) -> int:
    """Where a bare word ends: at a space, a quote, or a ")" that closes no "(" of its own.

    Parentheses inside a word (`write()`, `f(x)`) belong to it; only one at a word's edge groups.
    """
    i, inner = start, 0
    while i < len(text) and not text[i].isspace() and text[i] != '"':
        if text[i] == "(":
            inner += 1
        elif text[i] == ")":
            if inner == 0:
                break
            inner -= 1
        i += 1
    return i


def tokenize(text: str) -> list[str | Term]:
    """Split a query into "(", ")", "OR", "AND", "NOT", "-" and terms."""
    tokens: list[str | Term] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(char)
            i += 1
        elif char == "-" and i + 1 < len(text) and not text[i + 1].isspace():
            tokens.append("-")
            i += 1
        elif char == '"':
            phrase, i = _read_quoted(text, i)
            tokens.append(Term("", phrase))
        else:
            start = i
            i = _word_end(text, i)
            word = text[start:i]
            if i < len(text) and text[i] == '"' and word.endswith(":"):
                phrase, i = _read_quoted(text, i)
                word += phrase
                tokens.append(_term(word, quoted=True))
            elif word in ("OR", "AND", "NOT"):
                tokens.append(word)
            else:
                tokens.append(_term(word, quoted=False))
    return tokens


def _term(word: str, *, quoted: bool) -> Term:
    prefix, colon, rest = word.partition(":")
    if not (colon and prefix.isascii() and prefix.isalpha() and prefix.islower()):  # [a-z]+:
        return Term("", word)
    if prefix not in PREFIXES:
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise QuerySyntaxError(f"unknown prefix {prefix + ':'!r} (known: {known})")
    if not rest and not quoted:
        raise QuerySyntaxError(f"nothing after {prefix + ':'!r}")
    return Term(prefix, rest)


MAX_TERMS = 256
"""The most search terms a query may have: each is an index lookup (and a subquery), and past a
few hundred SQLite refuses the expression while PostgreSQL grinds on; both refuse alike."""
MAX_DEPTH = 24
"""The most levels of AND, OR and NOT a query may nest once redundant parentheses are gone
(SQLite's parser stops at about 20 levels of parentheses in the SQL, reached near 40)."""
MAX_PHRASE_WORDS = 64
"""The most words a phrase may have: PostgreSQL's phrase query nests one level a word (60,000
exhaust its stack), and a long body is indexed in parts that overlap by more than this."""


class _Group:
    """An open parenthesis (or the whole query) and what has been read inside it so far."""

    def __init__(self, negated: bool) -> None:
        self.negated = negated  # the group stands under an odd number of NOTs
        self.alternatives: list[Node] = []  # finished operands of OR
        self.conjuncts: list[Node] = []  # operands of the AND being read
        self.negations = 0  # NOTs read since the last operand, waiting for the next one
        self.after_and = False

    @property
    def expects_term(self) -> bool:
        return not self.conjuncts or self.negations > 0 or self.after_and

    def add(self, node: Node) -> None:
        self.conjuncts.append(negated(node) if self.negations % 2 else node)
        self.negations = 0
        self.after_and = False

    def close_alternative(self) -> None:
        self.alternatives.append(_joined(And, self.conjuncts))
        self.conjuncts = []

    def finish(self) -> Node:
        self.close_alternative()
        node = _joined(Or, self.alternatives)
        return negated(node) if self.negated else node


def negated(node: Node) -> Node:
    """NOT `node`; NOT NOT x is x."""
    return node.operand if isinstance(node, Not) else Not(node)


def _joined(kind: type[And] | type[Or], nodes: list[Node]) -> Node:
    """`nodes` under one AND (or OR), an operand of the same kind spliced in: (a b) c is a b c."""
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.operands if isinstance(node, kind) else (node,))
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def _unexpected(token: str) -> QuerySyntaxError:
    return QuerySyntaxError(f"unexpected {token!r} where a search term was expected")


def _parse(tokens: list[str | Term]) -> Node:
    """The tokens as a tree: OR binds loosest, then AND (implicit), then NOT.

    Read in one pass with a stack of open parentheses instead of recursion, so that no nesting
    a query can spell reaches Python's recursion limit.
    """
    if not tokens:
        raise QuerySyntaxError("empty query")
    groups = [_Group(negated=False)]
    for token in tokens:
        group = groups[-1]
        if isinstance(token, Term):
            group.add(token)
        elif token in ("NOT", "-"):
            group.negations += 1
        elif token == "(":
            groups.append(_Group(negated=group.negations % 2 == 1))
            group.negations, group.after_and = 0, False  # the group is the operand they wait for
        elif group.expects_term:
            raise _unexpected(token)
        elif token == "AND":
            group.after_and = True
        elif token == "OR":
            group.close_alternative()
        elif len(groups) == 1:
            raise QuerySyntaxError(f"unexpected {token!r}: unbalanced parenthesis?")
        else:
            groups.pop()
            groups[-1].conjuncts.append(group.finish())
    if groups[-1].expects_term:
        raise QuerySyntaxError("query ends where a search term was expected")
    if len(groups) > 1:
        raise QuerySyntaxError("unbalanced parenthesis: missing ')'")
    return groups[0].finish()


def _depth(root: Node) -> int:
    """How many levels the tree has (a lone term: 1), counted without recursion."""
    deepest = 0
    pending: list[tuple[Node, int]] = [(root, 1)]
    while pending:
        node, level = pending.pop()
        deepest = max(deepest, level)
        if isinstance(node, Not):
            pending.append((node.operand, level + 1))
        elif isinstance(node, And | Or):
            pending.extend((operand, level + 1) for operand in node.operands)
    return deepest


def parse_query(text: str) -> Node:
    """The syntax tree of a query; QuerySyntaxError if it is malformed or too large."""
    tokens = tokenize(_readable(text))
    terms = [token for token in tokens if isinstance(token, Term)]
    if len(terms) > MAX_TERMS:
        raise QuerySyntaxError(
            f"the query has {len(terms)} search terms; at most {MAX_TERMS} are read"
        )
    for term in terms:
        words = word_count(term.value)
        if words > MAX_PHRASE_WORDS:
            raise QuerySyntaxError(
                f"a search term of {words} words; a phrase may have at most {MAX_PHRASE_WORDS}"
            )
    tree = _parse(tokens)
    depth = _depth(tree)
    if depth > MAX_DEPTH:
        raise QuerySyntaxError(
            f"the query nests AND, OR and NOT {depth} levels deep; at most {MAX_DEPTH} are read"
        )
    return tree


def has_word(text: str) -> bool:
    r"""Whether `text` holds a character both engines' indexes read, a letter or a digit (what a
    regular expression's `[^\W_]` matches: the search path does not load `re`, issue 15)."""
    return any(char.isalnum() for char in text)


def word_count(text: str) -> int:
    """How many words both engines' indexes read in `text`: runs of letters and digits."""
    count, inside = 0, False
    for char in text:
        in_word = char.isalnum()
        count += in_word and not inside
        inside = in_word
    return count


def _readable(text: str) -> str:
    """The query with control characters as spaces; refused if it is not valid Unicode.

    A NUL would end an FTS5 phrase early and a lone surrogate (from a terminal that is not
    UTF-8) cannot be sent to the database at all.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QuerySyntaxError(
            f"the query is not valid text (character {exc.start + 1} is a lone surrogate)"
        ) from None
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)


def _period(text: str) -> tuple[date, int]:
    """The first day of a YYYY, YYYY-MM or YYYY-MM-DD period, and how many parts it was given in."""
    parts = text.split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) > 3 or len(parts[0]) != 4:
            raise ValueError(text)
        start = date(numbers[0], *(numbers[1:] or [1]), *([1] if len(numbers) < 3 else []))
    except ValueError:
        raise QuerySyntaxError(f"bad date {text!r}: use YYYY-MM-DD, YYYY-MM or YYYY") from None
    return start, len(numbers)


def _following(start: date, parts: int) -> date | None:
    """The first day after the period; None after the last day a date can have (9999-12-31)."""
    try:
        if parts == 1:
            return date(start.year + 1, 1, 1)
        if parts == 2:
            return date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start + timedelta(days=1)
    except (ValueError, OverflowError):
        return None


def date_bounds(value: str) -> tuple[datetime | None, datetime | None]:
    """The instants a `d:` value spans: from the start of its first period (None: open) to the
    start of the day after its last (None: open, or no day after it: 9999-12-31)."""
    since, dots, until = value.partition("..")
    if not dots:
        since = until = value
    if not since and not until:
        raise QuerySyntaxError("d: needs a date or a range such as 2007-03-07..2007-03-08")
    start = datetime.combine(_period(since)[0], datetime.min.time()) if since else None
    end = _following(*_period(until)) if until else None
    return start, None if end is None else datetime.combine(end, datetime.min.time())
