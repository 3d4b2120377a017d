"""Every command's `--json` has exactly the fields README's JSON section lists for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from readme_json import documented_fields
from seed_store import SEED_MAP, import_seed

from threadlore.cli.main import threadlore


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('readme') / 'store.sqlite'}"
    import_seed(url)
    return url


def _json(store: str, *args: str) -> Any:
    result = CliRunner().invoke(threadlore, [*args, "--json", "--db", store])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return data[0] if isinstance(data, list) else data


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("search", ("search", "nonlinear")),
        ("show", ("show", "402a071ac31e")),
        ("threads", ("threads",)),
        ("people", ("people",)),
        ("tree", ("tree", "1")),
        ("import", ("import", "samples/lkml-2007-fault-vs-truncate.txt")),
        ("topics", ("topics",)),
        ("decisions", ("decisions", "--topic", "nonlinear")),
        ("proposal", ("proposal", "restrict-nonlinear-to-root", "--no-replay")),
        ("who", ("who", "wli")),
        ("extract", ("extract", "1", "--limit", "1")),
        ("map import", ("map", "import", str(SEED_MAP))),
        ("map history", ("map", "history")),
        ("export", ("export", "1", "-o", "/dev/null")),
    ],
)
def test_the_json_is_what_the_readme_documents(
    store: str, command: str, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    assert set(_json(store, *args)) == documented_fields(command)


def test_recording_commands_say_what_the_readme_documents(store: str) -> None:
    added = _json(
        store, "map", "add", "proposal", "--message", "402a071ac31e", "--question",
        "restrict-nonlinear", "--quote", "I think we need to restrict nonlinear mappings to root",
    )  # fmt: skip
    assert set(added) == documented_fields("map add")
    assert set(_json(store, "map", "undo")) == documented_fields("map history")
    corrected = _json(store, "correct", "402a071ac31e", "--date", "2007-03-07T07:01:00-04:00")
    assert set(corrected) == documented_fields("correct")


def test_map_export_json_is_the_documented_document_and_imports_back(
    store: str, tmp_path: Path
) -> None:
    document = _json(store, "map", "export", "1")
    assert set(document) | {"corrections"} == documented_fields("map export")
    saved = tmp_path / "map.json"
    saved.write_text(json.dumps(document), encoding="utf-8")
    assert _json(store, "map", "import", str(saved))["added"] == 0
