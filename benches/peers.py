"""Drivers for the peer mail indexers a benchmark measures beside threadlore in the same run.

Three peers from Debian's packages: notmuch (`notmuch`), mu (`maildir-utils`) and public-inbox
(`public-inbox`). Each driver builds a fresh database from a generated archive (see
benches/generate_archive.py: DIR/archive.mbox and the same messages as DIR/maildir) and answers
the searches of benches/queries.py, one process per search, asking for the newest PAGE results,
in its own query syntax. Figures are the tool's own processes, timed as benches/measure.py
does: wall time, and the largest peak RSS, which cannot read below this process's own (a child's
peak counts from its fork), so the driver stays small and the small searches' peaks are floors.

Words and the phrase are asked of the subject and the body only, spelled out per tool, because
each tool's bare terms also match address headers (notmuch: sender and recipients; mu: to, from,
cc, subject, body; public-inbox: from, Message-ID, attachment names); so every tool answers the
question benches/queries.py states.

    .venv/bin/python -m benches.peers /tmp/a10k --home /tmp/peers-home
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from benches.generate_archive import archive_paths
from benches.measure import Measure, measure
from benches.queries import PAGE, QUERIES, Query


def environment(set_: dict[str, str], drop: tuple[str, ...] = ()) -> dict[str, str]:
    """This process's environment with the tool's own settings, and without variables that would
    point the tool at another database than the one under `home`."""
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(set_)
    return env


def fresh(directory: Path) -> Path:
    """Remove what a previous run left in `directory` and make it again, empty."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def phrase_quoted(text: str) -> str:
    """A phrase in double quotes, as all three query languages write one."""
    if '"' in text:
        raise ValueError(f"a phrase with a double quote cannot be spelled portably: {text!r}")
    return f'"{text}"'


@dataclass(frozen=True)
class Syntax:
    """How a tool's query language writes each part of a Query; `{}` stands for the value."""

    text: str  # a word, or a quoted phrase, in the subject or the body
    author: str
    subject: str
    joiner: str  # between parts, all of which must match

    def spell(self, query: Query) -> str:
        parts = [self.text.format(word) for word in query.words]
        if query.phrase is not None:
            parts.append(self.text.format(phrase_quoted(query.phrase)))
        if query.author is not None:
            parts.append(self.author.format(query.author))
        if query.subject is not None:
            parts.append(self.subject.format(query.subject))
        return self.joiner.join(parts)


# notmuch and mu both parse Xapian's query language with the same prefixes
XAPIAN_SYNTAX = Syntax("(body:{0} or subject:{0})", "from:{}", "subject:{}", " and ")


class Peer(ABC):
    """One peer indexer: how to build its database from an archive and how to search it."""

    name: str
    programs: tuple[str, ...]
    syntax: Syntax
    no_match_exit_codes: frozenset[int] = frozenset()  # exit codes that mean "no results"

    def available(self) -> bool:
        """Whether every program it needs is installed, so a benchmark can say which is missing
        instead of failing half way."""
        return all(shutil.which(program) is not None for program in self.programs)

    @abstractmethod
    def index(self, archive: Path, home: Path) -> Measure:
        """Index the archive (a generate_archive output directory) into a fresh database under
        `home`, removing what a previous run left; several processes' measures are summed."""

    @abstractmethod
    def search_command(self, query: Query, home: Path) -> tuple[list[str], dict[str, str]]:
        """The one command (and its environment) that asks the tool for the newest PAGE results
        of `query`, printing their Message-IDs."""

    def query_text(self, query: Query) -> str:
        """The query in the tool's own syntax."""
        return self.syntax.spell(query)

    def search(self, query: Query, home: Path) -> tuple[Measure, list[str]]:
        """One process, the tool's own search for the newest PAGE results; the measure and the
        Message-IDs it printed (one a line), newest first."""
        command, env = self.search_command(query, home)
        output = measure(command, env, succeeded=frozenset({0}) | self.no_match_exit_codes)
        return output.measure, self.message_ids(output.stdout)

    def message_ids(self, printed: str) -> list[str]:
        """The Message-IDs, without brackets, that the search printed one a line."""
        lines = (line.strip() for line in printed.splitlines())
        return [line.removeprefix("id:").strip("<>") for line in lines if line]


class Notmuch(Peer):
    """notmuch: a temporary NOTMUCH_CONFIG whose database lives under `home` (database.path) and
    whose mail stays where it is (database.mail_root, notmuch 0.32+), so the archive's Maildir is
    never written to; `notmuch new` indexes it."""

    name = "notmuch"
    programs = ("notmuch",)
    syntax = XAPIAN_SYNTAX

    def env(self, home: Path) -> dict[str, str]:
        config = home / "notmuch" / "config"
        return environment({"NOTMUCH_CONFIG": str(config)}, ("NOTMUCH_DATABASE", "NOTMUCH_PROFILE"))

    def index(self, archive: Path, home: Path) -> Measure:
        work = fresh(home / "notmuch")
        database = work / "db"
        database.mkdir()
        _, maildir = archive_paths(archive.resolve())
        (work / "config").write_text(
            f"[database]\npath={database}\nmail_root={maildir}\n"
            "[user]\nname=Bench\nprimary_email=bench@example.org\n"
            "[new]\ntags=inbox;\n[maildir]\nsynchronize_flags=false\n"
        )
        return measure(["notmuch", "new", "--quiet"], self.env(home)).measure

    def search_command(self, query: Query, home: Path) -> tuple[list[str], dict[str, str]]:
        command = ["notmuch", "search", "--sort=newest-first", f"--limit={PAGE}"]
        return [*command, "--output=messages", self.query_text(query)], self.env(home)


class Mu(Peer):
    """mu (maildir-utils): `mu init` then `mu index` into HOME/mu, which reads the Maildir in
    place and writes nothing into it."""

    name = "mu"
    programs = ("mu",)
    syntax = XAPIAN_SYNTAX
    no_match_exit_codes = frozenset({4})  # mu 1.8: "no matches for search expression"

    def index(self, archive: Path, home: Path) -> Measure:
        muhome = home / "mu"
        shutil.rmtree(muhome, ignore_errors=True)  # `mu init` makes it
        _, maildir = archive_paths(archive.resolve())
        env = environment({})
        init = measure(["mu", "init", f"--muhome={muhome}", f"--maildir={maildir}"], env)
        index = measure(["mu", "index", f"--muhome={muhome}", "--quiet"], env)
        return init.measure + index.measure

    def search_command(self, query: Query, home: Path) -> tuple[list[str], dict[str, str]]:
        command = ["mu", "find", f"--muhome={home / 'mu'}", f"--maxnum={PAGE}"]
        command += ["--sortfield=date", "--reverse", "--fields=i", self.query_text(query)]
        return command, environment({})


# Takes the mbox in as public-inbox's own importer does (InboxWritable::import_mbox, the code
# behind its scripts/import_vger_from_mbox): each message goes through V2Writable->add, which
# writes it to git (git fast-import) and indexes it (over.sqlite3 and the Xapian shards) at once.
# The generated mbox escapes only "From " lines, hence the mboxo reader.
_PI_IMPORT = """
use v5.12;
use PublicInbox::Config;
use PublicInbox::InboxWritable;
my ($name, $mbox) = @ARGV;
my $ibx = PublicInbox::Config->new->lookup_name($name) or die "no inbox $name\\n";
open(my $fh, '<', $mbox) or die "open $mbox: $!\\n";
PublicInbox::InboxWritable->new($ibx)->import_mbox($fh, 'mboxo');
"""

# Searches as its web interface does by default (PublicInbox::SearchView): Search->mset without
# relevance sorts by the message's time (Received:, else Date:), newest first; mset_to_smsg reads
# each result's overview (over.sqlite3), from which the Message-IDs are printed.
_PI_SEARCH = """
use v5.12;
use PublicInbox::Config;
my ($name, $query, $limit) = @ARGV;
my $ibx = PublicInbox::Config->new->lookup_name($name) or die "no inbox $name\\n";
my $srch = $ibx->search or die "inbox $name has no search index\\n";
my $mset = $srch->mset($query, { limit => $limit, relevance => 0 });
say $_->{mid} for @{$srch->mset_to_smsg($ibx, $mset)};
"""


class PublicInbox(Peer):
    """public-inbox: a v2 inbox with full (Xapian) indexing under HOME/public-inbox, its config
    file named by PI_CONFIG so nothing touches ~/.public-inbox; the mbox imported by its own
    Perl library, which indexes as it imports (a later `public-inbox-index` finds nothing to do).
    It has no search command of its own short of `lei` (a separate package), so the search is
    its library's, the one its web and IMAP servers call, run by `perl -e`."""

    name = "public-inbox"
    programs = ("public-inbox-init", "perl", "git")
    syntax = Syntax("bs:{}", "f:{}", "s:{}", " AND ")  # bs: subject and body
    inbox = "bench"

    def env(self, home: Path) -> dict[str, str]:
        return environment({"PI_CONFIG": str(home / "public-inbox" / "config")}, ("PI_DIR",))

    def index(self, archive: Path, home: Path) -> Measure:
        work = fresh(home / "public-inbox")
        mbox, _ = archive_paths(archive.resolve())
        env = self.env(home)
        url_address = ["http://example.org/bench", "bench@example.org"]
        inbox = ["public-inbox-init", "-V2", self.inbox, str(work / "inbox"), *url_address]
        init = measure(inbox, env)
        imported = measure(["perl", "-e", _PI_IMPORT, self.inbox, str(mbox)], env)
        return init.measure + imported.measure

    def search_command(self, query: Query, home: Path) -> tuple[list[str], dict[str, str]]:
        command = ["perl", "-e", _PI_SEARCH, self.inbox, self.query_text(query), str(PAGE)]
        return command, self.env(home)


PEERS: tuple[Peer, ...] = (Notmuch(), Mu(), PublicInbox())


def main() -> None:
    parser = argparse.ArgumentParser(description="Index an archive with each peer, then search.")
    parser.add_argument("archive", type=Path, help="A generate_archive output directory.")
    parser.add_argument("--home", type=Path, help="Keep the peers' databases here.")
    parser.add_argument("--peer", action="append", choices=[peer.name for peer in PEERS])
    args = parser.parse_args()
    mbox, maildir = archive_paths(args.archive)
    if not mbox.is_file() or not (maildir / "cur").is_dir():
        raise SystemExit(f"bench: {args.archive} has no archive.mbox and maildir/")
    home = args.home or Path(tempfile.mkdtemp(prefix="threadlore-peers-"))
    home.mkdir(parents=True, exist_ok=True)
    peers = [peer for peer in PEERS if args.peer is None or peer.name in args.peer]
    missing = [peer for peer in peers if not peer.available()]
    for peer in missing:
        print(f"{peer.name}: not installed (needs {', '.join(peer.programs)}), skipped")
    peers = [peer for peer in peers if peer not in missing]
    print(f"index {args.archive} into {home}:")
    for peer in peers:
        run = peer.index(args.archive, home)
        print(f"  {peer.name:<13} {run.seconds:8.2f} s  peak RSS {run.peak_rss_mb:6.0f} MB")
    print(f"search, newest {PAGE} results, one process each:")
    print(f"  {'peer':<13} {'query':<17} {'seconds':>8} {'MB':>5} {'results':>7}  query text")
    empty = []
    for peer in peers:
        for query in QUERIES:
            run, found = peer.search(query, home)
            print(
                f"  {peer.name:<13} {query.label:<17} {run.seconds:8.3f} {run.peak_rss_mb:5.0f} "
                f"{len(found):7d}  {peer.query_text(query)}"
            )
            if not found:
                empty.append(f"{peer.name}: {query.label}")
    # A child's peak RSS counts from its fork (exec keeps the parent's high-water mark), so no
    # figure can be below this process's own; the searches' peaks are at or near it.
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(MB: no figure can read below this process's own peak RSS, {floor:.0f} MB)")
    if args.home is None:
        shutil.rmtree(home)
    if empty:
        print(f"no results for: {'; '.join(empty)}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
