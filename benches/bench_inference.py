"""How often archive-text inference gets authors, parents and dates right, list by list.

Every real thread of the shared corpora (the seven lists of `lists/threads/` and the LKML threads
of notmuch's corpus) is rewritten as an archive page by `benches.archive_pages` — no From:,
Subject or Message-ID, quotes stripped, the archive's clock — and read back by the importer. Each
inferred value is compared with the true headers:

- author: the same address (local part, as the archive cuts the rest) or the same name;
- parent: the same message;
- date: the same UTC minute.

Leave-one-list-out: a rule is developed on some lists (`DEVELOPED_ON` names them). A list's
figures are held out when no rule was developed on it; the table says which. Detail of the wrong
inferences (`--errors LIST`) is shown only for lists rules were developed on, so that looking at
a held-out list's mistakes cannot tune a rule on it.

The calibration table puts every inference in a band of its confidence and counts how many were
right: a confidence means what it says when the share right is within the band.

Run: `.venv/bin/python -m benches.bench_inference [--errors LIST]`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benches.archive_pages import (
    Page,
    TrueMessage,
    plain_local_part,
    read_mail_folder,
    read_mbox_file,
    render_page,
    threads,
)
from threadlore.importers.archive_messages import build_messages
from threadlore.importers.archive_text import parse_archive_text
from threadlore.importers.records import Address, InferredField, ParsedMessage

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
THREADS = CORPORA / "lists" / "threads"
LKML = CORPORA / "notmuch" / "test" / "corpora" / "lkml"


@dataclass(frozen=True)
class ListCorpus:
    """One list's threads and the address its posts went to (for exports that dropped To:)."""

    name: str
    files: tuple[Path, ...]
    address: Address

    def pages(self) -> Iterator[Page]:
        for path in self.files:
            messages = read_mail_folder(path) if path.is_dir() else read_mbox_file(path)
            for number, thread in enumerate(threads(messages), start=1):
                yield render_page(f"{path.name}#{number}", thread, self.address)


def _files(prefix: str) -> tuple[Path, ...]:
    return tuple(sorted(THREADS.glob(f"{prefix}-*.mbox")))


LISTS = (
    ListCorpus(
        "ksummit", _files("ksummit"), Address("", "ksummit-discuss@lists.linuxfoundation.org")
    ),
    ListCorpus("nbd", _files("nbd"), Address("", "nbd@other.debian.org")),
    ListCorpus("open-iscsi", _files("open-iscsi"), Address("", "open-iscsi@googlegroups.com")),
    ListCorpus("linux-sparse", _files("sparse"), Address("", "linux-sparse@vger.kernel.org")),
    ListCorpus(
        "kernel-hardening",
        _files("kernel-hardening"),
        Address("", "kernel-hardening@lists.openwall.com"),
    ),
    ListCorpus("blinux", _files("blinux"), Address("", "blinux-list@redhat.com")),
    ListCorpus("r-devel", _files("r-devel"), Address("R-devel list", "r-devel@stat.math.ethz.ch")),
    ListCorpus("notmuch-lkml", (LKML,), Address("", "linux-kernel@vger.kernel.org")),
)

# Which lists each rule of the inference was developed on (looked at, tuned on). A list is held
# out when it appears in none of these.
DEVELOPED_ON: dict[str, tuple[str, ...]] = {
    "signatures, dropped address, replies' To:, depth-first parents, sibling order, series "
    "(the seed's rules)": ("seed",),
    "people by key (gmane's mangling, 'X via List', one full name, names only signatures "
    "spell), lists by address on every message, list footers, closing forms (-Olof, ~Kyle, "
    "tglx, Thanks, Paul), nicknames, greetings (Hi Lee,), one rarely writes to oneself, drop "
    "votes weighed by the page's signed messages, readdressed only against a signature, the "
    "follow-up bonus on the reply's own evidence, a series by its signer, sibling order from "
    "sure parents, the fixed UTC-4 clock": ("ksummit", "open-iscsi", "notmuch-lkml", "blinux"),
}


@dataclass
class Tally:
    """Right and total counts of one field."""

    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def __str__(self) -> str:
        if not self.total:
            return "      -"
        return f"{self.right:3}/{self.total:<3} {100 * self.right / self.total:5.1f}%"


@dataclass
class Score:
    authors: Tally = field(default_factory=Tally)
    parents: Tally = field(default_factory=Tally)
    dates: Tally = field(default_factory=Tally)
    unknown_authors: int = 0
    by_name_only: int = 0
    author_misses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


BANDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)


@dataclass
class Calibration:
    """Per field, per confidence band: right and total."""

    cells: dict[tuple[str, int], Tally] = field(default_factory=dict)

    def add(self, which: str, confidence: float, ok: bool) -> None:
        band = next(i for i in range(len(BANDS) - 1) if confidence < BANDS[i + 1])
        self.cells.setdefault((which, band), Tally()).add(ok)


def _words(name: str) -> tuple[str, ...]:
    return tuple(name.casefold().replace('"', "").replace("'", "").split())


def same_person(inferred: Address, true: Address) -> bool:
    """The same address (as far as the archive keeps it) or the same full name; an author known
    by name only (a signature no header spells) matches when each of its words is a word of
    the true name or begins its first word ("Ulrich", "Don" for Donald Williams)."""
    emails = inferred.email and true.email
    if emails and plain_local_part(inferred.email) == plain_local_part(true.email):
        return True
    mine, theirs = _words(inferred.name), _words(true.name)
    if not mine or not theirs:
        return False
    if inferred.email:
        return mine == theirs
    return all(w in theirs for w in mine) or (len(mine) == 1 and theirs[0].startswith(mine[0]))


def _minute(when: datetime) -> datetime:
    return when.astimezone(UTC).replace(second=0, microsecond=0)


def score_page(page: Page, score: Score, calibration: Calibration) -> None:
    messages: list[ParsedMessage] = list(build_messages(parse_archive_text(page.text, page.name)))
    assert len(messages) == len(page.truth), f"{page.name}: {len(messages)} blocks read"
    position = {m.message_id: i for i, m in enumerate(page.truth)}
    found_position = {m.message_id: i for i, m in enumerate(messages)}
    for index, (found, true) in enumerate(zip(messages, page.truth, strict=True)):
        _score_author(page, index, found, true, score, calibration)
        wanted = position[true.parent] if true.parent else None
        got = found_position.get(found.in_reply_to or "")
        ok = got == wanted
        score.parents.add(ok)
        parent = found.inference(InferredField.PARENT)
        if parent is not None:
            calibration.add("parent", parent.confidence, ok)
        if not ok:
            score.errors.append(
                f"{page.name} #{index + 1}: parent #{(got or -1) + 1} for #{(wanted or -1) + 1}"
                f" ({parent.confidence if parent else '-'}): {(parent.evidence if parent else ())}"
            )
        ok = found.date is not None and _minute(found.date) == _minute(true.date)
        score.dates.add(ok)
        date = found.inference(InferredField.DATE)
        if date is not None:
            calibration.add("date", date.confidence, ok)


def _score_author(
    page: Page,
    index: int,
    found: ParsedMessage,
    true: TrueMessage,
    score: Score,
    calibration: Calibration,
) -> None:
    if true.author is None:  # an anonymous list: no header tells who wrote it
        return
    inference = found.inference(InferredField.AUTHOR)
    ok = found.author is not None and same_person(found.author, true.author)
    score.authors.add(ok)
    if found.author is None:
        score.unknown_authors += 1
    elif ok and not found.author.email:
        score.by_name_only += 1
    if inference is not None:
        calibration.add("author", inference.confidence, ok)
    if not ok:
        score.author_misses[miss_pattern(page, index, found, true.author)] += 1
        score.errors.append(
            f"{page.name} #{index + 1}: author {found.author} for {true.author} "
            f"({inference.confidence if inference else '-'}): "
            f"{inference.evidence if inference else ()}"
        )


_EVIDENCE_KINDS = (
    ("replying to #", "a dropped address"),
    ("one of the ", "dropped addresses"),
    ("reply #", "the replies' To:"),
    ("signed ", "a signature"),
    ("Signed-off-by", "a signature"),
    ("endorsement", "a signature"),
    ("closing name", "a signature"),
    ("signature", "a signature"),
    ("sent with", "the series"),
    ("#", "the series"),
)


def miss_pattern(page: Page, index: int, found: ParsedMessage, true: Address) -> str:
    """Why an author was missed: unknown (and whether the page names the true author anywhere,
    in a header or a body), or wrong, by the kind of the strongest evidence for the wrong one."""
    if found.author is None:
        local = plain_local_part(true.email) if true.email else ""
        words = [w for w in _words(true.name) if len(w) > 2]
        text = page.text.casefold()
        named = (local and f"{local}@" in text) or any(w in text for w in words)
        return "unknown, named on the page" if named else "unknown, never named on the page"
    inference = found.inference(InferredField.AUTHOR)
    reason = inference.evidence[0] if inference and inference.evidence else ""
    kind = next((k for prefix, k in _EVIDENCE_KINDS if reason.startswith(prefix)), "other")
    return f"wrong, by {kind}"


def held_out(name: str) -> bool:
    return not any(name in lists for lists in DEVELOPED_ON.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", metavar="LIST", help="print the wrong inferences of a list")
    parser.add_argument(
        "--developed-only",
        action="store_true",
        help="score only the lists rules were developed on (while developing a rule)",
    )
    args = parser.parse_args(argv)
    if args.errors and held_out(args.errors):
        parser.error(f"{args.errors} is held out: its errors are not shown (see DEVELOPED_ON)")
    calibrations = {True: Calibration(), False: Calibration()}  # by held out
    print(
        f"{'list':18} {'pages':>5} {'msgs':>5}  {'authors':15} {'parents':15} {'dates':15} held out"
    )
    for corpus in LISTS:
        if args.developed_only and held_out(corpus.name):
            continue
        score = Score()
        pages = list(corpus.pages())
        for page in pages:
            score_page(page, score, calibrations[held_out(corpus.name)])
        messages = sum(len(p.truth) for p in pages)
        print(
            f"{corpus.name:18} {len(pages):5} {messages:5}  {score.authors!s:15} "
            f"{score.parents!s:15} {score.dates!s:15} {'yes' if held_out(corpus.name) else 'no'}"
            + (f"  ({score.unknown_authors} authors unknown)" if score.unknown_authors else "")
            + (f"  ({score.by_name_only} right by name only)" if score.by_name_only else "")
        )
        misses = ", ".join(f"{n} {why}" for why, n in score.author_misses.most_common())
        if misses:
            print(f"{'':18} authors missed: {misses}")
        if args.errors == corpus.name:
            print("\n".join(score.errors))
    print("\ncalibration: inferences per confidence band, and the share that were right")
    print(f"  {'':22} {'held-out lists':16} {'developed on':16}")
    for which in ("author", "parent", "date"):
        for band in range(len(BANDS) - 1):
            cells = [calibrations[held].cells.get((which, band)) for held in (True, False)]
            if any(cells):
                shown = "  ".join(f"{cell or '      -':16}" for cell in map(str, cells))
                print(f"  {which:7} [{BANDS[band]:.2f}, {min(BANDS[band + 1], 1):.2f})  {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
