"""`threadlore model …` and `threadlore replay`: run the VM-semantics model from the command line.

The model needs no database, so these commands take their own `--json` flag instead of the store
options. `model check` exits with EXIT_VIOLATION (3) when an invariant is broken.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table

from threadlore.cli.options import EXIT_VIOLATION, UserError, print_json
from threadlore.kb.vm.explorer import DEFAULT_MAX_STATES, CheckResult, check
from threadlore.kb.vm.invariants import INVARIANTS
from threadlore.kb.vm.policies import POLICIES, resolve
from threadlore.kb.vm.replay import Outcome, cost_growth, growth_exponents, replay
from threadlore.kb.vm.trace import TraceStep
from threadlore.kb.vm.workloads import WORKLOADS, get_workload

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (stable field names)."
)
param_option = click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=N",
    help="A workload parameter, e.g. -p pages=2 -p threads=2 (see `threadlore model workloads`).",
)


PIPE_WIDTH = 200


def _console() -> Console:
    """Rich on a terminal; wide, plain text (no markup interpretation of cells) otherwise."""
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
    """Unknown names and bad parameters become one-line errors."""
    try:
        yield
    except KeyError as exc:
        raise UserError(str(exc.args[0]) if exc.args else "unknown name") from exc
    except ValueError as exc:
        raise UserError(str(exc)) from exc


@click.group("model")
def model() -> None:
    """The VM-semantics model: policies, workloads, and exhaustive checks.

    \b
    Example:
      threadlore model check W5 --policy STATUS_QUO
    """


@model.command("policies")
@json_option
def policies_command(as_json: bool) -> None:
    """List the policies (the thread's proposals) and what each changes in the 2.6.20 semantics.

    \b
    Example:
      threadlore model policies
    """
    if as_json:
        print_json([policy.as_json() for policy in POLICIES.values()])
        return
    table = _table("policy", "proposed by", "what it does", "changes")
    for policy in POLICIES.values():
        changes = ", ".join(
            f"{name}={new}" for name, _old, new in policy.semantics().describe_changes()
        )
        table.add_row(policy.name, policy.proposed_by, policy.summary, changes or "—")
    _console().print(table)


@model.command("workloads")
@json_option
def workloads_command(as_json: bool) -> None:
    """List the workloads (database, UML, attacker, …), their kind and parameters.

    \b
    Example:
      threadlore model workloads
    """
    if as_json:
        print_json([workload.as_json() for workload in WORKLOADS.values()])
        return
    table = _table("workload", "kind", "title", "parameters")
    for workload in WORKLOADS.values():
        params = " ".join(f"{k}={v}" for k, v in workload.defaults.items())
        table.add_row(workload.name, workload.kind, workload.title, params or "—")
    _console().print(table)


def _show_change(path: str, before: Any, after: Any) -> str:
    return f"{path}: {before!r} → {after!r}"


def _print_trace(console: Console, trace: list[TraceStep]) -> None:
    table = _table("#", "thread", "operation", "step", "what changed")
    for number, step in enumerate(trace, 1):
        changes = "\n".join(_show_change(*change) for change in step.changes) or "—"
        table.add_row(str(number), step.thread, step.operation, step.label, changes)
    console.print(table)


def _print_check(result: CheckResult) -> None:
    console = _console()
    params = " ".join(f"{k}={v}" for k, v in result.params.items())
    console.print(f"{result.workload} ({params}) under {result.policy}: {result.verdict}")
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


@model.command("check")
@click.argument("workload")
@click.option("--policy", default="STATUS_QUO", show_default=True, help="A policy, or A+B.")
@param_option
@click.option(
    "--max-states",
    type=int,
    default=DEFAULT_MAX_STATES,
    show_default=True,
    help="Give up (verdict: incomplete) after this many distinct states.",
)
@click.option(
    "--symmetry",
    is_flag=True,
    help="Count states that differ only by swapping identical threads once.",
)
@click.option(
    "--no-reduction",
    is_flag=True,
    help="Explore every interleaving (no partial-order reduction): traces shortest overall.",
)
@json_option
def check_command(
    workload: str,
    policy: str,
    params: tuple[str, ...],
    max_states: int,
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
      threadlore model check W5 --policy STATUS_QUO -p threads=2 --no-reduction
    """
    with _model_errors():
        resolve(policy)
        result = check(
            workload,
            policy,
            max_states=max_states,
            symmetry=symmetry,
            reduction=not no_reduction,
            **_parse_params(params),
        )
    if as_json:
        print_json(result.as_json())
    else:
        _print_check(result)
    if result.verdict == "violated":
        sys.exit(EXIT_VIOLATION)


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
    if as_json:
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


@click.command("replay")
@click.argument("policy")
@click.option("--vs", "other", metavar="POLICY", help="A second policy, shown side by side.")
@param_option
@json_option
def replay_command(policy: str, other: str | None, params: tuple[str, ...], as_json: bool) -> None:
    """Replay POLICY on every workload: allowed/refused/emulated, invariants, costs.

    \b
    Example:
      threadlore replay NO_WRITEBACK_ONLY
      threadlore replay ROOT_ONLY --vs NO_WRITEBACK_ONLY
    """
    with _model_errors():
        resolve(policy)
        if other:
            resolve(other)
        parsed = _parse_params(params)
        first = replay(policy, **parsed)
        second = replay(other, **parsed) if other else None
    if as_json:
        data: dict[str, Any] = {policy: [o.as_json() for o in first]}
        if second is not None and other:
            data[other] = [o.as_json() for o in second]
        print_json(data)
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


COMMANDS = [model, replay_command]
