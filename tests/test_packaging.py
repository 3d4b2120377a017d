"""The wheel holds one namespace, `threadlore`, and every folder of code the repository has."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP_FOLDERS = ("cli", "db", "importers", "kb", "tui")


def _setuptools() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        table: dict[str, object] = tomllib.load(handle)["tool"]["setuptools"]
    return table


def _folders_with_code_or_data() -> set[str]:
    found = set()
    for top in TOP_FOLDERS:
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]:
            if not folder.is_dir() or folder.name == "__pycache__":
                continue
            if any(f.suffix in {".py", ".yaml", ".tcss"} for f in folder.iterdir()):
                found.add("threadlore." + ".".join(folder.relative_to(ROOT).parts))
    return found


def test_every_top_folder_maps_into_the_threadlore_namespace() -> None:
    assert _setuptools()["package-dir"] == {f"threadlore.{top}": top for top in TOP_FOLDERS}


def test_the_package_list_names_every_folder_of_code() -> None:
    assert set(_setuptools()["packages"]) == _folders_with_code_or_data()  # type: ignore[arg-type]


def test_every_data_file_of_the_package_is_in_the_wheel() -> None:
    """A file the code reads (a stylesheet, a map, the schema snapshot) is one package-data
    names; otherwise an installed threadlore lacks it."""
    patterns = _setuptools()["package-data"]["*"]  # type: ignore[index]
    suffixes = {f.suffix for top in TOP_FOLDERS for f in (ROOT / top).rglob("*.*")}
    left_out = sorted(s for s in suffixes - {".py", ".pyc"} if f"*{s}" not in patterns)
    assert ".sql" in suffixes and not left_out
