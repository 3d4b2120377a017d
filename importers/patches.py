"""The patches, trailers and series position in a message: the one entry point importers call.

`extract_patches` finds the diffs in a body (git `diff --git`, quilt `Index:` + `====`, plain
unified diffs), parses the whole ones with unidiff and keeps the ones an archive cut off, flagged
`truncated`, with the counts from the author's diffstat. Trailers and subjects live in their own
modules and are re-exported here because importers use all four together.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from itertools import islice

from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk as UnidiffHunk
from unidiff.patch import PatchedFile as UnidiffFile
from unidiff.patch import PatchSet

from threadlore.importers.body_lines import body_lines
from threadlore.importers.diff_scan import DIFF_OPENERS, DiffText, FileText, scan_diffs
from threadlore.importers.diffstat import Diffstat, DiffstatFile, find_diffstats
from threadlore.importers.records import Hunk, ParsedPatch, PatchedFile
from threadlore.importers.subjects import clean_subject, parse_series_marker
from threadlore.importers.trailers import extract_trailers

__all__ = [
    "carried_patches",
    "clean_subject",
    "extract_patches",
    "extract_trailers",
    "parse_series_marker",
]

_CUT_MARKER = "..."
# characters from which a body's patches are left for the store to read (`carried_patches`)
READ_IN_STORE_CHARS = 1 << 20


def _strip_component(path: str) -> str:
    """`linux-2.6/mm/memory.c` → `mm/memory.c`: the `patch -p1` convention."""
    return path.split("/", 1)[1] if "/" in path else path


def _repository_paths(section: FileText) -> tuple[str, str | None]:
    """The file's path in the repository and, for a rename or copy, its old path.

    git says with `a/` and `b/` whether its paths carry a prefix. Other diffs (quilt's
    `linux-2.6.orig/…` against `linux-2.6/…`) follow `patch -p1` when both sides name a top
    folder, unless it is the same folder on both sides (a diff taken inside the tree).
    """
    old, new = section.old_path, section.new_path
    named = [path for path in (old, new) if path]
    if section.git_prefixed is not None:
        strip = section.git_prefixed
    else:
        tops = {path.split("/", 1)[0] for path in named}
        strip = all("/" in path for path in named) and (len(tops) > 1 or len(named) == 1)
    if strip:
        old = _strip_component(old) if old else None
        new = _strip_component(new) if new else None
    path = (new if not section.is_deleted else old) or old or new or ""
    renamed = old is not None and new is not None and old != new
    return path, old if renamed else None


class _HunksAsParsed(PatchSet):
    """unidiff's parse of a diff, each file's hunks made records as soon as the next file
    starts, and the file let go: the whole PatchSet of a large patch (an object and a dict of
    attributes a hunk, 0.9× the diff) was held beside the records made from it.

    unidiff's parser adds each file as it starts (`append`) and from then on changes only
    that file, so the one before it is complete then."""

    def __init__(self, diff: DiffText) -> None:
        self.hunks: list[list[Hunk]] = []
        super().__init__(diff.ended_lines(), metadata_only=True)
        self._take_last()

    def append(self, patched_file: UnidiffFile) -> None:
        self._take_last()
        super().append(patched_file)

    def _take_last(self) -> None:
        if self:
            self.hunks.append([_hunk_record(hunk) for hunk in self.pop()])


def _hunk_record(hunk: UnidiffHunk) -> Hunk:
    return Hunk(
        source_start=hunk.source_start,
        source_length=hunk.source_length,
        target_start=hunk.target_start,
        target_length=hunk.target_length,
        function=sys.intern(hunk.section_header.strip()),
        added=hunk.added,
        removed=hunk.removed,
    )


def _hunks_from_unidiff(diff: DiffText) -> list[list[Hunk]] | None:
    """Each file's hunks as unidiff reads them, or None when unidiff rejects the diff.

    unidiff reads the lines one at a time and keeps only what the hunks' headers and counts
    say (`metadata_only`): given the text whole, it made a StringIO of it (four bytes a
    character) and an object for every line, ten times the diff's size in all."""
    try:
        return _HunksAsParsed(diff).hunks
    except UnidiffParseError:
        return None


def _hunks_as_scanned(section: FileText) -> list[Hunk]:
    """A section's hunks as the lenient scanner read them: counts of the lines that survived."""
    return [
        Hunk(
            source_start=hunk.source_start,
            source_length=hunk.source_length,
            target_start=hunk.target_start,
            target_length=hunk.target_length,
            function=hunk.function,
            added=hunk.added,
            removed=hunk.removed,
        )
        for hunk in section.hunks
    ]


def _file_record(section: FileText, hunks: list[Hunk]) -> PatchedFile:
    """One file of a patch, its counts summed over the hunks that were read."""
    path, old_path = _repository_paths(section)
    return PatchedFile(
        path=path,
        old_path=old_path,
        added=sum(h.added for h in hunks),
        removed=sum(h.removed for h in hunks),
        hunks=tuple(hunks),
        is_new=section.is_new,
        is_deleted=section.is_deleted,
        is_binary=section.is_binary,
    )


def _diffstat_only_file(entry: DiffstatFile) -> PatchedFile:
    """A file the diffstat names but the cut diff never reached: counts from the diffstat."""
    return PatchedFile(entry.path, None, entry.added, entry.removed, (), is_binary=entry.is_binary)


def _patch_record(diff: DiffText, diffstat: Diffstat | None, body: str) -> ParsedPatch:
    """Turn one scanned diff into a ParsedPatch, through unidiff when the diff is whole; one
    that is a slice of `body` as it stands holds where it lies, not a copy."""
    parsed = None if diff.truncated else _hunks_from_unidiff(diff)
    if parsed is not None and len(parsed) == len(diff.files):
        files = [_file_record(s, hunks) for s, hunks in zip(diff.files, parsed, strict=True)]
    else:
        files = [_file_record(s, _hunks_as_scanned(s)) for s in diff.files]
    added, removed = sum(f.added for f in files), sum(f.removed for f in files)
    if diff.truncated and diffstat is not None:
        missing = diffstat.files_missing_from([f.path for f in files])
        files += [_diffstat_only_file(entry) for entry in missing]
        added, removed = diffstat.added, diffstat.removed
    span = diff.span()
    text = body if span is not None else diff.text()
    return ParsedPatch(text, tuple(files), diff.truncated, added, removed, span)


def _cut_diffstat_patch(lines: Sequence[str], diffstat: Diffstat) -> ParsedPatch | None:
    """A patch of which only the diffstat survived, when the archive cut the body inside it.

    The body must end right after the diffstat with the "..." marker (on a last, cut entry or
    alone): a cover letter's whole diffstat is a summary of the series, not a patch.
    """
    following = (lines[index].strip() for index in range(diffstat.last_line + 1, len(lines)))
    rest = list(islice((line for line in following if line), 2))
    if len(rest) > 1 or (rest and not rest[0].endswith(_CUT_MARKER)):
        return None
    if not rest and not lines[diffstat.last_line].rstrip().endswith(_CUT_MARKER):
        return None
    text = "\n".join(lines[diffstat.first_line :]).rstrip() + "\n"
    files = tuple(_diffstat_only_file(entry) for entry in diffstat.files)
    return ParsedPatch(text, files, True, diffstat.added, diffstat.removed)


def extract_patches(body: str) -> tuple[ParsedPatch, ...]:
    """Every patch in a message body, in order.

    Each diff is paired with the diffstat written above it (between the previous diff and this
    one). Whole diffs take their files and counts from unidiff; diffs an archive cut off keep
    the files and hunks that survived, add the files only the diffstat names, and take the
    patch's totals from the diffstat when there is one. A body cut off inside a diffstat,
    before any diff, yields a truncated patch made from the diffstat alone.
    """
    if "|" not in body and not any(opener in body for opener in DIFF_OPENERS):
        return ()  # no diffstat line (they hold a `|`) and no line a diff can start at
    lines = body_lines(body)
    patches: list[ParsedPatch] = []
    previous_end = 0
    for diff in scan_diffs(lines):
        diffstats = find_diffstats(lines, previous_end, diff.first_line)
        patches.append(_patch_record(diff, diffstats[-1] if diffstats else None, body))
        previous_end = diff.last_line + 1
    trailing = find_diffstats(lines, previous_end, len(lines))
    if trailing:
        cut = _cut_diffstat_patch(lines, trailing[-1])
        if cut is not None:
            patches.append(cut)
    return tuple(patches)


def carried_patches(body: str) -> tuple[ParsedPatch, ...] | None:
    """What a ParsedMessage carries as its `read_patches`: the body's patches, or None for a
    body of `READ_IN_STORE_CHARS` or more, whose patches the store reads once the message's row
    is written (`ParsedMessage.patches`).

    A large patch's records (a file and hunks, 0.4× its diff) were read by the reader beside the
    message's bytes and text, pickled, and held by the store through the batch, beside the copies
    SQLite made of the body: 3.4× the message, where the body alone costs 3×.
    """
    return None if len(body) >= READ_IN_STORE_CHARS else extract_patches(body)
