"""The seed thread and its curated map, as tests load them: the way a user does, through the CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from threadlore.cli.main import threadlore

REPOSITORY = Path(__file__).resolve().parents[1]
SEED = REPOSITORY / "samples" / "lkml-2007-fault-vs-truncate.txt"
SEED_MAP = REPOSITORY / "kb" / "maps" / "lkml-2007-fault-vs-truncate.yaml"


def import_seed(db_url: str, *, with_map: bool = True) -> None:
    """`threadlore import` the seed thread, then (by default) `threadlore map import` its map."""
    commands = [["import", str(SEED)]] + ([["map", "import", str(SEED_MAP)]] if with_map else [])
    for args in commands:
        result = CliRunner().invoke(threadlore, [*args, "--db", db_url])
        assert result.exit_code == 0, result.output
