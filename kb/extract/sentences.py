"""A message's own sentences, each with where it stands: what extraction classifies.

A body is read line by line. Quoted text (`>`), attributions ("On … X wrote:"), diffs,
diffstats, signatures (`-- `), list footers and forwarded originals are set apart; what is left is
split into paragraphs (at blank lines and quoted blocks), list items and sentences. Each sentence
keeps its offset in the whitespace-normalised body (`kb.quoting.normalize_space`), so a
candidate made of it is a valid map quote, and the facts a reviewer would use to judge it: its
place in the message, the quoted text it answers, whether it is in a patch's changelog, whether
it is a trailer line or a list item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from threadlore.importers.diff_scan import scan_diffs
from threadlore.importers.diffstat import is_diffstat_line
from threadlore.kb.quoting import normalize_space

_SENTENCE_END = re.compile(r"(?<=[.!?])[)\"']?\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"\b(?:e\.g|i\.e|etc|vs|cf|Mr|Dr|approx|resp)\.$|^\(?(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)]$",
    re.IGNORECASE,
)
"""What ends in a full stop without ending a sentence: abbreviations, a list item's label."""
_ATTRIBUTION = re.compile(
    r"(?:wrote|writes|said|schrieb|a écrit|escribió)\s*:\s*$|^quoting\b.*:\s*$", re.IGNORECASE
)
_TRAILER = re.compile(r"^(?P<key>[A-Za-z]+(?:-[A-Za-z]+)*-by|Fixes|Link|Cc|Closes):\s*\S")
_NAK = re.compile(r"^(?:NAK|NACK)(?:ed)?\b", re.IGNORECASE)
_LIST_MARKER = re.compile(
    r"^\s*(?:(?P<label>\d{1,2}|[a-hA-H]|[ivx]{1,4})[.)]|\((?P<paren>\d{1,2}|[a-hA-H])\)"
    r"|(?P<option>option|alternative|approach|choice)\s+(?P<named>\d{1,2}|[A-H])\b\s*[:.)-]?"
    r"|(?P<bullet>[-*•+]))\s+\S",
    re.IGNORECASE,
)
_FOOTER = re.compile(r"^(?:_{20,}|-{5,} ?(?:next part|original message)\b.*|={20,}\s*$)", re.I)
_OUTLOOK_HEADER = re.compile(r"^(?:From|Sent|Date|To|Subject):\s", re.IGNORECASE)
_SEPARATOR = re.compile(r"^-{3}\s*$")
_QUOTE_MARK = re.compile(r"^\s*(?:[A-Za-z]{1,10})?>")
"""A quoted line: `> text`, or supercite's `Name> text` (Emacs mail readers on R-devel)."""
_SALUTATION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "hi hello hey dear all folks everyone guys thanks thank you thx many regards best kind "
        "cheers bye ciao greetings br sincerely yours again",
    )
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a message's own text, and where it stands.

    `quoted_before` is the nearest quoted passage above its paragraph (what an inline reply
    answers), `list_label` the item label ("1", "b", "-") when the sentence opens a list item.
    """

    text: str
    offset: int
    index: int
    paragraph: int
    first_in_paragraph: bool
    quoted_before: str
    in_changelog: bool
    after_separator: bool
    trailer_key: str | None
    list_label: str | None
    intro: str
    """The sentence before the list this item belongs to (empty outside lists)."""
    since_quote: int | None = None
    """How many own sentences stand between it and the quoted passage it answers (0: the first
    sentence under the quote); None above the message's first quote."""

    @property
    def answers_question(self) -> bool:
        return self.quoted_before.rstrip().endswith("?")


@dataclass(frozen=True)
class MessageText:
    """A message's own sentences, with what the whole body says about them."""

    sentences: tuple[Sentence, ...]
    has_patch: bool
    quoted_lines: int
    answered_quotes: tuple[str, ...] = ()
    """The quoted passages the message answers (each followed by its own text)."""


@dataclass
class _Block:
    lines: list[str]
    quoted_before: str
    after_separator: bool
    under_quote: bool
    """Whether a quoted passage is right above it (an inline reply's answer starts here)."""


def _joined(lines: list[str]) -> str:
    """Lines as one whitespace-normalised text (each sentence made of it is then looked up in
    the body normalised by `normalize_space`, so a difference could only drop a sentence)."""
    return " ".join(" ".join(lines).split())


def _list_label(line: str) -> str | None:
    match = _LIST_MARKER.match(line)
    if match is None:
        return None
    label = match["label"] or match["paren"] or match["named"] or match["bullet"]
    return label.lower() if label else None


def _cut_lines(lines: list[str]) -> tuple[list[str | None], bool]:
    """The lines with diffs, diffstats, signatures and footers blanked out (None)."""
    kept: list[str | None] = list(lines)
    diffs = scan_diffs(lines)
    for diff in diffs:
        for index in range(diff.first_line, diff.last_line + 1):
            kept[index] = None
    for index, line in enumerate(lines):
        if kept[index] is None:
            continue
        stripped = line.rstrip()
        outlook = (
            _OUTLOOK_HEADER.match(line)
            and index + 1 < len(lines)
            and _OUTLOOK_HEADER.match(lines[index + 1])
        )
        if stripped in ("--", "-- ") or _FOOTER.match(stripped) or outlook:
            kept[index:] = [None] * (len(lines) - index)
            break
        if is_diffstat_line(line):
            kept[index] = None
    return kept, bool(diffs)


def _blocks(lines: list[str | None]) -> tuple[list[_Block], int]:
    """Own paragraphs, each with the quoted text right above it; and how many lines are quoted."""
    blocks: list[_Block] = []
    current: list[str] = []
    quoted: list[str] = []
    last_quote = ""
    separator = False
    quoted_count = 0
    under_quote = False

    def close() -> None:
        nonlocal current, under_quote
        if current:
            blocks.append(_Block(current, last_quote, separator, under_quote))
            under_quote = False
        current = []

    for line in lines:
        if line is None or not line.strip():
            close()
            continue
        quote_mark = _QUOTE_MARK.match(line)
        if quote_mark:
            close()
            quoted.append(line[quote_mark.end() :].lstrip("> \t"))
            quoted_count += 1
            continue
        if quoted:
            last_quote = _joined(quoted)
            quoted = []
            under_quote = True
        if _SEPARATOR.match(line):
            close()
            separator = True
            continue
        current.append(line.strip())
    close()
    return blocks, quoted_count


def _items(block: _Block) -> list[tuple[str | None, list[str]]]:
    """A paragraph cut into list items (a label and its lines), or one unlabelled item."""
    items: list[tuple[str | None, list[str]]] = []
    for line in block.lines:
        label = _list_label(line)
        if label is not None or not items or _TRAILER.match(line) or _NAK.match(line):
            items.append((label, [line]))
        elif _TRAILER.match(items[-1][1][-1]):
            items.append((None, [line]))
        else:
            items[-1][1].append(line)
    return items


def split_sentences(text: str) -> list[str]:
    """Sentences of a whitespace-normalised paragraph, not cut after "e.g." and the like."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        head = text[start : match.start()]
        if _ABBREVIATION.search(head.rstrip(")\"'")):
            continue
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _is_salutation(block: _Block, names: set[str]) -> bool:
    """A greeting or closing paragraph: "Hi all,", "Thanks,\nAdam", "-Kees", "Cheers, Nick"."""
    words = _WORD.findall(" ".join(block.lines).casefold())
    return 0 < len(words) <= 5 and all(w in _SALUTATION_WORDS or w in names for w in words)


def read_message(body: str, author: str | None = None) -> MessageText:
    """The own sentences of a body, in reading order, with their offsets and positions.

    Greetings and closings ("Hi all,", "Thanks, Adam" — by the `author`'s names) are left out.
    """
    normalised = normalize_space(body)
    kept, has_patch = _cut_lines(body.splitlines())
    blocks, quoted_count = _blocks(kept)
    names = set(_WORD.findall((author or "").casefold()))
    blocks = [b for b in blocks if not _is_salutation(b, names)]
    sentences: list[Sentence] = []
    cursor = 0
    changelog = has_patch
    paragraph = 0
    intro = ""
    since_quote: int | None = None
    for block in blocks:
        text = _joined(block.lines)
        if len(text) < 300 and _ATTRIBUTION.search(text):
            continue
        if block.under_quote:
            since_quote = 0
        for label, lines in _items(block):
            trailer = _TRAILER.match(lines[0])
            if trailer:
                changelog = False
            first = True
            joined = _joined(lines)
            for piece in [joined] if trailer else split_sentences(joined):
                offset = normalised.find(piece, cursor)
                if offset < 0:
                    continue
                cursor = offset + len(piece)
                sentences.append(
                    Sentence(
                        text=piece,
                        offset=offset,
                        index=len(sentences),
                        paragraph=paragraph,
                        first_in_paragraph=first and label is None,
                        quoted_before=block.quoted_before,
                        in_changelog=changelog and not block.after_separator,
                        after_separator=block.after_separator,
                        trailer_key=trailer["key"].lower() if trailer else None,
                        list_label=label if first else None,
                        intro=intro if label is not None else "",
                        since_quote=since_quote,
                    )
                )
                first = False
                since_quote = None if since_quote is None else since_quote + 1
            if label is None and not trailer and sentences:
                intro = sentences[-1].text
        paragraph += 1
    answered = tuple(dict.fromkeys(b.quoted_before for b in blocks if b.quoted_before))
    return MessageText(tuple(sentences), has_patch, quoted_count, answered)
