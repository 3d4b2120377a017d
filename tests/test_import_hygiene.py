"""The layering is checked, not hoped for: headless packages never pull in the UI or the store."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "importers": ("textual", "tui", "db", "kb", "cli"),
    "db": ("textual", "tui", "cli"),
    "kb": ("textual", "tui", "cli"),
}


def _modules(package: str) -> list[str]:
    path = ROOT / package
    names = [package]
    for info in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
        if ".migrations" not in info.name:
            names.append(info.name)
    return names


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [(m, forbidden) for package, forbidden in FORBIDDEN.items() for m in _modules(package)],
)
def test_headless_module_does_not_import(module: str, forbidden: tuple[str, ...]) -> None:
    code = (
        "import sys, importlib\n"
        f"importlib.import_module({module!r})\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"
