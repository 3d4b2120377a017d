"""A seeded, deterministic mailing-list archive written as an mbox and as a Maildir.

Shapes follow a kernel list: thread sizes are heavy-tailed (most threads get a reply or two, a few
run to hundreds); replies go mostly to recent messages of their thread; about a fifth of threads
are patch series (a cover letter and `[PATCH vN i/k]` mails with diffs, function headings and
trailers), some re-rolled as v2; replies quote their parent; authors follow a Zipf law; every
message names its list in List-Id. The same seed gives the same bytes.

    .venv/bin/python -m benches.generate_archive --messages 10000 --out /tmp/archive
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

_VOCABULARY = (
    "page lock fault truncate invalidate mapping mmap nonlinear pte unmap reclaim writeback "
    "dirty buffer inode radix tree race deadlock spinlock mutex semaphore kernel patch series "
    "regression test benchmark performance latency throughput cache cpu memory allocation slab "
    "filemap nopage populate vma anon shared private file offset index refcount barrier rcu "
    "the a of to and in that is it for this we but not with be on as so if would should could "
    "think agree problem fix callers path case code change approach simpler instead always"
)
WORDS = _VOCABULARY.split()
FUNCTIONS = (
    "do_no_page",
    "filemap_nopage",
    "unmap_mapping_range",
    "truncate_inode_pages",
    "page_mkclean",
    "install_page",
    "zap_pte_range",
    "invalidate_inode_pages2",
    "set_page_dirty",
    "shrink_page_list",
    "generic_file_buffered_write",
    "do_wp_page",
)
DIRS = ("mm", "fs", "fs/ext3", "fs/nfs", "include/linux", "kernel", "drivers/gpu/drm")
FIRST = "Nick Andrew Peter Miklos Hugh Linus Ingo Dave Bill Jeff Benjamin Paolo Mel Rik Jan"
LAST = "Piggin Morton Zijlstra Szeredi Dickins Torvalds Molnar Airlie Irwin Dike Gorman Kara"
LISTS = (
    ("linux-mm", "kvack.org"),
    ("linux-kernel", "vger.kernel.org"),
    ("linux-fsdevel", "vger.kernel.org"),
)


@dataclass
class Mail:
    """One generated message, before it is rendered to bytes."""

    message_id: str
    author: tuple[str, str]
    date: datetime
    subject: str
    body: str
    list_name: tuple[str, str]
    parent: Mail | None = None
    references: list[str] = field(default_factory=list)


class ArchiveGenerator:
    """Draws threads from one seeded random generator."""

    def __init__(self, seed: int, people: int = 2000) -> None:
        self.random = random.Random(seed)
        self.people = [self._person(i) for i in range(people)]
        self.weights = [1 / (rank + 1) for rank in range(people)]  # Zipf: a few write most
        self.clock = datetime(2007, 1, 1, tzinfo=UTC)
        self.serial = 0

    @staticmethod
    def _person(i: int) -> tuple[str, str]:
        """A distinct name and address for person number `i` (one human, one name)."""
        first, last = FIRST.split(), LAST.split()
        initial = chr(ord("A") + (i // len(first)) % 26)
        name = f"{first[i % len(first)]} {initial}. {last[(i // (26 * len(first))) % len(last)]}"
        login = name.lower().replace(". ", "").replace(" ", ".")
        return name, f"{login}@{('suse.de', 'redhat.com', 'kernel.org', 'intel.com')[i % 4]}"

    def person(self) -> tuple[str, str]:
        return self.random.choices(self.people, self.weights)[0]

    def words(self, count: int) -> str:
        return " ".join(self.random.choices(WORDS, k=count))

    def paragraphs(self, lines: int) -> str:
        out = []
        for i in range(lines):
            out.append(self.words(self.random.randint(6, 12)))
            if i % 5 == 4:
                out.append("")
        return "\n".join(out)

    def new_id(self, author: tuple[str, str]) -> str:
        self.serial += 1
        return f"{self.serial:08d}.{self.random.getrandbits(32):08x}@{author[1].split('@')[1]}"

    def local_time(self, when: datetime) -> datetime:
        return when.astimezone(timezone(timedelta(hours=self.random.choice((-8, -5, 0, 1, 2, 10)))))

    def diff(self) -> tuple[str, list[str]]:
        files = [
            f"{self.random.choice(DIRS)}/{self.random.choice(WORDS)}.c"
            for _ in range(self.random.randint(1, 3))
        ]
        parts = []
        for path in files:
            parts.append(f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}")
            for _ in range(self.random.randint(1, 3)):
                start = self.random.randint(10, 3000)
                context = [f" \t{self.words(5)};" for _ in range(3)]
                removed = [f"-\t{self.words(5)};" for _ in range(self.random.randint(0, 4))]
                added = [f"+\t{self.words(5)};" for _ in range(self.random.randint(1, 6))]
                function = self.random.choice(FUNCTIONS)
                parts.append(
                    f"@@ -{start},{3 + len(removed)} +{start},{3 + len(added)} @@ "
                    f"static int {function}(struct vm_area_struct *vma)"
                )
                parts.extend([*context[:2], *removed, *added, context[2]])
        return "\n".join(parts) + "\n", files

    def quoted(self, parent: Mail) -> str:
        lines = [line for line in parent.body.splitlines() if line and not line.startswith(">")]
        take = lines[: self.random.randint(1, 6)]
        return f"On {parent.date:%a, %d %b %Y}, {parent.author[0]} wrote:\n" + "\n".join(
            f"> {line}" for line in take
        )

    def thread(self, size: int) -> list[Mail]:
        """One thread of `size` messages: a patch series or a discussion, then replies."""
        self.clock += timedelta(minutes=self.random.expovariate(1 / 20))
        author, list_name = self.person(), self.random.choice(LISTS)
        topic = self.words(self.random.randint(3, 7))
        mails: list[Mail] = []
        series = size >= 3 and self.random.random() < 0.2
        version = self.random.choice((1, 1, 1, 2, 3))
        if series:
            count = min(size - 1, self.random.randint(2, 8))
            prefix = f"PATCH v{version}" if version > 1 else "PATCH"
            cover = Mail(
                self.new_id(author),
                author,
                self.clock,
                f"[{prefix} 0/{count}] mm: {topic}",
                self.paragraphs(8),
                list_name,
            )
            mails.append(cover)
            for index in range(1, count + 1):
                diff, _ = self.diff()
                body = (
                    f"{self.paragraphs(self.random.randint(3, 10))}\n\n"
                    f"Signed-off-by: {author[0]} <{author[1]}>\n---\n{diff}"
                )
                when = cover.date + timedelta(seconds=index)
                mails.append(
                    Mail(
                        self.new_id(author),
                        author,
                        when,
                        f"[{prefix} {index}/{count}] mm: {self.words(4)}",
                        body,
                        list_name,
                        cover,
                        [cover.message_id],
                    )
                )
        else:
            mails.append(
                Mail(
                    self.new_id(author),
                    author,
                    self.clock,
                    f"{topic}",
                    self.paragraphs(self.random.randint(4, 30)),
                    list_name,
                )
            )
        while len(mails) < size:
            recent = mails[-min(len(mails), 8) :]
            parent = self.random.choice(recent)
            replier = self.person()
            when = max(m.date for m in recent) + timedelta(minutes=self.random.expovariate(1 / 90))
            subject = (
                parent.subject if parent.subject.startswith("Re: ") else f"Re: {parent.subject}"
            )
            body = f"{self.quoted(parent)}\n\n{self.paragraphs(self.random.randint(2, 20))}"
            mails.append(
                Mail(
                    self.new_id(replier),
                    replier,
                    when,
                    subject,
                    body,
                    list_name,
                    parent,
                    [*parent.references, parent.message_id][-10:],
                )
            )
        return mails

    def mails(self, total: int) -> Iterator[Mail]:
        """`total` messages in threads whose sizes follow a Pareto law, a thread at a time, so
        that a million-message archive never sits in memory."""
        made = 0
        while made < total:
            size = min(total - made, int(self.random.paretovariate(1.2)), 400)
            thread = self.thread(max(size, 1))
            made += len(thread)
            yield from thread


def render(mail: Mail, local: datetime) -> bytes:
    """The message as RFC 5322 bytes."""
    name, address = mail.author
    headers = [
        f"From: {name} <{address}>",
        f"To: {mail.list_name[0]}@{mail.list_name[1]}",
        f"Subject: {mail.subject}",
        f"Date: {format_datetime(local)}",
        f"Message-ID: <{mail.message_id}>",
        f"List-Id: <{mail.list_name[0]}.{mail.list_name[1]}>",
    ]
    if mail.parent is not None:
        headers.append(f"In-Reply-To: <{mail.parent.message_id}>")
        headers.append("References: " + " ".join(f"<{r}>" for r in mail.references))
    headers += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=us-ascii"]
    return ("\n".join(headers) + "\n\n" + mail.body.rstrip("\n") + "\n").encode()


def archive_paths(out: Path) -> tuple[Path, Path]:
    """Where `write_archive` puts the mbox and the Maildir under `out`."""
    return out / "archive.mbox", out / "maildir"


def write_archive(messages: int, out: Path, seed: int = 2007) -> tuple[Path, Path]:
    """Write `out/archive.mbox` and the Maildir `out/maildir/` with the same messages."""
    generator = ArchiveGenerator(seed)
    mbox, maildir = archive_paths(out)
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    with mbox.open("wb") as mbox_file:
        for number, mail in enumerate(generator.mails(messages)):
            data = render(mail, generator.local_time(mail.date))
            separator = f"From {mail.author[1]} {mail.date:%a %b %d %H:%M:%S %Y}\n".encode()
            escaped = data.replace(b"\nFrom ", b"\n>From ")
            mbox_file.write(separator + escaped + b"\n")
            (maildir / "cur" / f"{number:08d}.bench:2,S").write_bytes(data)
    return mbox, maildir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2007)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    mbox, maildir = write_archive(args.messages, args.out, args.seed)
    print(f"wrote {args.messages} messages to {mbox} and {maildir}")


if __name__ == "__main__":
    main()
