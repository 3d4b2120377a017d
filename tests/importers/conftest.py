"""The importers' tests may use benches/ (its converter of real threads into archive pages)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benches/
