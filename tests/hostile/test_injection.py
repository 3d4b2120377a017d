"""The database and the file system: a search or a message is only ever data, and exports
write only the file the user named."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hostile_support import REPOSITORY, RunCli
from seed_store import import_seed

from threadlore.cli.main import threadlore

SEED = REPOSITORY / "samples" / "lkml-2007-fault-vs-truncate.txt"
INJECTION = "'; DROP TABLE messages; --"
SQL_SUBJECT = "Robert'); DROP TABLE messages;-- 100% _done_"


def table_counts(db_url: str) -> dict[str, int]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        names = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with the seed thread and one message whose sender, subject and body are SQL."""
    folder = tmp_path_factory.mktemp("injection")
    db_url = f"sqlite:///{folder / 'store.sqlite'}"
    mail = folder / "sql.eml"
    mail.write_text(
        f"From: {INJECTION} <bobby@example.org>\nSubject: {SQL_SUBJECT}\n"
        f"Message-ID: <bobby@example.org>\n\nbody: {INJECTION}\n"
    )
    import_seed(db_url)
    result = CliRunner().invoke(threadlore, ["import", str(mail), "--db", db_url])
    assert result.exit_code == 0, result.output
    return db_url


@pytest.fixture
def seeded(seeded_store: str) -> RunCli:
    """Run a command on the module's seeded store."""

    def run(*args: str) -> Result:
        return CliRunner().invoke(threadlore, [*args, "--db", seeded_store])

    return run


@pytest.mark.parametrize(
    "query",
    [
        INJECTION,
        f'"{INJECTION}"',
        f"f:{INJECTION}",
        f's:"{INJECTION}"',
        f"dfn:{INJECTION}",
        f"dfhh:{INJECTION} OR t:x",
        'b:"\') OR 1=1 --"',
        "NEAR(a b) * ^x",
    ],
)
def test_a_search_made_of_sql_is_just_a_search(
    seeded: RunCli, seeded_store: str, query: str
) -> None:
    """Answered as a search or refused as a bad query, in one line; nothing changes."""
    before = table_counts(seeded_store)
    result = seeded("search", query, "--json")
    if result.exit_code == 0 or result.stdout.strip() == "[]":  # hits, or none (exit 1)
        assert isinstance(json.loads(result.stdout), list)
    else:
        assert result.stderr.startswith("threadlore: bad query: "), result.output
        assert result.stderr.count("\n") == 1
    assert table_counts(seeded_store) == before


def test_a_bad_query_is_one_line_and_changes_nothing(seeded: RunCli, seeded_store: str) -> None:
    before = table_counts(seeded_store)
    result = seeded("search", f"d:{INJECTION}")
    assert result.exit_code == 1
    assert (
        result.stderr.startswith("threadlore: bad query: bad date")
        and result.stderr.count("\n") == 1
    )
    assert table_counts(seeded_store) == before


def test_sql_in_a_message_is_stored_and_found_as_text(seeded: RunCli) -> None:
    phrase = json.loads(seeded("search", f'"{INJECTION}"', "--json").stdout)
    assert [m["id"] for m in phrase] == ["bobby@example.org"]
    found = json.loads(seeded("search", "s:robert", "--json").stdout)
    assert [(m["id"], m["subject"]) for m in found] == [("bobby@example.org", SQL_SUBJECT)]
    shown = seeded("show", "bobby@example.org").stdout
    assert f"Subject: {SQL_SUBJECT}" in shown and f"body: {INJECTION}" in shown


@pytest.mark.parametrize(
    ("pattern", "expected"), [("100%", 1), ("%", 1), ("_done_", 1), ("x_y%", 0)]
)
def test_like_wildcards_in_a_filter_match_themselves(
    seeded: RunCli, pattern: str, expected: int
) -> None:
    result = seeded("threads", "--filter", pattern, "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == expected


def files_under(folder: Path) -> dict[str, float]:
    return {
        str(path.relative_to(folder)): path.stat().st_mtime
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith("store.sqlite")
    }


@pytest.mark.parametrize("fmt", ["md", "html", "dot"])
def test_an_export_writes_only_the_file_it_was_given(
    seeded: RunCli, tmp_path: Path, fmt: str
) -> None:
    before = files_under(tmp_path)
    target = tmp_path / "exports" / f"decisions.{fmt}"
    target.parent.mkdir()
    result = seeded("export", "1", "--format", fmt, "-o", str(target))
    assert result.exit_code == 0, result.output
    after = files_under(tmp_path)
    assert set(after) - set(before) == {f"exports/decisions.{fmt}"}
    assert {k: v for k, v in after.items() if k in before} == before
    assert target.stat().st_size > 0


def test_an_export_into_a_missing_folder_is_refused_without_creating_it(
    seeded: RunCli, tmp_path: Path
) -> None:
    target = tmp_path / "absent" / "decisions.md"
    result = seeded("export", "1", "-o", str(target))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert not target.parent.exists()


def test_an_html_export_escapes_markup(seeded: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "decisions.html"
    assert seeded("export", "1", "--format", "html", "-o", str(target)).exit_code == 0
    text = target.read_text()
    assert "<script" not in text.lower() and os.linesep in text


def test_arguments_typed_in_a_latin1_terminal_are_read_as_text(cli: RunCli) -> None:
    """Python hands non-UTF-8 argv bytes over as lone surrogates ("caf\\udce9" for b"caf\\xe9")."""
    assert (
        cli("import", str(REPOSITORY / "tests/data/broken/01-8bit-mixed-headers.eml")).exit_code
        == 0
    )
    found = cli("search", "s:caf\udce9", "--json")
    assert found.exit_code == 0, found.output
    assert [m["id"] for m in json.loads(found.stdout)] == ["broken-01@example.org"]
    listed = cli("threads", "--filter", "caf\udce9", "--json")
    assert [t["subject"] for t in json.loads(listed.stdout)] == ["café — naïve"]
    missing = cli("show", "\udcff")
    assert (missing.exit_code, missing.stderr) == (1, "threadlore: no message 'ÿ'\n")
