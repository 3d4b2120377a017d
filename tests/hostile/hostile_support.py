"""What the hostile-input tests share: where the breakage corpus is, the CLI runner's type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

REPOSITORY = Path(__file__).resolve().parents[2]
BROKEN = REPOSITORY / "tests" / "data" / "broken"

RunCli = Callable[..., Result]
