"""Benchmark the explorer against spin on W5 and W6, old protocol and page-lock fix, several sizes.

For each scenario (workload, policy, pages, faulting threads): both engines' verdicts, which must
agree (a MISMATCH line and exit status 1 otherwise); states generated (transitions), distinct
states, states per second and time to verdict for threadlore's explorer and for spin's pan,
medians of several runs; and the ratio of our time to spin's, against pan's run alone and
against pan's run plus the time to generate and compile it (spin -a, gcc -O2), measured once.

spin's pan runs breadth-first (-DBFS -DSAFETY) with its partial-order reduction; ours runs with
its partial-order reduction unless --no-reduction and with its symmetry reduction (identical
faulting threads are interchangeable) unless --no-symmetry. The Promela models are in
benches/promela/.

Run: .venv/bin/python -m benches.bench_explorer [--runs 5] [--pages 1,2] [--threads 1,2,3]
     [--workloads W5,W6] [--no-reduction] [--no-symmetry] [--no-spin]

`--against DIR` instead times the same scenarios under another version of the code: DIR holds a
`threadlore/` package of it (e.g. `git archive <commit> kb` unpacked into DIR/threadlore/kb, with
an empty DIR/threadlore/__init__.py). Both run in fresh processes, in alternating rounds, so the
load of the machine falls on both alike; it prints the medians of wall time (the explorer's own
clock) and of CPU time, and their ratios.

`--largest SECONDS` instead grows one scenario (W6 under LOCK_PAGE_IN_FAULT by default: it holds,
so the search is exhaustive), pages and faulting threads in turn, each size in a fresh process,
and reports the largest that finishes within SECONDS with its states and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from threadlore.kb.vm.explorer import check

PROMELA = Path(__file__).resolve().parent / "promela"
PROMELA_MODELS = {"W5": "w5_invalidate_vs_fault.pml", "W6": "w6_hole_punch_vs_fault.pml"}
PROMELA_FLAGS = {"STATUS_QUO": [], "LOCK_PAGE_IN_FAULT": ["-DLOCKED"]}
PAN_COMPILE = ["gcc", "-O2", "-DBFS", "-DSAFETY", "-o", "pan", "pan.c"]
PAN_RUN = ["./pan", "-n", "-w20"]


@dataclass(frozen=True)
class Scenario:
    """One problem both engines solve."""

    workload: str
    policy: str
    pages: int
    threads: int


@dataclass(frozen=True)
class Measure:
    """Median figures of one engine on one scenario."""

    verdict: str
    states: int
    distinct: int
    seconds: float
    compile_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.states / self.seconds if self.seconds else float("inf")


def measure_ours(scenario: Scenario, runs: int, reduction: bool, symmetry: bool) -> Measure:
    results = [
        check(
            scenario.workload,
            scenario.policy,
            pages=scenario.pages,
            threads=scenario.threads,
            reduction=reduction,
            symmetry=symmetry,
        )
        for _ in range(runs)
    ]
    first = results[0]
    seconds = statistics.median(r.seconds for r in results)
    return Measure(first.verdict, first.states, first.distinct_states, seconds)


def _pan_figure(pattern: str, output: str) -> int:
    found = re.search(pattern, output)
    if found is None:
        raise RuntimeError(f"pan output lacks {pattern!r}:\n{output}")
    return int(found.group(1))


def _pan_verdict(output: str) -> str:
    """held, violated (the INV1 claim), or error (pan stopped on something else)."""
    if not _pan_figure(r"errors: (\d+)", output):
        return "held"
    if "indexing error" in output or "assertion violated" not in output:
        return "error"
    return "violated"


def measure_spin(scenario: Scenario, runs: int) -> Measure:
    """Generate and compile pan once (timed), then run it `runs` times."""
    model = PROMELA / PROMELA_MODELS[scenario.workload]
    flags = [
        *PROMELA_FLAGS[scenario.policy],
        f"-DNPG={scenario.pages}",
        f"-DNFAULT={scenario.threads}",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(["spin", *flags, "-a", str(model)], cwd=tmp, check=True, capture_output=True)
        subprocess.run(PAN_COMPILE, cwd=tmp, check=True, capture_output=True)
        compile_seconds = time.perf_counter() - started
        timings, output = [], ""
        for _ in range(runs):
            started = time.perf_counter()
            output = subprocess.run(
                PAN_RUN, cwd=tmp, capture_output=True, text=True, check=False
            ).stdout
            timings.append(time.perf_counter() - started)
    stored = _pan_figure(r"(\d+) states, stored", output)
    matched = _pan_figure(r"(\d+) states, matched", output)
    seconds = statistics.median(timings)
    return Measure(_pan_verdict(output), stored + matched, stored, seconds, compile_seconds)


LARGEST_PROBE = """
import json, resource, sys
from threadlore.kb.vm.explorer import check
workload, policy, pages, threads, limit = sys.argv[1:6]
result = check(workload, policy, pages=int(pages), threads=int(threads), symmetry=True,
               max_states=int(limit))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps([result.verdict, result.states, result.distinct_states, result.seconds, peak]))
"""


def probe(workload: str, policy: str, pages: int, threads: int, seconds: float) -> list[object]:
    """One exhaustive check in a fresh process (its own peak RSS); None past `seconds`."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", LARGEST_PROBE, workload, policy, str(pages), str(threads),
             str(50_000_000)],
            capture_output=True, text=True, check=True, timeout=seconds * 1.5 + 10,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return []
    found: list[object] = json.loads(done.stdout)
    return found


def largest(workload: str, policy: str, seconds: float, most_pages: int = 3) -> None:
    """For each page count, add faulting threads while the check finishes within `seconds`;
    print every size tried and the fitting one with the most distinct states."""
    console = Console(width=120)
    fitting: list[tuple[int, int, list[object]]] = []
    for pages in range(1, most_pages + 1):
        threads = 1
        while True:
            found = probe(workload, policy, pages, threads, seconds)
            fits = bool(found) and float(found[3]) <= seconds  # type: ignore[arg-type]
            shown = (
                f"{found[0]}, {found[2]:,} distinct of {found[1]:,} states, {found[3]:.1f} s, "
                f"peak {int(found[4]) / 1024:.0f} MiB"  # type: ignore[call-overload]
                if found
                else "did not finish"
            )
            console.print(f"{workload} {policy} pages={pages} threads={threads}: {shown}")
            if not fits:
                break
            fitting.append((pages, threads, found))
            threads += 1
        if threads == 1:
            break
    if fitting:
        pages, threads, found = max(fitting, key=lambda fit: int(fit[2][2]))  # type: ignore[call-overload]
        console.print(
            f"largest within {seconds:.0f} s: pages={pages} × threads={threads} "
            f"({found[2]:,} distinct states, {found[1]:,} states, {found[3]:.1f} s, "
            f"peak RSS {int(found[4]) / 1024:.0f} MiB)"  # type: ignore[call-overload]
        )


AGAINST_PROBE = """
import json, sys, time
from threadlore.kb.vm.explorer import explore
from threadlore.kb.vm.workloads import get_workload
runs, scenarios = int(sys.argv[1]), json.loads(sys.argv[2])
out = {}
for workload, policy, pages, threads in scenarios:
    setup = get_workload(workload).setup(pages=pages, threads=threads)
    times = []
    for _ in range(runs):
        cpu = time.process_time()
        found = explore(setup, policy, stop_at_first=True, symmetry=True, reduction=True)
        times.append([found.seconds, time.process_time() - cpu, found.distinct_states])
    out[f"{workload} {policy} p{pages} t{threads}"] = times
print(json.dumps(out))
"""


def against(scenarios: list[Scenario], other: Path, runs: int, rounds: int) -> None:
    """Ours and another version's, in alternating rounds; medians and ratios."""
    sides = {"ours": Path(__file__).resolve().parents[1], "theirs": other.resolve()}
    data = json.dumps([[s.workload, s.policy, s.pages, s.threads] for s in scenarios])
    times: dict[str, dict[str, list[list[float]]]] = {"ours": {}, "theirs": {}}
    for number in range(rounds):
        order = ["ours", "theirs"] if number % 2 == 0 else ["theirs", "ours"]
        for side in order:
            env = None if side == "ours" else {"PYTHONPATH": str(sides["theirs"]), "PATH": ""}
            done = subprocess.run(
                [sys.executable, "-c", AGAINST_PROBE, str(runs), data],
                cwd=sides[side], env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            for name, rows in json.loads(done.stdout).items():
                times[side].setdefault(name, []).extend(rows)
    table = Table(title=f"ours vs {other}: medians of {runs * rounds} runs in {rounds} rounds")
    for column in (
        "scenario",
        "distinct",
        "theirs s",
        "ours s",
        "×",
        "theirs cpu",
        "ours cpu",
        "×",
    ):
        table.add_column(column, justify="left" if column == "scenario" else "right")
    for name, rows in times["ours"].items():
        mine, theirs = rows, times["theirs"][name]
        wall = [statistics.median(r[0] for r in side) for side in (theirs, mine)]
        cpu = [statistics.median(r[1] for r in side) for side in (theirs, mine)]
        distinct = f"{int(theirs[0][2])}/{int(mine[0][2])}"
        table.add_row(
            name, distinct, f"{wall[0]:.4f}", f"{wall[1]:.4f}", _ratio(wall[1], wall[0]),
            f"{cpu[0]:.4f}", f"{cpu[1]:.4f}", _ratio(cpu[1], cpu[0]),
        )  # fmt: skip
    Console(width=140).print(table)


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "—"


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--workloads", default="W5,W6", help="comma-separated: W5,W6")
    parser.add_argument("--pages", default="1,2", help="comma-separated page counts")
    parser.add_argument("--threads", default="1,2,3", help="comma-separated faulting threads")
    parser.add_argument("--no-reduction", action="store_true", help="ours explores fully")
    parser.add_argument("--no-symmetry", action="store_true", help="ours without symmetry")
    parser.add_argument("--no-spin", action="store_true", help="leave spin out")
    parser.add_argument(
        "--largest",
        type=float,
        metavar="SECONDS",
        help="find the largest W6 LOCK_PAGE_IN_FAULT (or --workloads/--policy) within SECONDS",
    )
    parser.add_argument("--policy", default="LOCK_PAGE_IN_FAULT", help="with --largest")
    parser.add_argument("--against", type=Path, metavar="DIR", help="time another version too")
    parser.add_argument("--rounds", type=int, default=4, help="with --against")
    args = parser.parse_args()
    if args.largest:
        largest(args.workloads.split(",")[-1], args.policy, args.largest)
        return
    use_spin = not args.no_spin and bool(shutil.which("spin") and shutil.which("gcc"))

    scenarios = [
        Scenario(workload, policy, pages, threads)
        for workload in args.workloads.split(",")
        for policy in PROMELA_FLAGS
        for pages in _sizes(args.pages)
        for threads in _sizes(args.threads)
    ]
    if args.against:
        against(scenarios, args.against, args.runs, args.rounds)
        return
    mode = "full exploration" if args.no_reduction else "with reduction"
    mode += "" if args.no_symmetry else ", symmetry"
    table = Table(title=f"explorer ({mode}) vs spin, medians of {args.runs} runs")
    columns = ["workload", "policy", "pages", "thr", "verdict"]
    columns += ["states", "distinct", "states/s", "time s"]
    columns += ["spin states", "spin distinct", "spin states/s", "spin time s", "spin compile s"]
    columns += ["×spin", "×spin+cc"]
    for column in columns:
        table.add_column(column, justify="left" if column in ("workload", "policy") else "right")
    mismatches: list[str] = []
    for scenario in scenarios:
        ours = measure_ours(
            scenario, args.runs, reduction=not args.no_reduction, symmetry=not args.no_symmetry
        )
        spin_cells = ["—"] * 7
        if use_spin:
            spin = measure_spin(scenario, args.runs)
            if spin.verdict != ours.verdict:
                mismatches.append(
                    f"MISMATCH {scenario.workload} {scenario.policy} pages={scenario.pages} "
                    f"threads={scenario.threads}: threadlore {ours.verdict}, spin {spin.verdict}"
                )
            spin_cells = [
                str(spin.states),
                str(spin.distinct),
                f"{spin.per_second:,.0f}",
                f"{spin.seconds:.4f}",
                f"{spin.compile_seconds:.3f}",
                _ratio(ours.seconds, spin.seconds),
                _ratio(ours.seconds, spin.seconds + spin.compile_seconds),
            ]
        table.add_row(
            scenario.workload,
            scenario.policy,
            str(scenario.pages),
            str(scenario.threads),
            ours.verdict if not use_spin else f"{ours.verdict}/{spin.verdict}",
            str(ours.states),
            str(ours.distinct),
            f"{ours.per_second:,.0f}",
            f"{ours.seconds:.4f}",
            *spin_cells,
        )
    Console(width=200).print(table)
    if not use_spin:
        print("spin not run (not installed, or --no-spin)")
        return
    print(
        "verdict: threadlore/spin. spin time: pan's wall time per run (process start included); "
        "compile s: spin -a + gcc -O2, once. ×spin = our time / pan's run; "
        "×spin+cc = our time / (pan's run + compile)."
    )
    for line in mismatches:
        print(line)
    if mismatches:
        sys.exit(1)
    print(f"verdicts agree on all {len(scenarios)} scenarios")


if __name__ == "__main__":
    main()
