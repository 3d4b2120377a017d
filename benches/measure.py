"""Timing a whole process: its wall time and its own peak resident memory.

Every tool a benchmark compares runs as its own process, so what one figure counts (start-up,
parsing, writing, flushing) is what a person running that command waits for.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measure:
    """One process's wall time and peak resident memory (or several processes' summed time and
    largest peak); `cpu_seconds` is the CPU time (user and system) of the process and of the
    processes it waited for, which a busy machine inflates less than the wall time."""

    seconds: float
    peak_rss_mb: float
    cpu_seconds: float = 0.0

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            self.seconds + other.seconds,
            max(self.peak_rss_mb, other.peak_rss_mb),
            self.cpu_seconds + other.cpu_seconds,
        )


@dataclass(frozen=True)
class Output:
    """A measured process and what it printed."""

    measure: Measure
    stdout: str


def measure(
    command: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin: Path | None = None,
    succeeded: frozenset[int] = frozenset({0}),
) -> Output:
    """Run a command to completion, fail loudly if it fails, and keep what it printed.

    `succeeded` lists the exit codes that are answers, not failures (`mu find` exits 4 when
    nothing matches).
    """
    started = time.perf_counter()
    with open(stdin or os.devnull, "rb") as source:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdin=source, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        stdout = process.stdout.read()  # read here, not by communicate(), so wait4 reaps it
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
    seconds = time.perf_counter() - started
    if process.returncode not in succeeded:
        raise SystemExit(f"bench: {' '.join(command)} exited with {process.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return Output(Measure(seconds, usage.ru_maxrss / 1024, cpu), stdout)  # ru_maxrss: KiB
