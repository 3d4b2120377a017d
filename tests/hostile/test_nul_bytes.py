"""A NUL byte in an archive-text page (a fuzz campaign's finding) is dropped as every other
importer drops it: PostgreSQL refused the message and stopped the import, SQLite kept it."""

from __future__ import annotations

from pathlib import Path

from hostile_support import RunCli

SEED = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"


def test_nul_bytes_in_archive_text_are_dropped_on_both_engines(
    engine_cli: RunCli, tmp_path: Path
) -> None:
    lines = SEED.read_text().splitlines()
    lines[10] = "a body line with a NUL \x00 inside"
    path = tmp_path / "thread.txt"
    path.write_text("\n".join(lines) + "\n")
    result = engine_cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert " 0 already stored" in result.stdout.splitlines()[0]
    found = engine_cli("search", '"NUL inside"', "--json")
    assert found.exit_code == 0 and "\\u0000" not in found.stdout
