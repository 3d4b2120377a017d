"""`threadlore model …` and `threadlore replay`: run the VM-semantics model from the command line.

The model needs no database, so these commands take their own `--json` flag (the one given to
`threadlore` itself counts too). `model check` and `model run` exit with EXIT_VIOLATION (3) when
an invariant is broken.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table

from threadlore.cli.options import EXIT_VIOLATION, Settings, UserError, print_json
from threadlore.kb.vm.explorer import DEFAULT_MAX_STATES, CheckResult, check
from threadlore.kb.vm.invariants import INVARIANTS
from threadlore.kb.vm.operations import legend
from threadlore.kb.vm.policies import POLICIES, resolve
from threadlore.kb.vm.replay import Outcome, cost_growth, growth_exponents, replay
from threadlore.kb.vm.scenario import load_scenario
from threadlore.kb.vm.trace import TraceStep, collapse
from threadlore.kb.vm.workloads import WORKLOADS, Workload, get_workload

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (stable field names)."
)
param_option = click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=N",
    help="A workload or policy parameter, e.g. -p pages=2 -p threads=2 -p cap=32 "
    "(see `threadlore model workloads` and `model policies`).",
)
max_states_option = click.option(
    "--max-states",
    type=int,
    default=None,
    help=f"Give up (verdict: incomplete) after this many distinct states "
    f"[default: the scenario's bound, else {DEFAULT_MAX_STATES}].",
)
symmetry_option = click.option(
    "--symmetry",
    is_flag=True,
    help="Count states that differ only by swapping identical threads once.",
)
no_reduction_option = click.option(
    "--no-reduction",
    is_flag=True,
    help="Explore every interleaving (no partial-order reduction): traces shortest overall.",
)

PIPE_WIDTH = 100
"""Columns when the output is not a terminal: tables fold their cells to fit."""


def _wants_json(as_json: bool) -> bool:
    """This command's --json, or the one given to `threadlore` before it."""
    outer = click.get_current_context().find_object(Settings)
    return as_json or bool(outer and outer.json)


def _console() -> Console:
    """Rich on a terminal; plain text of a fixed width (no markup in cells) otherwise."""
    tty = sys.stdout.isatty()
    return Console(highlight=False, width=None if tty else PIPE_WIDTH, markup=False)


def _table(*columns: str) -> Table:
    """A table: boxed on a terminal, plain aligned columns otherwise; cells wrap, never cut."""
    table = Table(box=box.SIMPLE_HEAD if sys.stdout.isatty() else None, pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _parse_params(raw: tuple[str, ...]) -> dict[str, int]:
    params: dict[str, int] = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if not sep or not value.strip().lstrip("-").isdigit():
            raise UserError(f"--param {item!r}: expected KEY=N, e.g. pages=2")
        params[key.strip()] = int(value)
    return params


@contextmanager
def _model_errors() -> Iterator[None]:
    """Unknown names, bad parameters and malformed scenario files become one-line errors."""
    try:
        yield
    except KeyError as exc:
        raise UserError(str(exc.args[0]) if exc.args else "unknown name") from exc
    except (ValueError, OSError) as exc:
        raise UserError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc


@click.group("model")
def model() -> None:
    """The VM-semantics model: policies, workloads, scenario files and exhaustive checks.

    \b
    Example:
      threadlore model check W5 --policy STATUS_QUO
      threadlore model run kb/vm/scenarios/examples/truncate-race.scenario
    """


@model.command("policies")
@json_option
def policies_command(as_json: bool) -> None:
    """List the policies (the thread's proposals, then what the kernel did later), their
    parameters and what each changes in the 2.6.20 semantics.

    \b
    Example:
      threadlore model policies
      threadlore model policies --json
    """
    if _wants_json(as_json):
        print_json([policy.as_json() for policy in POLICIES.values()])
        return
    table = _table("policy", "era", "proposed by", "what it does", "parameters", "changes")
    for policy in POLICIES.values():
        changes = ", ".join(
            f"{name}={new}" for name, _old, new in policy.semantics().describe_changes()
        )
        parameters = ", ".join(f"{p.name}={p.default} ({p.meaning})" for p in policy.parameters)
        table.add_row(
            policy.name,
            policy.era,
            policy.proposed_by,
            policy.summary,
            parameters or "—",
            changes or "—",
        )
    _console().print(table)


@model.command("workloads")
@json_option
def workloads_command(as_json: bool) -> None:
    """List the workloads (database, UML, attacker, …), their kind, parameters and the
    scenario file each one is.

    \b
    Example:
      threadlore model workloads
    """
    if _wants_json(as_json):
        print_json([workload.as_json() for workload in WORKLOADS.values()])
        return
    table = _table("workload", "kind", "title", "parameters", "file")
    for workload in WORKLOADS.values():
        params = " ".join(f"{k}={v}" for k, v in workload.defaults.items())
        source = Path(workload.source).name if workload.source else "—"
        table.add_row(workload.name, workload.kind, workload.title, params or "—", source)
    _console().print(table)


def _show_change(path: str, before: Any, after: Any) -> str:
    return f"{path}: {before!r} → {after!r}"


def _print_trace(console: Console, trace: list[TraceStep]) -> None:
    """One row per step, repeated steps in a row as one (×N, with the last one's changes),
    then the legend of the labels."""
    table = _table("#", "thread", "operation", "step", "what changed")
    for run in collapse(trace):
        step = run.step
        number = str(run.first + 1) if len(run.steps) == 1 else f"{run.first + 1}–{run.last + 1}"
        label = step.label if len(run.steps) == 1 else f"{step.label} ×{len(run.steps)}"
        changes = "\n".join(_show_change(*change) for change in step.changes) or "—"
        table.add_row(number, step.thread, step.operation, label, changes)
    console.print(table)
    console.print("steps:")
    for entry in legend((step.operation, step.label) for step in trace):
        console.print(f"  {entry.label:<4} {entry.function}: {entry.summary}")


def _print_check(result: CheckResult, title: str) -> None:
    console = _console()
    params = "".join(f"; {k}={v}" for k, v in result.params.items())
    console.print(f"{result.workload} ({title}{params}) under {result.policy}: {result.verdict}")
    if result.invariant:
        console.print(f"{result.invariant}: {INVARIANTS[result.invariant]}")
    console.print(result.message)
    console.print(
        f"states {result.states}, distinct {result.distinct_states}, "
        f"{result.seconds:.3f} s ({result.states_per_second:,.0f} states/s)"
    )
    if result.trace:
        console.print(f"shortest trace, {len(result.trace)} steps:")
        _print_trace(console, result.trace)


def _run_check(
    workload: Workload,
    policy: str | None,
    params: tuple[str, ...],
    max_states: int | None,
    symmetry: bool,
    no_reduction: bool,
    as_json: bool,
) -> None:
    """Explore, print, and exit 3 on a violation (shared by `check` and `run`)."""
    with _model_errors():
        if policy is not None:
            resolve(policy)
        result = check(
            workload,
            policy,
            max_states=max_states,
            symmetry=symmetry,
            reduction=not no_reduction,
            **_parse_params(params),
        )
    if _wants_json(as_json):
        print_json({**result.as_json(), "title": workload.title})
    else:
        _print_check(result, workload.title)
    if result.verdict == "violated":
        sys.exit(EXIT_VIOLATION)


@model.command("check")
@click.argument("workload")
@click.option("--policy", default=None, help="A policy, or A+B [default: STATUS_QUO].")
@param_option
@max_states_option
@symmetry_option
@no_reduction_option
@json_option
def check_command(
    workload: str,
    policy: str | None,
    params: tuple[str, ...],
    max_states: int | None,
    symmetry: bool,
    no_reduction: bool,
    as_json: bool,
) -> None:
    """Explore every interleaving of WORKLOAD under a policy; print the verdict and, on a
    violation, the shortest trace (exit status 3).

    \b
    Example:
      threadlore model check W5 --policy STATUS_QUO
      threadlore model check W5 --policy LOCK_PAGE_IN_FAULT -p pages=2 -p threads=2
      threadlore model check W6 --policy LOCK_PAGE_IN_FAULT -p threads=3 --symmetry
      threadlore model check W3 --policy NONLINEAR_LIMIT -p cap=512
      threadlore model check W5 --policy STATUS_QUO -p threads=2 --no-reduction
    """
    with _model_errors():
        spec = get_workload(workload)
    _run_check(spec, policy, params, max_states, symmetry, no_reduction, as_json)


@model.command("run")
@click.argument("scenario_file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--variant", metavar="NAME", help="Run one of the file's variants instead.")
@click.option(
    "--policy", default=None, help="A policy, or A+B [default: the file's, else STATUS_QUO]."
)
@param_option
@max_states_option
@symmetry_option
@no_reduction_option
@json_option
def run_command(
    scenario_file: Path,
    variant: str | None,
    policy: str | None,
    params: tuple[str, ...],
    max_states: int | None,
    symmetry: bool,
    no_reduction: bool,
    as_json: bool,
) -> None:
    """Explore a scenario FILE (the format: kb/vm/README.md) as `model check` does a shipped
    workload: same output, same exit status (0 held, 1 a mistake in the file, 3 broken).

    \b
    Example:
      threadlore model run kb/vm/scenarios/examples/truncate-race.scenario
      threadlore model run my.scenario --policy LOCK_PAGE_IN_FAULT -p pages=2 --json
      threadlore model run kb/vm/scenarios/w2-uml.scenario --variant W2-mlocked
    """
    with _model_errors():
        found = load_scenario(scenario_file)
        chosen = found[0]
        if variant is not None:
            named = [w for w in found if w.name.lower() == variant.lower()]
            if not named:
                names = ", ".join(w.name for w in found)
                raise KeyError(f"{scenario_file}: no variant {variant!r} (one of {names})")
            chosen = named[0]
    _run_check(chosen, policy, params, max_states, symmetry, no_reduction, as_json)


@model.command("growth")
@click.argument("workload")
@click.option("--policy", default="STATUS_QUO", show_default=True)
@click.option(
    "--sizes",
    default="64,128,256,512,1024",
    show_default=True,
    help="Comma-separated values of the workload's size parameter.",
)
@json_option
def growth_command(workload: str, policy: str, sizes: str, as_json: bool) -> None:
    """Replay WORKLOAD at several sizes and show how the work grows with the size.

    \b
    Example:
      threadlore model growth W3 --policy STATUS_QUO
      threadlore model growth W4 --policy FULL_SCAN_MKCLEAN --sizes 4,16,64,256
    """
    try:
        values = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError as exc:
        raise UserError(f"--sizes {sizes!r}: expected numbers like 64,128,256") from exc
    with _model_errors():
        resolve(policy)
        points = cost_growth(workload, policy, values)
        size_param = get_workload(workload).size_param
    exponents = growth_exponents(points)
    if _wants_json(as_json):
        print_json(
            {
                "workload": workload,
                "policy": policy,
                "size_parameter": size_param,
                "points": [p.as_json() for p in points],
                "exponents": exponents,
            }
        )
        return
    keys = [k for k in points[0].costs if any(p.costs[k] for p in points)] if points else []
    table = _table(str(size_param), *keys)
    for point in points:
        table.add_row(str(point.size), *(str(point.costs[k]) for k in keys))
    console = _console()
    console.print(table)
    for key, exponent in exponents.items():
        shape = "linear" if abs(exponent - 1) < 0.1 else "bounded" if exponent < 0.1 else "other"
        console.print(f"{key} grows as {size_param}^{exponent:.2f} ({shape})")


def _invariant_cell(outcome: Outcome) -> str:
    broken = [name for name, held in outcome.invariants.items() if not held]
    return "all held" if not broken else "broken: " + ", ".join(broken)


def _result_cell(outcome: Outcome) -> str:
    return f"{outcome.result} ({outcome.errno})" if outcome.errno else outcome.result


def _cost_cell(outcome: Outcome) -> str:
    return " ".join(f"{k}={v}" for k, v in outcome.costs.items() if v)


def _matrix_cell(outcome: Outcome) -> str:
    """`a`, `r EPERM`, `e` (allowed, refused, emulated) and the broken invariants: `a ✗INV1`."""
    cell = outcome.result[0] + (f" {outcome.errno}" if outcome.errno else "")
    return cell + "".join(f" ✗{name}" for name in outcome.broken)


@click.command("replay")
@click.argument("policy", required=False)
@click.option("--vs", "other", metavar="POLICY", help="A second policy, shown side by side.")
@click.option(
    "--all", "every", is_flag=True, help="Every policy on every workload, one row per policy."
)
@param_option
@json_option
def replay_command(
    policy: str | None, other: str | None, every: bool, params: tuple[str, ...], as_json: bool
) -> None:
    """Replay POLICY on every workload: allowed/refused/emulated, invariants, costs.

    \b
    Example:
      threadlore replay NO_WRITEBACK_ONLY
      threadlore replay ROOT_ONLY --vs NO_WRITEBACK_ONLY
      threadlore replay NONLINEAR_LIMIT -p cap=64 --json
      threadlore replay --all
    """
    if every:
        _replay_every_policy(_parse_params(params), as_json)
        return
    if policy is None:
        raise UserError("replay: name a POLICY, or give --all")
    with _model_errors():
        resolve(policy)
        if other:
            resolve(other)
        parsed = _parse_params(params)
        first = replay(policy, **parsed)
        second = replay(other, **parsed) if other else None
    if _wants_json(as_json):
        print_json([o.as_json() for o in [*first, *(second or [])]])
        return
    cells: list[tuple[str, Callable[[Outcome], str]]] = [
        ("result", _result_cell),
        ("invariants", _invariant_cell),
        ("costs", _cost_cell),
    ]
    if second is None:
        table = _table("workload", *(name for name, _ in cells))
        for outcome in first:
            table.add_row(outcome.workload, *(cell(outcome) for _, cell in cells))
    else:
        table = _table("workload", f"{policy}", f"{other}")
        for mine, theirs in zip(first, second, strict=True):
            table.add_row(
                mine.workload,
                f"{_result_cell(mine)}; {_invariant_cell(mine)}",
                f"{_result_cell(theirs)}; {_invariant_cell(theirs)}",
            )
    _console().print(table)


def _replay_every_policy(params: dict[str, int], as_json: bool) -> None:
    """The replay table: every policy (rows) on every workload (columns)."""
    with _model_errors():
        rows = [(name, replay(name, **params)) for name in POLICIES]
    if _wants_json(as_json):
        print_json([o.as_json() for _, outcomes in rows for o in outcomes])
        return
    table = _table("policy", "every workload")
    for name, outcomes in rows:
        table.add_row(name, " · ".join(f"{o.workload} {_matrix_cell(o)}" for o in outcomes))
    console = _console()
    console.print(table)
    console.print("a allowed, r refused (errno), e emulated; ✗ an invariant broken")


COMMANDS = [model, replay_command]
