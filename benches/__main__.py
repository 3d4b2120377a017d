"""`python -m benches`: run every benchmark and campaign in turn, each with its own defaults.

Each module prints its figures beside a peer measured in the same run; run one alone, with its
options, as `python -m benches.<name> --help` shows.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path


def benchmark_modules() -> list[str]:
    """Every `bench_*` and `*_campaign` module in this package, in name order."""
    here = Path(__file__).parent
    names = [m.name for m in pkgutil.iter_modules([str(here)])]
    return sorted(n for n in names if n.startswith("bench_") or n.endswith("_campaign"))


def main() -> int:
    failed = []
    for name in benchmark_modules():
        print(f"\n=== benches.{name}", flush=True)
        if subprocess.run([sys.executable, "-m", f"benches.{name}"]).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
