"""Tests that drive other programs (git, public-inbox, notmuch, b4): skipped where one is missing,
except with CI=true, where `.ci/run` installs them all and a missing one fails the test."""

from __future__ import annotations

import os
import shutil

import pytest


def require_programs(*names: str) -> None:
    """Skip (fail, with CI=true) the calling test unless every program is on PATH."""
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return
    message = f"not installed: {', '.join(missing)} (.ci/run installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; with CI=true these tests must run", pytrace=False)
    pytest.skip(message)
