"""Synthetic discussions as `ParsedMessage` records: many threads, a few deep and wide ones.

Used by the UI's benchmark (a 100,000-message store) and its real-store tests (a handful of
messages). Deterministic for a given size, so figures can be compared between runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from threadlore.importers.records import (
    Address,
    Hunk,
    Inference,
    InferredField,
    ParsedMessage,
    ParsedPatch,
    PatchedFile,
)

PEOPLE = (
    Address("Nick Piggin", "npiggin@suse.de"),
    Address("Andrew Morton", "akpm@linux-foundation.org"),
    Address("Peter Zijlstra", "a.p.zijlstra@chello.nl"),
    Address("Miklos Szeredi", "miklos@szeredi.hu"),
    Address("Linus Torvalds", "torvalds@linux-foundation.org"),
    Address("Hugh Dickins", "hugh@veritas.com"),
    Address("Benjamin Herrenschmidt", "benh@kernel.crashing.org"),
)
LIST = Address("Linux Memory Management", "linux-mm@kvack.org")
START = datetime(2007, 2, 21, 0, 49, tzinfo=UTC)
WORDS = [
    "fault",
    "truncate",
    "invalidate",
    "page_mkclean",
    "lock_page",
    "nopage",
    "mmap",
    "pte",
    "writeback",
    "race",
]

DIFF = """diff --git a/mm/filemap.c b/mm/filemap.c
--- a/mm/filemap.c
+++ b/mm/filemap.c
@@ -1400,6 +1400,7 @@ int filemap_fault(struct vm_area_struct *vma, struct vm_fault *vmf)
 \tpage = find_lock_page(mapping, vmf->pgoff);
-\tif (!page)
+\tif (unlikely(!page))
+\t\tgoto no_cached_page;
 \treturn ret;
"""


def _patch() -> ParsedPatch:
    hunk = Hunk(1400, 6, 1400, 7, "int filemap_fault(struct vm_area_struct *vma)", 2, 1)
    return ParsedPatch(DIFF, (PatchedFile("mm/filemap.c", None, 2, 1, (hunk,)),), False, 2, 1)


def thread_messages(thread: int, size: int, *, fanout: int = 3) -> Iterator[ParsedMessage]:
    """One thread of `size` messages: a patch at the root, replies `fanout` to a parent.

    Every seventh reply has an inferred author, so confidence markers show up in any view.
    """
    root_id = f"t{thread}.0@bench"
    subject = f"[patch 0/{thread % 9 + 1}] {WORDS[thread % len(WORDS)]} fix number {thread}"
    for index in range(size):
        message_id = f"t{thread}.{index}@bench"
        parent = None if index == 0 else f"t{thread}.{(index - 1) // fanout}@bench"
        author = PEOPLE[(thread + index) % len(PEOPLE)]
        inferences: tuple[Inference, ...] = ()
        if index and index % 7 == 0:
            inferences = (
                Inference(InferredField.AUTHOR, str(author), 0.7, ("signed with a first name",)),
            )
        word = WORDS[(thread * 31 + index) % len(WORDS)]
        yield ParsedMessage(
            source="bench",
            position=index + 1,
            message_id=message_id,
            synthetic_id=False,
            subject=subject if index == 0 else f"Re: {subject}",
            author=author,
            to=(LIST,),
            cc=(),
            date=START + timedelta(days=thread // 40, minutes=index * 7 + thread),
            in_reply_to=parent,
            references=() if parent is None else (root_id, parent),
            body=f"Reply {index} about {word} in thread {thread}.\n\nThanks,\n{author.name}\n"
            + ("\n" + DIFF if index == 0 else ""),
            read_patches=(_patch(),) if index == 0 else (),
            inferences=inferences,
        )


def discussion(
    total: int, *, big_thread: int = 1000, thread_size: int = 10
) -> Iterator[ParsedMessage]:
    """`total` messages: one `big_thread`-message thread, the rest in `thread_size`-message ones."""
    yield from thread_messages(0, min(big_thread, total), fanout=4)
    remaining = total - min(big_thread, total)
    thread = 1
    while remaining > 0:
        size = min(thread_size, remaining)
        yield from thread_messages(thread, size)
        remaining -= size
        thread += 1
