"""The search language: a query's words, prefixes, phrases and operators read into a syntax tree.

    f:miklos page_mkclean          from Miklos, mentioning page_mkclean (AND by default)
    s:"fault vs truncate" OR b:nopage_mkwrite
    d:2007-03-07..2007-03-08 -f:akpm  dates (open ends: d:..2007-03-08), NOT with - or NOT
    dfn:mm/memory.c dfhh:do_no_page has:patch   patches by file, hunk function, presence

Prefixes: f (from), t (to), c (cc), s (subject), b (body), d (date), dfn (file a patch
touches), dfhh (function heading of a hunk), has:patch. A malformed query raises
QuerySyntaxError with a one-line message; `db.search` compiles the tree to SQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PREFIXES = ("f", "t", "c", "s", "b", "d", "dfn", "dfhh", "has")
_PREFIXED = re.compile(r"^(?P<prefix>[a-z]+):(?P<rest>.*)$", re.DOTALL)


class QuerySyntaxError(ValueError):
    """A search query that cannot be read; the message says what is wrong, in one line."""


@dataclass(frozen=True)
class Term:
    """One search term: a prefix ("" for plain text) and the value it looks for."""

    prefix: str
    value: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


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
    found = _PREFIXED.match(word)
    if not found:
        return Term("", word)
    prefix, rest = found["prefix"], found["rest"]
    if prefix not in PREFIXES:
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise QuerySyntaxError(f"unknown prefix {prefix + ':'!r} (known: {known})")
    if not rest and not quoted:
        raise QuerySyntaxError(f"nothing after {prefix + ':'!r}")
    return Term(prefix, rest)


class _Parser:
    """Recursive descent over the tokens: OR binds loosest, then AND (implicit), then NOT."""

    def __init__(self, tokens: list[str | Term]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | Term | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str | Term | None:
        token = self.peek()
        self.at += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise QuerySyntaxError("empty query")
        node = self.parse_or()
        if self.peek() is not None:
            raise QuerySyntaxError(f"unexpected {self.peek()!r}: unbalanced parenthesis?")
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_unary()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self) -> Node:
        token = self.take()
        if token in ("NOT", "-"):
            return Not(self.parse_unary())
        if token == "(":
            node = self.parse_or()
            if self.take() != ")":
                raise QuerySyntaxError("unbalanced parenthesis: missing ')'")
            return node
        if isinstance(token, Term):
            return token
        if token is None:
            raise QuerySyntaxError("query ends where a search term was expected")
        raise QuerySyntaxError(f"unexpected {token!r} where a search term was expected")


def parse_query(text: str) -> Node:
    """The syntax tree of a query; QuerySyntaxError if it is malformed."""
    return _Parser(tokenize(_readable(text))).parse()


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
