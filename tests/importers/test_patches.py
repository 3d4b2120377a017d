"""Patches, trailers and series markers, read from the seed thread's cut patches and real mail."""

from __future__ import annotations

import pickle
import re
import tracemalloc
from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from threadlore.importers.detect import read_records
from threadlore.importers.patches import (
    READ_IN_STORE_CHARS,
    clean_subject,
    extract_patches,
    extract_trailers,
    parse_series_marker,
)
from threadlore.importers.records import ParsedMessage, ParsedPatch, SeriesPosition, Trailer

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "samples" / "lkml-2007-fault-vs-truncate.txt"
CORPORA = REPO.parent / "shared" / "corpora"


def seed_body(anchor: str) -> str:
    """The body of the seed message containing `anchor` (bodies follow each header's Date line)."""
    text = SEED.read_text(encoding="utf-8")
    for chunk in re.split(r"\n(?=To: )", text):
        head, _, body = chunk.partition("\n\n")
        if "Date: " in head and anchor in body:
            return body
    raise AssertionError(f"no seed message contains {anchor!r}")


def corpus_message(relative: str, index: int = 0) -> EmailMessage:
    """Message `index` of a corpus mbox, split at From lines (enough for these small files)."""
    path = CORPORA / relative
    if not path.exists():
        pytest.skip(f"corpus file {relative} is absent")
    raw = path.read_bytes()
    chunks = [c for c in re.split(rb"(?m)^From .*\n", raw) if c.strip()]
    message = message_from_bytes(chunks[index], policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def plain_body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


# --- the seed's patches, cut off by the web archive --------------------------------------------


def test_diffstat_cut_by_the_archive_is_a_truncated_patch_of_the_listed_files() -> None:
    body = seed_body("This patch introduces a new fault handler that replaces ->nopage")
    (patch,) = extract_patches(body)
    assert patch.truncated
    paths = [f.path for f in patch.files]
    assert paths[0] == "Documentation/feature-removal-schedule.txt"
    assert paths[-1] == "mm/filemap.c"  # the cut "mm/filemap_xip.c ..." entry is not trusted
    assert len(paths) == 12
    first = patch.files[0]
    assert (first.added, first.removed) == (27, 0)  # "27 ++++++": scaled graph, all additions
    assert all(not f.hunks for f in patch.files)
    assert patch.added == sum(f.added for f in patch.files)


def test_quilt_patch_cut_inside_a_hunk_keeps_what_survived_and_the_diffstat_totals() -> None:
    body = seed_body("Remove legacy filemap_nopage and all of the .populate API cruft.")
    (patch,) = extract_patches(body)
    assert patch.truncated
    assert (patch.added, patch.removed) == (19, 309)  # "5 files changed, 19 insertions(+), …"
    mm_h = patch.files[0]
    assert mm_h.path == "include/linux/mm.h"
    assert [h.source_start for h in mm_h.hunks] == [230, 767, 1084]
    assert mm_h.hunks[0].function == "struct vm_operations_struct {"
    assert (mm_h.hunks[0].added, mm_h.hunks[0].removed) == (0, 2)
    assert mm_h.hunks[2].removed == 0  # only its @@ line survived
    listed_only = {f.path: f for f in patch.files[1:]}
    assert set(listed_only) == {
        "Documentation/feature-removal-schedule.txt",
        "mm/filemap.c",
        "mm/fremap.c",
        "mm/memory.c",
    }
    assert listed_only["mm/filemap.c"].removed == 195


def test_mm_h_hunks_keep_their_function_and_restore_stripped_context() -> None:
    body = seed_body("we introduce another fault flag to signal that the fault is")
    (patch,) = extract_patches(body)
    assert patch.truncated
    (mm_h,) = patch.files
    assert mm_h.path == "include/linux/mm.h"
    assert [(h.source_start, h.function) for h in mm_h.hunks] == [
        (176, "extern unsigned int kobjsize(const void"),
        (201, "extern pgprot_t protection_map[16];"),
        (213, "extern pgprot_t protection_map[16];"),
        (230, "struct vm_operations_struct {"),
    ]
    assert [(h.added, h.removed) for h in mm_h.hunks[:3]] == [(1, 0), (1, 0), (4, 1)]
    assert "\n* return with the page locked.\n" in body  # the archive stripped the space …
    assert "\n * return with the page locked.\n" in patch.diff  # … and the scanner restored it


def test_peters_msync_patch_is_cut_inside_its_first_hunk() -> None:
    body = seed_body("Partial revert of commit: 204ec841fbea3e5138168edbc3a76d46747cc987")
    (patch,) = extract_patches(body)
    assert patch.truncated
    msync = patch.files[0]
    assert msync.path == "mm/msync.c"  # "linux-2.6-git.orig/mm/msync.c 2007-03-07 …" read as -p1
    assert msync.hunks[0].source_start == 7
    assert msync.hunks[0].added == 8
    assert (patch.added, patch.removed) == (162, 5)
    assert [f.path for f in patch.files] == ["mm/msync.c", "mm/fremap.c"]
    assert extract_trailers(body) == (
        Trailer("Signed-off-by", "Peter Zijlstra <a.p.zijlstra@chello.nl>"),
    )


def test_whole_seed_patch_is_parsed_by_unidiff_and_not_truncated() -> None:
    body = seed_body("Add a bugcheck for Andrea's pagefault vs invalidate race.")
    (patch,) = extract_patches(body.rstrip().removesuffix("-"))
    assert not patch.truncated
    (filemap,) = patch.files
    assert filemap.path == "mm/filemap.c"
    assert (patch.added, patch.removed) == (2, 0)
    assert filemap.hunks[0].function == "void __remove_from_page_cache(struct pag"


def test_replies_without_diffs_have_no_patches() -> None:
    body = seed_body("Have these been put into mm?")
    assert extract_patches(body) == ()


def test_cover_letter_diffstat_without_a_cut_is_not_a_patch() -> None:
    body = (
        "Series summary:\n\n mm/a.c | 2 +-\n mm/b.c | 4 ++--\n 2 files changed, 3 insertions(+)\n"
    )
    assert extract_patches(body) == ()


# --- real mail from the corpora -----------------------------------------------------------------


def test_git_rename_records_old_and_new_paths() -> None:
    message = corpus_message("patchwork/patchwork/tests/data/mail/0008-git-rename.mbox")
    (patch,) = extract_patches(plain_body(message))
    assert not patch.truncated
    first = patch.files[0]
    assert (first.old_path, first.path) == (
        "package/rpi-userland/rpi-userland-add-pkgconfig-files.patch",
        "package/rpi-userland/rpi-userland-000-add-pkgconfig-files.patch",
    )
    assert all(f.hunks == () for f in patch.files)


def test_git_binary_files_are_flagged_binary() -> None:
    message = corpus_message(
        "patchwork/patchwork/tests/data/mail/0026-git-add-mixed-binary-text-files.mbox"
    )
    (patch,) = extract_patches(plain_body(message))
    assert not patch.truncated
    assert any(f.is_binary and f.is_new for f in patch.files)
    assert any(not f.is_binary and f.hunks for f in patch.files)


def test_git_mode_change_without_hunks_is_whole() -> None:
    message = corpus_message("patchwork/patchwork/tests/data/mail/0022-git-mode-change.mbox")
    (patch,) = extract_patches(plain_body(message))
    assert not patch.truncated
    assert [f.path for f in patch.files] == ["scripts/kconfig/nconf-cfg.sh"]


def test_empty_new_file_is_new() -> None:
    message = corpus_message("patchwork/patchwork/tests/data/mail/0021-git-empty-new-file.mbox")
    (patch,) = extract_patches(plain_body(message))
    assert patch.files[0].is_new


def test_git_pull_request_without_a_diff_has_no_patch() -> None:
    message = corpus_message("patchwork/patchwork/tests/data/mail/0001-git-pull-request.mbox")
    assert extract_patches(plain_body(message)) == ()


def test_no_newline_at_end_of_file_marker_stays_in_the_hunk() -> None:
    message = corpus_message(
        "patchwork/patchwork/tests/data/mail/0011-no-newline-at-end-of-file.mbox"
    )
    patches = extract_patches(plain_body(message))
    assert patches and not any(p.truncated for p in patches)
    assert "\\ No newline at end of file" in patches[0].diff


def test_hunk_shorter_than_its_header_is_truncated() -> None:
    body = "--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,4 @@\n a\n+b\n"
    (patch,) = extract_patches(body)
    assert patch.truncated
    assert patch.files[0].hunks[0].added == 1


def test_plain_unified_diff_between_prose() -> None:
    body = (
        "Try this:\n\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,2 +1,2 @@ int f(void)\n"
        " keep\n-old\n+new\n\nThanks.\n"
    )
    (patch,) = extract_patches(body)
    assert not patch.truncated
    assert patch.files[0].path == "mm/x.c"
    assert patch.files[0].hunks[0].function == "int f(void)"
    assert (patch.added, patch.removed) == (1, 1)


def test_quoted_diff_in_a_reply_is_not_a_patch() -> None:
    body = "> --- a/mm/x.c\n> +++ b/mm/x.c\n> @@ -1 +1 @@\n> -old\n> +new\n\nLooks fine.\n"
    assert extract_patches(body) == ()


# --- trailers -------------------------------------------------------------------------------------


def test_trailers_in_trailer_position_only() -> None:
    body = (
        "Fix the thing. Reported-by: nobody in particular\n"
        "\n"
        "> Acked-by: Quoted Person <q@example.org>\n"
        "\n"
        'Fixes: 204ec841fbea ("mm: something")\n'
        "Signed-off-by: A Author <a@example.org>\n"
        "[ maintainer: fixed typo ]\n"
        "Signed-off-by: M Maintainer <m@example.org>\n"
        "CC: stable@vger.kernel.org\n"
        "---\n"
        "Acked-by: after the separator <x@example.org>\n"
        "diff --git a/x b/x\n"
        "+Tested-by: inside a diff <t@example.org>\n"
    )
    assert extract_trailers(body) == (
        Trailer("Fixes", '204ec841fbea ("mm: something")'),
        Trailer("Signed-off-by", "A Author <a@example.org>"),
        Trailer("Signed-off-by", "M Maintainer <m@example.org>"),
        Trailer("Cc", "stable@vger.kernel.org"),
    )


def test_paragraph_mixing_prose_and_a_trailer_gives_none() -> None:
    assert extract_trailers("I think\nAcked-by: Someone <s@example.org>\nwould be wrong.\n") == ()


def test_followup_review_trailer_after_quoted_patch() -> None:
    message = corpus_message("b4/src/tests/samples/trailers-followup-single.mbox", 1)
    trailers = extract_trailers(plain_body(message))
    assert trailers
    assert all(t.key.endswith("-by") for t in trailers)


def test_trailers_of_the_seeds_patch() -> None:
    body = seed_body("Identical block is duplicated twice")
    assert extract_trailers(body) == (Trailer("Signed-off-by", "Nick Piggin <npiggin@suse.de>"),)


# --- subjects -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("[PATCH v2 3/6] mm: fix", SeriesPosition(2, 3, 6)),
        ("[patch 0/6] fault vs truncate/invalidate race fix", SeriesPosition(1, 0, 6)),
        (
            "Re: [patch 1/6] mm: debug check for the fault vs invalidate race",
            SeriesPosition(1, 1, 6),
        ),
        ("[RFC PATCH 1/2] x", SeriesPosition(1, 1, 2)),
        ("[PATCH 2/3 v2] x", SeriesPosition(2, 2, 3)),
        ("[PATCHv3 04/10] x", SeriesPosition(3, 4, 10)),
        ("[PATCH net-next,v4,2/5] x", SeriesPosition(4, 2, 5)),
        ("[Linux-mm] [PATCH 3/4] x", SeriesPosition(1, 3, 4)),
        ("[PATCH] [3/6] x", SeriesPosition(1, 3, 6)),
        ("[PATCH 1 of 2] contrib: fix", SeriesPosition(1, 1, 2)),
        ("[PATCH v2] x", SeriesPosition(2, 1, 1, inferred=True)),
        ("[PATCH] x", SeriesPosition(1, 1, 1, inferred=True)),
        ("[GIT PULL] x", None),
        ("Linux 2.6.21-rc1", None),
        ("[alsa-devel] question", None),
        ("[PATCH 7/6] x", None),
    ],
)
def test_parse_series_marker(subject: str, expected: SeriesPosition | None) -> None:
    assert parse_series_marker(subject) == expected


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (
            "Re: [patch 0/6] fault vs truncate/invalidate race fix",
            "fault vs truncate/invalidate race fix",
        ),
        ("RE: Re: [PATCH v2 3/6]  mm:  fix\tthing", "mm: fix thing"),
        ("Fwd: [Linux-mm] [RFC PATCH] x", "x"),
        ("AW: [PATCH] y", "y"),
        ("plain subject", "plain subject"),
        ("", ""),
    ],
)
def test_clean_subject(subject: str, expected: str) -> None:
    assert clean_subject(subject) == expected


def _large_diff(files: int) -> str:
    """A git diff body: `files` files of 20 hunks, each 3 lines changed in 6 of context."""
    out = ["Rework the reclaim path.\n\n---\n"]
    for number in range(files):
        path = f"mm/reclaim-{number}.c"
        out.append(f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n")
        for hunk in range(20):
            start = 10 + hunk * 40
            out.append(f"@@ -{start},7 +{start},8 @@ static int shrink_{hunk}(void)\n")
            line = f"\tfolio_lock(folio, mapping->host, {number}, {hunk}); /* under the lock */"
            out.extend(f"{mark}{line} {i}\n" for i, mark in enumerate("   -++   "))
    return "".join(out)


def test_a_large_patch_is_parsed_in_about_its_size() -> None:
    """Python's allocations while a 1 MB diff is parsed: where its lines start (an int each),
    the hunks found and their records, 1.05× in all; the diff's text is not among them: it is
    where it lies in the body. The diff's text (one slice of the body) and unidiff's whole
    PatchSet beside the records made 1.9×; the lines a string each and the hunks holding
    theirs, 4.0×; unidiff given the text whole (a StringIO of it, four bytes a character, and
    an object a line), the text joined and then extended by a newline: 12.6×."""
    body = _large_diff(files=80)
    tracemalloc.start()
    try:
        (patch,) = extract_patches(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (len(patch.files), patch.added, patch.removed) == (80, 80 * 40, 80 * 20)
    assert patch.text is body and patch.span == (
        len("Rework the reclaim path.\n\n---\n"),
        len(body),
    )
    assert patch.diff == body.split("---\n", 1)[1]
    assert peak < 1.25 * len(body), f"{peak / len(body):.2f} × the body"


def test_a_message_with_a_large_patch_is_pickled_about_once() -> None:
    """A message crosses to the storing process pickled: its patch's diff is where it lies in
    the body, so the body goes once, and its hunks' fields a tuple a file. It comes back equal,
    its patch still a slice of its own body."""
    body = _large_diff(files=80)
    message = ParsedMessage(
        source="big.eml",
        position=1,
        message_id="big@x",
        synthetic_id=False,
        subject="[PATCH] rework the reclaim path",
        author=None,
        to=(),
        cc=(),
        date=None,
        in_reply_to=None,
        references=(),
        body=body,
        read_patches=extract_patches(body),
    )
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    assert len(data) < 1.25 * len(body), f"{len(data) / len(body):.2f} × the body"
    copy = pickle.loads(data)
    assert copy == message
    assert copy.patches[0].text is copy.body
    assert copy.patches[0].files[7].hunks == message.patches[0].files[7].hunks


def _eml(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    head = f"From: A <a@x>\nSubject: [PATCH] {name}\nMessage-ID: <{name}@x>\n\n"
    path.write_text(head + body, encoding="utf-8")
    return path


def test_the_reader_leaves_a_large_bodys_patches_to_the_store(tmp_path: Path) -> None:
    """A body of 1 MiB or more crosses to the storing process without its patches' records
    (0.4× the diff, held beside the copies the store makes of the body): it pickles about
    as its body, and its patches, asked for, are read from it. A smaller body's are read."""
    large, small = _large_diff(files=82), _large_diff(files=2)
    assert len(large) >= READ_IN_STORE_CHARS > len(small)
    paths = [_eml(tmp_path, "large.eml", large), _eml(tmp_path, "small.eml", small)]
    read = {m.message_id: m for m in read_records(paths) if isinstance(m, ParsedMessage)}
    left, carried = read["large.eml@x"], read["small.eml@x"]
    assert left.read_patches is None and left.patches_unread
    data = pickle.dumps(left, protocol=pickle.HIGHEST_PROTOCOL)
    assert len(data) < 1.1 * len(left.body), f"{len(data) / len(left.body):.2f} × the body"
    assert left.patches == extract_patches(left.body) and len(left.patches[0].files) == 82
    assert carried.read_patches == extract_patches(carried.body) != ()


def test_a_patch_is_its_diff_however_it_holds_it() -> None:
    """Patches are equal, and hash alike, when their diffs are, held as text or as a slice."""
    body = _large_diff(files=1)
    (own,) = extract_patches(body)
    assert own.span is None  # a small body's lines are a list: its diff is its own text
    span = (body.index("diff --git"), len(body))
    sliced = ParsedPatch(body, own.files, own.truncated, own.added, own.removed, span)
    assert sliced == own and hash(sliced) == hash(own)
    assert sliced != replace(own, added=own.added + 1)


def test_equal_hunk_headings_are_one_string_across_files_and_a_pickle() -> None:
    """A large patch repeats its functions' headings; each is held once (issue 18: the hunk
    records are what a large patch's storing process holds beside the body SQLite writes)."""
    hunk = "@@ -1,2 +1,2 @@ static int reclaim(void)\n-\told;\n+\tnew;\n \tsame;\n"
    body = "".join(
        f"diff --git a/f{n}.c b/f{n}.c\n--- a/f{n}.c\n+++ b/f{n}.c\n{hunk}" for n in range(3)
    )
    (patch,) = extract_patches(body)
    headings = [h.function for f in patch.files for h in f.hunks]
    assert headings == ["static int reclaim(void)"] * 3
    assert len({id(h) for h in headings}) == 1
    again = pickle.loads(pickle.dumps(patch))
    assert len({id(h.function) for f in again.files for h in f.hunks}) == 1
