"""Scenario files: a workload written as text, in the spirit of herd7's litmus tests.

A scenario names the device and the file, the processes (root or not, limits) and their vmas
(linear or nonlinear, protection, mlocked), the threads as sequences of operations with
arguments, and optionally the policy, the invariants to check and the bounds of the search.
Numbers may be parameters (`param pages = 1`), so that one file describes a family of sizes;
`repeat` and `if` unroll when the scenario is built, `variant` names a setting of the parameters.
The format is documented in kb/vm/README.md; the shipped workloads are such files
(kb/vm/scenarios/). The file is parsed by lark (an LALR grammar): a mistake is one line naming
the file, line and column.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from threadlore.kb.vm.invariants import INVARIANTS
from threadlore.kb.vm.machine import Regs, ThreadState, regs
from threadlore.kb.vm.policies import policy_parameters, resolve
from threadlore.kb.vm.state import DEVICES, VM, Process
from threadlore.kb.vm.workloads import (
    NEEDS,
    Params,
    Setup,
    Workload,
    file_state,
    mapped,
    nonlinear,
    with_process,
)

GRAMMAR = r"""
start: _NL? [_items]
_items: _item (_NL _item)* _NL?
_item: scenario | description | kind | param | size | variant | device | file | process
     | thread | policy | check | bounds | needs | top_if

scenario: "scenario" ID [STRING]
description: "description" STRING
kind: "kind" NAME
param: "param" NAME "=" expr
size: "size" NAME
variant: "variant" ID STRING arg*
device: "device" NAME
file: "file" arg*
process: "process" NAME arg* process_block
thread: "thread" NAME "in" NAME ["for" NAME "in" range] thread_block
policy: "policy" POLICY arg*
check: "check" NAME+
bounds: "bounds" arg+
needs: "needs" NAME+
top_if: "if" expr top_block ["else" top_block]

top_block: "{" _NL? [_items] "}"
process_block: "{" _NL? [_process_items] "}"
_process_items: _process_item (_NL _process_item)* _NL?
_process_item: vma | process_if
vma: "vma" arg*
process_if: "if" expr process_block ["else" process_block]
thread_block: "{" _NL? [_thread_items] "}"
_thread_items: _thread_item (_NL _thread_item)* _NL?
_thread_item: op | repeat | thread_if
op: NAME arg*
repeat: "repeat" NAME "in" range thread_block
thread_if: "if" expr thread_block ["else" thread_block]

arg: NAME "=" value -> keyword
   | value -> positional
?value: expr | range | list | STRING -> string
range: expr ".." expr ["step" expr]
list: "[" [value ("," value)*] "]"

?expr: sum
     | sum COMPARE sum -> compare
?sum: product
    | sum "+" product -> add
    | sum "-" product -> sub
?product: unary
        | product "*" unary -> mul
        | product "/" unary -> div
        | product "%" unary -> mod
?unary: atom
      | "-" unary -> neg
?atom: INT -> number
     | NAME -> name
     | "(" expr ")"

COMPARE: "==" | "!=" | "<=" | ">=" | "<" | ">"
ID: /[A-Za-z0-9_][A-Za-z0-9_.+\-]*/
NAME: /[A-Za-z_][A-Za-z0-9_]*/
POLICY: /[A-Za-z_][A-Za-z0-9_]*(\+[A-Za-z_][A-Za-z0-9_]*)*/
INT: /[0-9]+/
STRING: /"[^"\n]*"/
_NL: /(\r?\n[\t ]*(#[^\n]*)?)+/
COMMENT: /#[^\n]*/
%ignore /[\t ]+/
%ignore COMMENT
"""

SUFFIX = ".scenario"

PROTECTIONS = {"none": "none", "read": "read", "write": "read-write"}
"""Scenario words for a protection: PROT_WRITE implies PROT_READ, as on x86."""


class ScenarioError(ValueError):
    """A mistake in a scenario file: `path:line:column: message`."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column, self.message = path, line, column, message


@dataclass(frozen=True)
class OpSpec:
    """How a scenario operation maps to the model's: its operation, arguments in positional
    order, fixed arguments, optional ones with defaults, and the kernel function it follows."""

    op: str
    kernel: str
    args: tuple[str, ...] = ()
    fixed: tuple[tuple[str, Any], ...] = ()
    optional: tuple[tuple[str, Any], ...] = ()


OPS: Mapping[str, OpSpec] = {
    "load": OpSpec("handle_mm_fault", "a user read", ("address",), (("write", False),)),
    "store": OpSpec("handle_mm_fault", "a user write", ("address",), (("write", True),)),
    "remap_file_pages": OpSpec(
        "sys_remap_file_pages",
        "sys_remap_file_pages (with prot=: Paolo's remap_file_pages_prot)",
        ("start", "size", "pgoff"),
        optional=(("prot", None),),
    ),
    "mlock": OpSpec("sys_mlock", "sys_mlock", ("start", "length")),
    "munmap": OpSpec("do_munmap", "sys_munmap → do_munmap", ("start", "length")),
    "mprotect": OpSpec(
        "sys_mprotect", "sys_mprotect → mprotect_fixup", ("start", "length", "prot")
    ),
    "exit": OpSpec("exit_mmap", "do_exit → exit_mmap"),
    "msync": OpSpec("sys_msync", "sys_msync (sync: MS_SYNC, async: MS_ASYNC)", ("mode",)),
    "writeout": OpSpec("writeout", "background writeback of one page", ("index",)),
    "reclaim": OpSpec("shrink_page_list", "kswapd reclaiming one page", ("index",)),
    "truncate": OpSpec("vmtruncate", "truncate(2) → vmtruncate", ("size",)),
    "punch_hole": OpSpec("vmtruncate_range", "vmtruncate_range (file pages)", ("start", "end")),
    "madvise_remove": OpSpec("madvise_remove", "madvise(MADV_REMOVE)", ("start", "length")),
    "direct_io_write": OpSpec(
        "generic_file_direct_IO", "an O_DIRECT write(2) of file pages", ("start", "end")
    ),
    "write": OpSpec(
        "generic_file_buffered_write", "write(2) from a mapped address", ("index", "source")
    ),
    "madvise_dontneed": OpSpec("zap_page_range", "madvise(MADV_DONTNEED)", ("start", "length")),
}
"""Every operation a scenario may use, by the name the scenario gives it."""

VMA_ARGS = ("start", "pages", "pgoff", "prot", "locked", "nonlinear")
FILE_ARGS = ("pages", "cached")
PROCESS_ARGS = ("root", "memlock", "max_map_count")
BOUNDS = ("max_states",)
DEFAULT_PROCESS = Process("")


@functools.cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=True)


TERMINAL_WORDS = {
    "_NL": "end of line",
    "NAME": "a name",
    "ID": "a name",
    "INT": "a number",
    "STRING": 'a "string"',
    "POLICY": "a policy",
    "LBRACE": "{",
    "RBRACE": "}",
    "EQUAL": "=",
    "$END": "end of file",
}


def _expected(names: set[str]) -> str:
    words = sorted({TERMINAL_WORDS.get(n, n.strip('"').lower()) for n in names})
    shown = ", ".join(words[:6]) + (", …" if len(words) > 6 else "")
    return f"expected {shown}"


def parse(text: str, path: str) -> Node:
    """The scenario's syntax tree; ScenarioError (file:line:column) for a malformed one."""
    try:
        return _parser().parse(text + ("" if text.endswith("\n") else "\n"))
    except UnexpectedEOF as exc:
        lines = text.splitlines() or [""]
        raise ScenarioError(
            path,
            len(lines),
            len(lines[-1]) + 1,
            f"the file ends early; {_expected(set(exc.expected))}",
        ) from None
    except UnexpectedToken as exc:
        token = exc.token
        shown = "end of line" if token.type == "_NL" else repr(str(token))
        if token.type == "$END":
            shown = "end of file"
        raise ScenarioError(
            path, exc.line, exc.column, f"unexpected {shown}; {_expected(set(exc.expected))}"
        ) from None
    except UnexpectedCharacters as exc:
        position = exc.pos_in_stream or 0
        char = text[position] if position < len(text) else "?"
        raise ScenarioError(path, exc.line, exc.column, f"unexpected character {char!r}") from None
    except UnexpectedInput as exc:  # pragma: no cover - the three above are all lark raises
        raise ScenarioError(path, exc.line, exc.column, str(exc).splitlines()[0]) from None


# -- evaluation ----------------------------------------------------------------------------------

Value = int | str | list[Any] | None

Node = Any
"""A node of lark's syntax tree: a Tree, a Token, or None for an optional part left out."""


def _children(node: Node) -> list[Node]:
    return list(node.children)


ARITHMETIC: Mapping[str, Callable[[int, int], int]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.floordiv,
    "mod": operator.mod,
}
COMPARISONS: Mapping[str, Callable[[int, int], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _where(node: Node) -> tuple[int, int]:
    if isinstance(node, Token):
        return node.line or 1, node.column or 1
    return node.meta.line, node.meta.column


class _Scope:
    """Evaluates expressions and values against the parameters and loop variables in scope."""

    def __init__(self, path: str, names: dict[str, int]) -> None:
        self.path = path
        self.names = names

    def error(self, node: Node, message: str) -> ScenarioError:
        line, column = _where(node)
        return ScenarioError(self.path, line, column, message)

    def value(self, node: Node) -> Value:
        if isinstance(node, Tree) and node.data == "range":
            return self.range(node)
        if isinstance(node, Tree) and node.data == "list":
            return [self.value(item) for item in node.children if item is not None]
        if isinstance(node, Tree) and node.data == "string":
            return str(node.children[0])[1:-1]
        return self.expr(node)

    def expr(self, node: Node) -> int | str:
        if isinstance(node, Token):
            raise self.error(node, f"unexpected {node!s}")
        kind = node.data
        if kind == "number":
            return int(node.children[0])
        if kind == "name":
            name = str(node.children[0])
            return self.names.get(name, name)  # a word (write, sync, tmpfs …) unless a name
        if kind == "neg":
            return -self.number(node.children[0])
        if kind == "compare":
            left, op, right = node.children
            return int(COMPARISONS[str(op)](self.number(left), self.number(right)))
        if kind in ARITHMETIC:
            left, right = (self.number(child) for child in node.children)
            if kind in ("div", "mod") and right == 0:
                raise self.error(node, "division by zero")
            return ARITHMETIC[kind](left, right)
        raise self.error(node, f"unexpected {kind}")  # pragma: no cover - grammar has no other

    def number(self, node: Node) -> int:
        value = self.expr(node)
        if not isinstance(value, int):
            raise self.error(node, f"{value!r} is not a number, a parameter or a loop variable")
        return value

    def range(self, node: Node) -> list[int]:
        first, last, step_node = node.children
        step = 1 if step_node is None else self.number(step_node)
        if step == 0:
            raise self.error(node, "a range's step cannot be 0")
        low, high = self.number(first), self.number(last)
        return list(range(low, high + (1 if step > 0 else -1), step))

    def numbers(self, node: Node) -> list[int]:
        value = self.value(node)
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, int) for item in items):
            raise self.error(node, "expected numbers, a range such as 0..3, or a list [1, 0]")
        return [int(item) for item in items if isinstance(item, int)]

    def condition(self, node: Node) -> bool:
        return self.number(node) != 0

    def within(self, **names: int) -> _Scope:
        return _Scope(self.path, {**self.names, **names})


@dataclass
class _Args:
    """An entry's arguments: positional ones, keyword ones, and where each one was written."""

    positional: list[tuple[Node, Value]] = field(default_factory=list)
    keywords: dict[str, tuple[Node, Value]] = field(default_factory=dict)


def _args(scope: _Scope, nodes: list[Node], allowed: tuple[str, ...], what: str) -> _Args:
    found = _Args()
    for node in nodes:
        if node.data == "keyword":
            name_token, value_node = node.children
            name = str(name_token)
            if name not in allowed:
                known = ", ".join(allowed) or "none"
                raise scope.error(name_token, f"{what} takes no {name!r} (it takes: {known})")
            if name in found.keywords:
                raise scope.error(name_token, f"{name!r} given twice")
            found.keywords[name] = (value_node, scope.value(value_node))
        else:
            (value_node,) = node.children
            found.positional.append((value_node, scope.value(value_node)))
    return found


def _flags(scope: _Scope, args: _Args, allowed: tuple[str, ...], what: str) -> set[str]:
    """Positional words used as flags (`root`, `locked`)."""
    flags = set()
    for node, value in args.positional:
        if not isinstance(value, str) or value not in allowed:
            raise scope.error(node, f"{what}: unexpected {value!r} (flags: {', '.join(allowed)})")
        flags.add(value)
    return flags


def _int_arg(scope: _Scope, args: _Args, name: str, default: int | None, node: Any) -> int:
    if name not in args.keywords:
        if default is None:
            raise scope.error(node, f"missing {name}=")
        return default
    value_node, value = args.keywords[name]
    if not isinstance(value, int):
        raise scope.error(value_node, f"{name} must be a number, not {value!r}")
    return value


def _protection(scope: _Scope, node: Node, value: Value) -> str:
    if not isinstance(value, str) or value not in PROTECTIONS:
        raise scope.error(node, f"a protection is none, read or write, not {value!r}")
    return PROTECTIONS[value]


# -- building a setup ----------------------------------------------------------------------------


@dataclass
class _Build:
    """What a scenario's entries say, gathered while walking them with the parameters set."""

    path: str
    device: str | None = None
    file: tuple[int, list[int]] | None = None
    processes: list[tuple[Process, list[dict[str, Any]]]] = field(default_factory=list)
    threads: list[ThreadState] = field(default_factory=list)


def _walk_items(scope: _Scope, items: list[Any], build: _Build) -> None:
    for item in items:
        if item is None:
            continue
        kind = item.data
        if kind == "device":
            word = str(item.children[0]).upper()
            if word not in DEVICES:
                raise scope.error(item.children[0], f"device is one of {', '.join(DEVICES)}")
            build.device = word
        elif kind == "file":
            args = _args(scope, item.children, FILE_ARGS, "file")
            pages = _int_arg(scope, args, "pages", None, item)
            cached = args.keywords.get("cached")
            indices = scope.numbers(cached[0]) if cached else []
            for index in indices:
                if not 0 <= index < pages:
                    raise scope.error(
                        cached[0] if cached else item, f"page {index} is not in the file"
                    )
            build.file = (pages, indices)
        elif kind == "process":
            build.processes.append(_process(scope, item))
        elif kind == "thread":
            build.threads.extend(_threads(scope, item, build))
        elif kind == "top_if":
            condition, then, otherwise = item.children
            chosen = then if scope.condition(condition) else otherwise
            if chosen is not None:
                _walk_items(scope, _children(chosen), build)


def _process(scope: _Scope, node: Node) -> tuple[Process, list[dict[str, Any]]]:
    name_token, *arg_nodes, block = node.children
    args = _args(scope, arg_nodes, PROCESS_ARGS[1:], "process")
    flags = _flags(scope, args, PROCESS_ARGS[:1], "process")
    process = Process(
        str(name_token),
        root="root" in flags,
        memlock_limit=_int_arg(scope, args, "memlock", DEFAULT_PROCESS.memlock_limit, node),
        max_map_count=_int_arg(scope, args, "max_map_count", DEFAULT_PROCESS.max_map_count, node),
    )
    vmas: list[dict[str, Any]] = []
    _walk_vmas(scope, block, vmas)
    return process, vmas


def _walk_vmas(scope: _Scope, block: Node, vmas: list[dict[str, Any]]) -> None:
    for item in _children(block):
        if item is None:
            continue
        if item.data == "process_if":
            condition, then, otherwise = item.children
            chosen = then if scope.condition(condition) else otherwise
            if chosen is not None:
                _walk_vmas(scope, chosen, vmas)
            continue
        args = _args(scope, item.children, VMA_ARGS[:4] + VMA_ARGS[5:], "vma")
        flags = _flags(scope, args, ("locked",), "vma")
        vma: dict[str, Any] = {
            "node": item,
            "start": _int_arg(scope, args, "start", None, item),
            "pages": _int_arg(scope, args, "pages", None, item),
            "pgoff": _int_arg(scope, args, "pgoff", 0, item),
            "prot": "read-write",
            "locked": "locked" in flags,
            "nonlinear": None,
        }
        if "prot" in args.keywords:
            vma["prot"] = _protection(scope, *args.keywords["prot"])
        if "nonlinear" in args.keywords:
            value_node, _ = args.keywords["nonlinear"]
            pgoffs = scope.numbers(value_node)
            if len(pgoffs) != vma["pages"]:
                raise scope.error(
                    value_node, f"nonlinear needs one pgoff per page ({vma['pages']})"
                )
            vma["nonlinear"] = pgoffs
        if vma["pages"] <= 0:
            raise scope.error(item, "a vma needs pages=1 or more")
        vmas.append(vma)


def _threads(scope: _Scope, node: Node, build: _Build) -> Iterator[ThreadState]:
    name_token, process_token, loop_var, loop_range, block = node.children
    process = str(process_token)
    if process not in {p.name for p, _ in build.processes}:
        raise scope.error(process_token, f"no process {process!r} (declare it before its threads)")
    if loop_var is None:
        yield ThreadState(str(name_token), process, tuple(_program(scope, block)))
        return
    for value in scope.range(loop_range):
        inner = scope.within(**{str(loop_var): value})
        yield ThreadState(f"{name_token}{value}", process, tuple(_program(inner, block)))


def _program(scope: _Scope, block: Node) -> Iterator[tuple[str, Regs]]:
    for item in _children(block):
        if item is None:
            continue
        if item.data == "repeat":
            var, loop_range, body = item.children
            for value in scope.range(loop_range):
                yield from _program(scope.within(**{str(var): value}), body)
        elif item.data == "thread_if":
            condition, then, otherwise = item.children
            chosen = then if scope.condition(condition) else otherwise
            if chosen is not None:
                yield from _program(scope, chosen)
        else:
            yield _call(scope, item)


def _call(scope: _Scope, node: Node) -> tuple[str, Regs]:
    name_token, *arg_nodes = node.children
    name = str(name_token)
    spec = OPS.get(name)
    if spec is None:
        raise scope.error(name_token, f"unknown operation {name!r} (one of {', '.join(OPS)})")
    optional = dict(spec.optional)
    args = _args(scope, arg_nodes, spec.args + tuple(optional), name)
    if len(args.positional) > len(spec.args):
        raise scope.error(
            args.positional[len(spec.args)][0], f"{name} takes {len(spec.args)} arguments"
        )
    values: dict[str, Any] = dict(spec.fixed)
    given = dict(zip(spec.args, args.positional, strict=False))
    for arg, (value_node, value) in args.keywords.items():
        if arg in given:
            raise scope.error(value_node, f"{arg} given twice")
        given[arg] = (value_node, value)
    for arg in spec.args:
        if arg not in given:
            raise scope.error(node, f"{name} needs {arg}= ({' '.join(spec.args)})")
    for arg, (value_node, value) in given.items():
        values[arg] = _op_value(scope, name, arg, value_node, value)
    for arg, default in optional.items():
        values.setdefault(arg, default)
    if name == "msync":
        values["sync"] = values.pop("mode") == "sync"
    return spec.op, regs(**values)


def _op_value(scope: _Scope, op: str, arg: str, node: Node, value: Value) -> Any:
    if arg == "prot":
        return _protection(scope, node, value)
    if arg == "mode":
        if value not in ("sync", "async"):
            raise scope.error(node, f"{op}: mode is sync or async, not {value!r}")
        return value
    if not isinstance(value, int):
        raise scope.error(node, f"{op}: {arg} must be a number, not {value!r}")
    return value


def _setup(build: _Build, needs: tuple[str, ...], invariants: frozenset[str] | None) -> Setup:
    scope = _Scope(build.path, {})
    if build.device is None:
        raise ScenarioError(build.path, 1, 1, "the scenario names no device (device disk|tmpfs|…)")
    if build.file is None:
        raise ScenarioError(build.path, 1, 1, "the scenario has no file (file pages=N)")
    if not build.threads:
        raise ScenarioError(build.path, 1, 1, "the scenario has no thread")
    names = [t.name for t in build.threads]
    if len(set(names)) != len(names):
        duplicate = next(n for n in names if names.count(n) > 1)
        raise ScenarioError(build.path, 1, 1, f"two threads are named {duplicate!r}")
    pages, cached = build.file
    vm: VM = file_state(build.device, pages, cached)
    for process, vmas in build.processes:
        vm = with_process(vm, process)
        for spec in vmas:
            try:
                vm = mapped(
                    vm, process.name, spec["start"], spec["pages"], spec["pgoff"], spec["prot"]
                )
            except ValueError as exc:
                raise scope.error(spec["node"], str(exc)) from None
            vma = vm.vma_at(process.name, spec["start"])
            assert vma is not None
            if spec["nonlinear"] is not None:
                vm = nonlinear(vm, vma.vid, spec["nonlinear"])
            if spec["locked"]:
                proc = vm.process(process.name)
                vm = vm.with_vma(vma.vid, locked=True)
                vm = vm.with_process(process.name, locked_pages=proc.locked_pages + spec["pages"])
    return Setup(vm, tuple(build.threads), needs, invariants)


# -- the file as workloads -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """The parts of a scenario that do not depend on its parameters."""

    name: str
    title: str
    description: str
    kind: str | None
    params: dict[str, int]
    size_param: str | None
    variants: list[tuple[str, str, str, dict[str, int]]]
    needs: tuple[str, ...]
    invariants: frozenset[str] | None
    policy: str | None
    policy_params: dict[str, int]
    max_states: int | None


def _header(tree: Node, path: str) -> _Header:
    scope = _Scope(path, {})
    name = title = description = ""
    kind: str | None = None
    params: dict[str, int] = {}
    size_param: str | None = None
    variants: list[tuple[str, str, str, dict[str, int]]] = []
    needs: tuple[str, ...] = ()
    invariants: frozenset[str] | None = None
    policy: str | None = None
    policy_params: dict[str, int] = {}
    max_states: int | None = None
    for item in _children(tree):
        if item is None:
            continue
        kind_of = item.data
        if kind_of == "scenario":
            name = str(item.children[0])
            title = str(item.children[1])[1:-1] if item.children[1] is not None else name
        elif kind_of == "description":
            description = str(item.children[0])[1:-1]
        elif kind_of == "kind":
            kind = str(item.children[0])
            if kind not in ("race", "simulation"):
                raise scope.error(item.children[0], "kind is race or simulation")
        elif kind_of == "param":
            param_name, value_node = item.children
            params[str(param_name)] = _Scope(path, params).number(value_node)
        elif kind_of == "size":
            size_param = str(item.children[0])
            if size_param not in params:
                raise scope.error(item.children[0], f"no parameter {size_param!r} declared before")
        elif kind_of == "variant":
            variant_name, variant_title, *arg_nodes = item.children
            args = _args(_Scope(path, params), arg_nodes, (*params, "description"), "variant")
            if args.positional:
                raise scope.error(args.positional[0][0], "a variant sets parameters: name=value")
            settings = {}
            text = ""
            for key, (value_node, value) in args.keywords.items():
                if key == "description":
                    text = str(value)
                elif not isinstance(value, int):
                    raise scope.error(value_node, f"{key} must be a number")
                else:
                    settings[key] = value
            variants.append((str(variant_name), str(variant_title)[1:-1], text, settings))
        elif kind_of == "needs":
            needs = tuple(str(token) for token in item.children)
            for token in item.children:
                if str(token) not in NEEDS:
                    raise scope.error(token, f"a need is one of {', '.join(NEEDS)}")
        elif kind_of == "check":
            for token in item.children:
                if str(token) not in INVARIANTS:
                    raise scope.error(token, f"no invariant {token!s} ({', '.join(INVARIANTS)})")
            invariants = frozenset(str(token) for token in item.children)
        elif kind_of == "policy":
            policy_token, *arg_nodes = item.children
            policy = str(policy_token)
            try:
                allowed = tuple(policy_parameters(policy))
            except KeyError as exc:
                raise scope.error(policy_token, str(exc.args[0])) from None
            args = _args(scope, arg_nodes, allowed, policy)
            policy_params = {k: _int_arg(scope, args, k, None, item) for k in args.keywords}
            resolve(policy, **policy_params)
        elif kind_of == "bounds":
            args = _args(scope, item.children, BOUNDS, "bounds")
            max_states = _int_arg(scope, args, "max_states", None, item)
    if not name:
        raise ScenarioError(path, 1, 1, 'the file must start with: scenario NAME "title"')
    return _Header(
        name,
        title,
        description,
        kind,
        params,
        size_param,
        variants,
        needs,
        invariants,
        policy,
        policy_params,
        max_states,
    )


def workloads_from_text(text: str, path: str) -> list[Workload]:
    """The scenario of `text` (named `path` in errors) and its variants, as workloads.

    The whole scenario is built once with the default parameters, so that a mistake anywhere
    is reported now, not when someone first runs it.
    """
    tree = parse(text, path)
    header = _header(tree, path)

    def build(params: Params) -> Setup:
        result = _Build(path)
        _walk_items(_Scope(path, dict(params)), _children(tree), result)
        return _setup(result, header.needs, header.invariants)

    def workload(name: str, title: str, description: str, defaults: dict[str, int]) -> Workload:
        setup = build(defaults)
        kind = header.kind or ("race" if len(setup.threads) > 1 else "simulation")
        return Workload(
            name,
            title,
            kind,
            description or header.description or title,
            build,
            defaults,
            header.size_param,
            source=path,
            policy=header.policy,
            policy_params=header.policy_params,
            max_states=header.max_states,
        )

    found = [workload(header.name, header.title, header.description, header.params)]
    for name, title, description, settings in header.variants:
        found.append(workload(name, title, description, {**header.params, **settings}))
    return found


def load_scenario(path: Path) -> list[Workload]:
    """The workloads of a scenario file; OSError if unreadable, ScenarioError if malformed."""
    return workloads_from_text(path.read_text(encoding="utf-8"), str(path))
