"""What PostgreSQL's columns refuse and SQLite would keep (a Message-ID or reference past 998
bytes, a name or address past 255 characters, a trailer key, a hunk heading) is fitted before
it is written, so both engines store the same message, with a warning, and threads still join."""

from __future__ import annotations

from pathlib import Path

from hostile_support import RunCli, cli_on
from sqlalchemy import text

from threadlore.db.engine import make_engine
from threadlore.db.store_limits import MAX_ID_BYTES, MAX_SHORT_CHARS, fitted_id, fitted_text

LONG_ID = "x" * 5_000 + "@example.org"
NAME = "=?utf-8?q?" + "Na=C3=AFve_" * 80 + "?="  # 480 characters once decoded
DIFF = "@@ -1,2 +1,2 @@ " + "f" * 400 + "\n-a\n+b\n c\n"


def test_long_ids_names_and_headings_are_stored_fitted_on_both_engines(
    engine_cli: RunCli, tmp_path: Path
) -> None:
    root = tmp_path / "root.eml"
    root.write_text(
        f"From: {NAME} <{'a' * 300}@example.org>\nMessage-ID: <{LONG_ID}>\nSubject: long\n"
        f"\nbody\n\n{'K' * 300}-by: someone\n"
        f"diff --git a/f b/f\n--- a/f\n+++ b/f\n{DIFF}"
    )
    reply = tmp_path / "reply.eml"
    reply.write_text(
        f"From: b@example.org\nMessage-ID: <reply@example.org>\nIn-Reply-To: <{LONG_ID}>\n"
        f"References: <{LONG_ID}>\nSubject: Re: long\n\nreply\n"
    )
    result = engine_cli("import", str(root), str(reply))
    assert result.exit_code == 4, result.output
    assert result.stdout.startswith("read 2 messages: 2 added, 0 already stored, 1 threads")
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and all("too long for the store: shortened" in w for w in warnings)
    assert "Message-ID and a name or address" in warnings[0]
    shown = engine_cli("show", fitted_id(LONG_ID))
    assert shown.exit_code == 0, shown.output
    again = engine_cli("import", str(root), str(reply))
    assert again.stdout.startswith("read 2 messages: 0 added, 2 already stored")


def test_ids_stored_whole_before_fitting_are_fitted_so_reimporting_adds_nothing(
    engine_url: str, tmp_path: Path
) -> None:
    """A store written before ids were fitted kept them whole (SQLite any length, PostgreSQL's
    varchar(998) up to 998 characters): migration 0010 fits them."""
    whole = "é" * 900 + "@example.org"  # 912 characters, 1,812 bytes: both engines kept it
    root = tmp_path / "root.eml"
    root.write_text(f"From: a@example.org\nMessage-ID: <{whole}>\nSubject: s\n\nbody\n")
    reply = tmp_path / "reply.eml"
    reply.write_text(
        f"From: b@example.org\nMessage-ID: <r@example.org>\nIn-Reply-To: <{whole}>\n"
        f"References: <{whole}>\nSubject: Re: s\n\nreply\n"
    )
    cli = cli_on(engine_url)
    assert cli("import", str(root), str(reply)).stdout.startswith("read 2 messages: 2 added")
    engine = make_engine(engine_url)
    with engine.begin() as connection:  # as the store looked before fitting, at 0009
        for table, column in (
            ("messages", "message_id"),
            ("messages", "in_reply_to"),
            ("message_references", "referenced_id"),
        ):
            connection.execute(
                text(f"UPDATE {table} SET {column} = :whole WHERE {column} = :fitted"),
                {"whole": whole, "fitted": fitted_id(whole)},
            )
        connection.execute(text("UPDATE alembic_version SET version_num = '0009_long_bodies'"))
    engine.dispose()
    again = cli("import", str(root), str(reply))
    assert again.stdout.startswith("read 2 messages: 0 added, 2 already stored"), again.output
    shown = cli("show", "r@example.org")
    assert shown.exit_code == 0 and fitted_id(whole) in shown.stdout


def test_fitting_keeps_what_fits_and_shortens_the_rest_the_same_way() -> None:
    assert fitted_id("short@x") == "short@x"
    long = fitted_id(LONG_ID)
    assert len(long.encode()) <= MAX_ID_BYTES and long == fitted_id(LONG_ID)
    assert fitted_id(LONG_ID + "y") != long
    assert len(fitted_id("é" * 2_000).encode()) <= MAX_ID_BYTES
    assert fitted_text("ß" * 200) == "ß" * 127  # "ss" each once case-folded
    assert len(fitted_text("a" * 300)) == MAX_SHORT_CHARS


def test_a_text_whose_folding_triples_it_is_fitted_at_the_length_that_fits() -> None:
    """U+0390 folds to three code points, the most any character does: 85 of them fit (255
    folded), 86 do not, though both are far shorter than the column."""
    assert fitted_text("\u0390" * 85) == "\u0390" * 85
    assert fitted_text("\u0390" * 86) == "\u0390" * 85
