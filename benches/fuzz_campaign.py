"""A long fuzz campaign over every importer, the store round trip and the search parser.

Runs the properties of tests/hostile/hostile_fuzz.py and hostile_pilot.py (the ones the test
suite runs briefly) for `--cases` generated cases per target (files, archive text, Maildirs,
the store round trip, queries, file names, sizes past a cap; depths of MIME parts and folders,
and the UI driven by random keys on a hostile store, which are slow, run fewer), with
hypothesis's example database off so each run draws new cases. Prints the cases tried and the
rate per target, the crashes (an exception other than the property's own assertion) and every
finding, shrunk to its smallest form. Exit status 1 when anything was found. SIGTERM or Ctrl-C
stops the campaign with the totals so far (the running target's cases counted), except inside
the round-trip and UI targets, whose code takes Ctrl-C as its own (an import, the app).

    .venv/bin/python -m benches.fuzz_campaign --cases 2000
    .venv/bin/python -m benches.fuzz_campaign --cases 20000 --only names sizes
    .venv/bin/python -m benches.fuzz_campaign --cases 30000 --only Pilot   # 300 UI cases
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hostile"))

import hostile_fuzz as fuzz
import hostile_pilot as pilot

from threadlore.db.ingest import import_messages
from threadlore.importers.detect import read_inputs


@dataclass
class TargetResult:
    """One target's run: cases tried, and what failed (a crash or a broken property)."""

    name: str
    cases: int = 0
    seconds: float = 0.0
    crash: bool = False
    finding: str | None = None
    stopped: bool = False


@dataclass
class Campaign:
    """Every target's result."""

    results: list[TargetResult] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(r.cases for r in self.results)

    @property
    def findings(self) -> list[TargetResult]:
        return [r for r in self.results if r.finding is not None]


def run_target(
    name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None], cases: int
) -> TargetResult:
    """Run `check` on `cases` generated cases; the first failure is shrunk and recorded."""
    result = TargetResult(name)

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(strategy)
    def property_holds(case: Any) -> None:
        result.cases += 1
        check(case)

    started = time.perf_counter()
    try:
        property_holds()
    except Exception as exc:  # a finding: keep its shrunk form and go on with the next target
        result.crash = not isinstance(exc, AssertionError)
        result.finding = "".join(traceback.format_exception_only(exc)).strip()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the cases so far count
        result.stopped = True
    result.seconds = time.perf_counter() - started
    return result


# slow targets run this many times fewer cases: a depth case builds up to 1,200 folders, a UI
# case starts the app on a copy of a 3,000-message store
SHARES = {"depths": 20, "Pilot": 100}


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="Cases per target.")
    parser.add_argument(
        "--only", nargs="*", default=[], metavar="WORD", help="Only targets naming a WORD."
    )
    args = parser.parse_args()
    campaign = Campaign()
    with tempfile.TemporaryDirectory(prefix="threadlore-fuzz-") as folder:
        work = Path(folder)
        store = fuzz.fresh_store(fuzz.migrated_template(work), work)
        import_messages(store, read_inputs([fuzz.SEED]))
        targets: list[tuple[str, st.SearchStrategy[Any], Callable[[Any], None]]] = [
            ("files (eml, mbox, mbox.gz, archive text, junk)", fuzz.file_cases, fuzz.check_file),
            ("archive text (cut pages, odd headers, dates, huge blocks)", fuzz.archive_text_cases,
             fuzz.check_file),
            ("maildirs", fuzz.maildir_cases, fuzz.check_maildir),
            ("round trip into the store", fuzz.written_messages,
             lambda case: fuzz.check_round_trip(case, store)),
            ("search queries", fuzz.queries, lambda query: fuzz.check_query(query, store)),
            ("file names", fuzz.file_names, lambda name: fuzz.check_file_name(name, store)),
            ("sizes past a cap", fuzz.size_cases, fuzz.check_size),
            ("depths of parts and folders", fuzz.depth_cases, fuzz.check_depth),
            ("Pilot: random keys on a hostile store", pilot.key_sequences,
             lambda keys: pilot.check_keys(keys, hostile_store())),
        ]  # fmt: skip
        built: list[Path] = []

        def hostile_store() -> Path:
            if not built:
                (work / "hostile").mkdir()
                built.append(pilot.hostile_store(work / "hostile"))
            return built[0]

        for name, strategy, check in targets:
            if args.only and not any(word in name for word in args.only):
                continue
            share = next((n for word, n in SHARES.items() if word in name), 1)
            result = run_target(name, strategy, check, max(1, args.cases // share))
            campaign.results.append(result)
            outcome = "ok" if result.finding is None else ("CRASH" if result.crash else "FAILED")
            outcome += " (stopped)" if result.stopped else ""
            rate = result.cases / result.seconds if result.seconds else 0.0
            print(
                f"{name}: {result.cases} cases in {result.seconds:.0f} s ({rate:.1f}/s): {outcome}",
                flush=True,
            )
            if result.stopped:
                break
    crashes = sum(1 for r in campaign.results if r.crash)
    print(f"cases tried: {campaign.cases}; crashes: {crashes}; findings: {len(campaign.findings)}")
    for result in campaign.findings:
        print(f"  {result.name}: {result.finding}")
    sys.exit(1 if campaign.findings else 0)


if __name__ == "__main__":
    main()
