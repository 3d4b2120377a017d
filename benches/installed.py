"""threadlore as `pip install threadlore` gives it: a wheel of this tree installed (not editable)
in a throw-away venv, for benchmarks of how fast a process starts.

An editable install (`make install`) loads a finder at every start (~28 ms here: it imports
pathlib and more), which an installed package does not. The throw-away venv takes the
dependencies from this venv's site-packages (a path in a `.pth` file, whose own `.pth` files,
the editable finder's among them, are not run), so nothing is downloaded.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def installed_program(folder: Path) -> Path:
    """The `threadlore` console script of a non-editable install under `folder`."""
    wheels, venv = folder / "wheel", folder / "venv"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPOSITORY)], check=True
    )
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheel = next(wheels.glob("threadlore-*.whl"))
    # the same version again, for a tree changed since: reinstalled, not "already satisfied"
    install = ["--python", str(python), "install", "-q", "--no-deps", "--no-index"]
    install += ["--force-reinstall", str(wheel)]
    subprocess.run([*pip, *install], check=True)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "threadlore-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "threadlore"
