"""Benchmark the explorer on the races W5 and W6 under each race policy, beside spin.

For each (workload, policy): states generated, distinct states, states per second and time to
verdict, medians of several runs. Where a Promela model exists (benches/promela/, STATUS_QUO and
LOCK_PAGE_IN_FAULT), spin's pan is compiled once and run the same number of times on the same
problem; its figures and ours-to-spin ratios are printed beside ours. spin uses partial-order
reduction and compiled C, so its state counts are smaller and its times much shorter. The last
two columns are ours again with symmetry reduction (interchangeable faulting threads).

Run: .venv/bin/python -m benches.bench_explorer [--runs 5] [--threads 2] [--no-spin]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kb.vm.explorer import check
from kb.vm.policies import RACE_POLICIES

PROMELA = Path(__file__).resolve().parent / "promela"
PROMELA_MODELS = {"W5": "w5_invalidate_vs_fault.pml", "W6": "w6_hole_punch_vs_fault.pml"}
PROMELA_FLAGS = {"STATUS_QUO": [], "LOCK_PAGE_IN_FAULT": ["-DLOCKED"]}


@dataclass(frozen=True)
class Measure:
    """Median figures of one explorer on one problem."""

    verdict: str
    states: int
    distinct: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.states / self.seconds if self.seconds else float("inf")


def measure_ours(
    workload: str, policy: str, threads: int, runs: int, symmetry: bool = False
) -> Measure:
    results = [check(workload, policy, threads=threads, symmetry=symmetry) for _ in range(runs)]
    first = results[0]
    seconds = statistics.median(r.seconds for r in results)
    return Measure(first.verdict, first.states, first.distinct_states, seconds)


def measure_spin(workload: str, policy: str, threads: int, runs: int) -> Measure | None:
    """Compile pan for the Promela model once, run it `runs` times (BFS, like ours)."""
    if workload not in PROMELA_MODELS or policy not in PROMELA_FLAGS:
        return None
    model = PROMELA / PROMELA_MODELS[workload]
    with tempfile.TemporaryDirectory() as tmp:
        flags = [*PROMELA_FLAGS[policy], f"-DNFAULT={threads}"]
        subprocess.run(["spin", *flags, "-a", str(model)], cwd=tmp, check=True, capture_output=True)
        subprocess.run(
            ["gcc", "-O2", "-DBFS", "-DSAFETY", "-o", "pan", "pan.c"],
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        timings, output = [], ""
        for _ in range(runs):
            started = time.perf_counter()
            output = subprocess.run(
                ["./pan", "-n", "-w20"], cwd=tmp, capture_output=True, text=True, check=False
            ).stdout
            timings.append(time.perf_counter() - started)
    stored = int(re.search(r"(\d+) states, stored", output).group(1))  # type: ignore[union-attr]
    matched = int(re.search(r"(\d+) states, matched", output).group(1))  # type: ignore[union-attr]
    errors = int(re.search(r"errors: (\d+)", output).group(1))  # type: ignore[union-attr]
    verdict = "violated" if errors else "held"
    return Measure(verdict, stored + matched, stored, statistics.median(timings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--threads", type=int, default=2, help="faulting threads")
    parser.add_argument("--no-spin", action="store_true", help="leave spin out")
    args = parser.parse_args()
    use_spin = not args.no_spin and shutil.which("spin") and shutil.which("gcc")

    table = Table(title=f"explorer: W5/W6, threads={args.threads}, median of {args.runs} runs")
    for column in (
        "workload",
        "policy",
        "verdict",
        "states",
        "distinct",
        "states/s",
        "time s",
        "spin distinct",
        "spin time s",
        "time ×spin",
        "distinct ×spin",
        "sym distinct",
        "sym time s",
    ):
        table.add_column(column, justify="left" if column in ("workload", "policy") else "right")
    for workload in ("W5", "W6"):
        for policy in RACE_POLICIES:
            ours = measure_ours(workload, policy, args.threads, args.runs)
            sym = measure_ours(workload, policy, args.threads, args.runs, symmetry=True)
            spin = measure_spin(workload, policy, args.threads, args.runs) if use_spin else None
            spin_cells = ["—"] * 4
            if spin is not None:
                agree = "" if spin.verdict == ours.verdict else " (verdict differs)"
                spin_cells = [
                    f"{spin.distinct}{agree}",
                    f"{spin.seconds:.4f}",
                    f"{ours.seconds / spin.seconds:.1f}",
                    f"{ours.distinct / spin.distinct:.2f}",
                ]
            table.add_row(
                workload,
                policy,
                ours.verdict,
                str(ours.states),
                str(ours.distinct),
                f"{ours.per_second:,.0f}",
                f"{ours.seconds:.4f}",
                *spin_cells,
                f"{sym.distinct}{'' if sym.verdict == ours.verdict else ' (verdict differs)'}",
                f"{sym.seconds:.4f}",
            )
    Console(width=180).print(table)
    if not use_spin:
        print("spin not run (not installed, or --no-spin)")
    else:
        print(
            "spin: pan -DBFS -DSAFETY with partial-order reduction; time is pan's wall time "
            "(startup included), compilation excluded"
        )


if __name__ == "__main__":
    main()
