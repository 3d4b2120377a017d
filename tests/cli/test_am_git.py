"""`threadlore am` end to end: a real repository, a series from `git format-patch` (v1, then a
v2 in a thread of its own), replies carrying trailers, imported; `git am` applies what `am`
writes, with the trailers in the commit messages."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from programs import require_programs

from threadlore.cli.main import threadlore

AUTHOR = ("Ann Author", "ann@example.org")


def git(repo: Path, *args: str, when: str = "2024-05-01T10:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": AUTHOR[0],
        "GIT_AUTHOR_EMAIL": AUTHOR[1],
        "GIT_COMMITTER_NAME": AUTHOR[0],
        "GIT_COMMITTER_EMAIL": AUTHOR[1],
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit(repo: Path, name: str, text: str, message: str, when: str) -> None:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message, when=when)


def series(repo: Path, version: int, when: str, out: Path) -> list[Path]:
    """Two commits on a branch from `base`, sent as `[PATCH vN i/2]` under a cover letter."""
    git(repo, "checkout", "-q", "-B", f"v{version}", "base")
    signed = "\n\nSigned-off-by: Ann Author <ann@example.org>"
    first = "mm: fix the fault path\n\nTake the page lock first." + signed
    commit(repo, "fault.c", f"lock page; v{version}\n", first, when)
    second = "mm: drop the old helper\n\nNothing calls it." + signed
    commit(repo, "helper.c", f"gone v{version}\n", second, when)
    options = ["-q", "--cover-letter", f"-v{version}", "--thread", "-o", str(out)]
    git(repo, "format-patch", *options, "base", when=when)
    files = sorted(out.glob(f"v{version}-*.patch"))
    for path in files:  # format-patch's ids hold the second it ran: make each version's its own
        path.write_text(path.read_text().replace(".git.ann@", f".v{version}.git.ann@"))
    return files


def header(path: Path, name: str) -> str:
    for line in path.read_text().splitlines():
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip().strip("<>")
    raise AssertionError(f"no {name} in {path}")


def reply(to: Path | str, who: tuple[str, str], text: str, message_id: str, hour: int) -> str:
    parent = to if isinstance(to, str) else header(to, "Message-ID")
    subject = "Re: patch" if isinstance(to, str) else "Re: " + header(to, "Subject")
    return (
        "From reply Mon Sep 17 00:00:00 2001\n"
        f"From: {who[0]} <{who[1]}>\nSubject: {subject}\n"
        f"Date: Thu, 02 May 2024 {hour:02}:00:00 +0000\nMessage-ID: <{message_id}>\n"
        f"In-Reply-To: <{parent}>\nReferences: <{parent}>\n\n{text}\n\n"
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    require_programs("git")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "fault.c", "old\n", "base", "2024-04-01T10:00:00+00:00")
    commit(repo, "helper.c", "helper\n", "base 2", "2024-04-01T10:00:00+00:00")
    git(repo, "tag", "base")
    return repo


REVIEWER = ("Rita Reviewer", "rita@example.org")
TESTER = ("Tom Tester", "tom@example.org")
MAINTAINER = ("Max Maint", "max@example.org")


def test_am_writes_the_newest_series_with_trailers_git_am_applies(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "outgoing"
    v1 = series(repo, 1, "2024-05-01T10:00:00+00:00", out)
    v2 = series(repo, 2, "2024-05-02T10:00:00+00:00", out)
    cover2, first2, second2 = v2
    reviewed = "Reviewed-by: Rita Reviewer <rita@example.org>"
    quoted = "> Signed-off-by: Someone <s@x>\n\nLooks right.\n\n"
    replies = [
        reply(v1[1], REVIEWER, f"> quoted\n\n{reviewed}", "r1@x", 1),  # v1: its diff differs
        reply(first2, REVIEWER, quoted + reviewed, "r2@x", 11),
        reply("r2@x", TESTER, "Tested-by: Tom Tester <tom@example.org>", "r3@x", 12),
        reply(cover2, MAINTAINER, "For all:\n\nAcked-by: Max Maint <max@example.org>", "r4@x", 13),
        reply(second2, TESTER, "Reviewed-by: Somebody Else <else@example.org>", "r5@x", 14),
    ]
    mbox = tmp_path / "thread.mbox"
    mbox.write_text("".join(p.read_text() + "\n" for p in [*v1, *v2]) + "".join(replies))
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(threadlore, ["import", str(mbox), "--db", db]).exit_code == 0

    written = tmp_path / "series.mbox"
    v1_cover = header(v1[0], "Message-ID")
    result = runner.invoke(threadlore, ["am", v1_cover, "-o", str(written), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["version"], summary["revisions"], summary["missing"]) == (2, [1, 2], [])
    assert summary["cover"] == header(cover2, "Message-ID")
    added = {p["subject"]: p["added_trailers"] for p in summary["patches"]}
    assert list(added.values()) == [
        [
            "Reviewed-by: Rita Reviewer <rita@example.org>",
            "Tested-by: Tom Tester <tom@example.org>",
            "Acked-by: Max Maint <max@example.org>",
        ],
        ["Acked-by: Max Maint <max@example.org>"],
    ]
    assert [i["value"] for i in summary["ignored"]] == ["Somebody Else <else@example.org>"]
    assert Path(summary["cover_output"]).read_text().count("Subject:") == 1

    git(repo, "checkout", "-q", "-B", "applied", "base")
    git(repo, "am", "-q", str(written))
    log = git(repo, "log", "--format=%an|%s%n%b%n--", "base..applied")
    assert log.count("Ann Author|") == 2 and "v2" in (repo / "fault.c").read_text()
    first, second = log.split("--\n")[1], log.split("--\n")[0]  # newest first
    assert first.startswith("Ann Author|mm: fix the fault path")
    assert first.rstrip().endswith(
        "Signed-off-by: Ann Author <ann@example.org>\n"
        "Reviewed-by: Rita Reviewer <rita@example.org>\n"
        "Tested-by: Tom Tester <tom@example.org>\n"
        "Acked-by: Max Maint <max@example.org>"
    )
    assert second.rstrip().endswith("Acked-by: Max Maint <max@example.org>")
    assert "Somebody Else" not in log and "Someone" not in log


def test_am_of_a_thread_without_a_series_is_one_line(tmp_path: Path) -> None:
    mbox = tmp_path / "plain.mbox"
    mbox.write_text(reply("nothing@x", REVIEWER, "Just talk.", "talk@x", 1))
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    CliRunner().invoke(threadlore, ["import", str(mbox), "--db", db])
    result = CliRunner().invoke(threadlore, ["am", "talk@x", "--db", db])
    assert result.exit_code == 1
    expected = "threadlore: no patch series here (no [PATCH i/k] message with a diff)"
    assert result.stderr.strip() == expected
