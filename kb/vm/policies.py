"""The proposals of VM-MODEL.md §4 as data: each policy is a set of changes to the 2.6.20 semantics.

Operations read a `Semantics` (which fault path, how remap_file_pages is gated, what page_mkclean
visits …); a policy is a named delta over a base. Combine policies with "+", later ones winning:
`LOCK_PAGE_IN_FAULT+NEW_BUFFERED_WRITE`. No policy says anything about a workload's outcome.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Semantics:
    """How the kernel behaves; the defaults are 2.6.20 (STATUS_QUO)."""

    fault: str = "do_no_page"  # do_no_page | __do_fault | seqlock | page_flag
    truncate_unmaps_locked_page: bool = False  # re-check page_mapped under the page lock
    dirty_waits_on_page_lock: bool = False  # 79352894: wait_on_page_locked before set_page_dirty
    buffered_write: str = "old"  # old (fault while holding the page lock) | new (atomic copy)
    remap_available: bool = True
    remap_refuse_nonroot: bool = False
    remap_refuse_nonroot_writenotify: bool = False
    remap_emulate_nonroot_unlocked: bool = False
    remap_emulate_dirty_accounting: bool = False
    remap_emulate_all: bool = False
    remap_nonlinear_limit: int | None = None  # nonlinear pages per mm; past it, emulated
    remap_shmem_only_mlocked: bool = False
    remap_prot: bool = False  # Paolo's remap_file_pages_prot (VM_MANYPROTS)
    remap_prot_refuse_writenotify: bool = False
    nonlinear_reset_prot: bool = False  # Peter: vm_page_prot made writable on conversion
    mkclean_scope: str = "linear"  # linear | full_scan | rmap_tree
    writeout_guesses_nonlinear: bool = False  # GUESS_DIRTY: mapcount > found → scan nonlinear
    reclaim_hard: bool = False  # RECLAIM_HARD: no progress → search every nonlinear pte
    msync: str = "noop"  # noop (2.6.19+) | scan (walk nonlinear ptes)

    def describe_changes(self) -> list[tuple[str, Any, Any]]:
        """(field, 2.6.20 value, this value) for every field that differs from STATUS_QUO."""
        base = Semantics()
        return [
            (f.name, getattr(base, f.name), getattr(self, f.name))
            for f in fields(self)
            if getattr(base, f.name) != getattr(self, f.name)
        ]


@dataclass(frozen=True, slots=True)
class Parameter:
    """A number a policy leaves open (`-p cap=32`): which semantics field it sets."""

    name: str
    field: str
    default: int
    meaning: str

    def value(self, number: int) -> int | bool:
        """The field's value for `number` (a knob's 0/1 becomes a bool)."""
        default = getattr(Semantics(), self.field)
        return bool(number) if isinstance(default, bool) else number

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "default": self.default, "meaning": self.meaning}


@dataclass(frozen=True, slots=True)
class Policy:
    """A proposal: who made it, what it says, and what it changes over its base.

    `era` is "thread" for what the thread proposed and "later" for what the kernel did
    afterwards (replayable beside them). `parameters` are numbers a user may set.
    """

    name: str
    proposed_by: str
    summary: str
    changes: tuple[tuple[str, Any], ...] = ()
    base: str | None = None
    parameters: tuple[Parameter, ...] = ()
    era: str = "thread"

    def semantics(self, **params: int) -> Semantics:
        """The semantics with this policy's parameters at their defaults, or as given."""
        start = POLICIES[self.base].semantics() if self.base else Semantics()
        return replace(start, **dict(self.changes), **self._parameter_values(params))

    def _parameter_values(self, params: Mapping[str, int]) -> dict[str, Any]:
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(params) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise ValueError(f"{self.name}: unknown parameter {unknown[0]!r} (parameters: {names})")
        return {p.field: p.value(params.get(p.name, p.default)) for p in self.parameters}

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "proposed_by": self.proposed_by,
            "summary": self.summary,
            "era": self.era,
            "base": self.base,
            "parameters": [p.as_json() for p in self.parameters],
            "changes": [
                {"field": name, "from": old, "to": new}
                for name, old, new in self.semantics().describe_changes()
            ],
        }


LOCKED_FAULT = (("fault", "__do_fault"), ("truncate_unmaps_locked_page", True))

_ALL = (
    Policy("STATUS_QUO", "—", "the 2.6.20 code"),
    Policy(
        "LOCK_PAGE_IN_FAULT",
        "Nick [T 02-21], idea credited to Andrea",
        "fault locks the page (__do_fault); truncate re-checks page_mapped under the page lock",
        LOCKED_FAULT,
    ),
    Policy(
        "SEQLOCK",
        "Andrea (3/6 changelog)",
        "truncate/invalidate hold a write seqcount across unmap..remove; faults retry",
        (("fault", "seqlock"),),
    ),
    Policy(
        "PAGE_FLAG",
        "Andrea (3/6 changelog)",
        "truncate/invalidate flag the page; the fault re-checks the flag under the pte lock",
        (("fault", "page_flag"),),
    ),
    Policy(
        "ROOT_ONLY",
        "Nick [T 03-07 7:00 am]",
        "remap_file_pages fails with EPERM for non-root",
        (("remap_refuse_nonroot", True),),
    ),
    Policy(
        "ROOT_ONLY_IF_WRITEBACK",
        "Peter [T 03-07 12:58 pm]",
        "EPERM if non-root and writenotify; page_prot reset on conversion; msync scans nonlinear",
        (
            ("remap_refuse_nonroot_writenotify", True),
            ("nonlinear_reset_prot", True),
            ("msync", "scan"),
        ),
    ),
    Policy(
        "MSYNC_SCAN",
        "Nick [T 03-07 6:21 am]",
        "msync scans nonlinear ptes",
        (("msync", "scan"),),
    ),
    Policy(
        "MLOCK_FOR_NONROOT",
        "Nick [T 03-07 8:36 am; 03-08 8:19 am]",
        "non-root gets nonlinear only on mlocked vmas, else emulation",
        (("remap_emulate_nonroot_unlocked", True),),
    ),
    Policy(
        "NO_WRITEBACK_ONLY",
        "Peter [T 03-07 9:52 am], Miklos [T 03-08 7:21 am]",
        "nonlinear on tmpfs/ramfs/shm; emulated where the mapping accounts dirty pages",
        (("remap_emulate_dirty_accounting", True),),
    ),
    Policy(
        "EMULATE_ALL",
        "Ingo [T 03-07 4:27 am], Miklos [T 03-07 6:13 am]",
        "always emulate with linear vmas (mmap_region per run)",
        (("remap_emulate_all", True),),
    ),
    Policy(
        "SYSCTL_EMULATE",
        "Miklos [T 03-08 8:25 am]",
        "a sysctl a paranoid sysadmin sets to emulate every nonlinear vma (off by default)",
        parameters=(
            Parameter("knob", "remap_emulate_all", 0, "1: the sysctl is set (EMULATE_ALL)"),
        ),
    ),
    Policy(
        "NONLINEAR_LIMIT",
        "Nick [T 03-07 10:50 am; 03-08 8:19 am]",
        "a per-mm limit (a ulimit) on nonlinear pages for non-root; past it, emulated",
        parameters=(Parameter("cap", "remap_nonlinear_limit", 16, "nonlinear pages per mm"),),
    ),
    Policy(
        "SHMEM_ONLY_MLOCKED",
        "Nick [T 03-07 5:28 am]",
        "nonlinear only on shmem/tmpfs, its pages implicitly mlocked; EINVAL elsewhere",
        (("remap_shmem_only_mlocked", True),),
    ),
    Policy(
        "FULL_SCAN_MKCLEAN",
        "Nick [T 03-07 6:04 am], Peter [T 03-07 8:41 am]",
        "page_mkclean also scans every slot of every nonlinear vma",
        (("mkclean_scope", "full_scan"),),
    ),
    Policy(
        "NONLINEAR_RMAP_TREE",
        "Peter [T 03-07 6:24 am]",
        "a per-vma reverse map: page_mkclean and reclaim exact; one node per remapped slot",
        (("mkclean_scope", "rmap_tree"),),
    ),
    Policy(
        "GUESS_DIRTY",
        "Peter [T 03-07 9:52 am; 10:34 am]",
        "writeout: if page_mapcount exceeds the mappings page_mkclean found, scan the nonlinear "
        "vmas' ptes for dirty bits (the old msync) before clearing PG_dirty",
        (("writeout_guesses_nonlinear", True),),
    ),
    Policy(
        "RECLAIM_HARD",
        "Miklos [T 03-08 7:48 am]",
        "when the nonlinear cluster scan leaves the page mapped, search every nonlinear pte",
        (("reclaim_hard", True),),
    ),
    Policy(
        "REMAP_PROT",
        "Paolo, Ingo, Jeff",
        "per-page protections in the pte (VM_MANYPROTS)",
        (("remap_prot", True),),
    ),
    Policy(
        "REMAP_PROT_NO_WRITENOTIFY",
        "Paolo [T 03-21]",
        "REMAP_PROT, refused (EINVAL) on vmas where writenotify holds",
        (("remap_prot", True), ("remap_prot_refuse_writenotify", True)),
    ),
    Policy(
        "NO_NONLINEAR",
        "Nick [T 03-07 4:59 am] (CONFIG_NONLINEAR off)",
        "remap_file_pages is unavailable (ENOSYS)",
        (("remap_available", False),),
    ),
    # -- what the kernel did later [H], replayable beside the thread's proposals ----------------
    Policy(
        "NEW_BUFFERED_WRITE",
        "Nick [H 2.6.24 'mm: fix pagecache write deadlocks']",
        "buffered write copies with faults disabled and retries on a short copy",
        (("buffered_write", "new"),),
        era="later",
    ),
    Policy(
        "FIX_CPDFIO_RACE",
        "Nick [H 79352894 'mm: fix clear_page_dirty_for_io vs fault race', 2.6.22]",
        "do_wp_page and do_no_page wait for the page lock before set_page_dirty, so writeout's "
        "page_mkclean..TestClearPageDirty cannot lose a dirty pte",
        (("dirty_waits_on_page_lock", True),),
        era="later",
    ),
    Policy(
        "MERGED_2_6_24",
        "Nick, Miklos [H d00806b1, 54cb8821, 79352894, fremap.c, 2.6.24]",
        "what 2.6.24 shipped: the locked __do_fault for linear and nonlinear faults, the wait "
        "before set_page_dirty, the new buffered write, nonlinear emulated where the mapping "
        "accounts dirty pages",
        (
            *LOCKED_FAULT,
            ("dirty_waits_on_page_lock", True),
            ("buffered_write", "new"),
            ("remap_emulate_dirty_accounting", True),
        ),
        era="later",
    ),
    Policy(
        "EMULATED_4_0",
        "Kirill A. Shutemov [H c8d78c18 'mm: replace remap_file_pages() syscall with "
        "emulation', 4.0]",
        "2.6.24's code with remap_file_pages always emulated (one vma per call unless it merges)",
        (("remap_emulate_all", True),),
        "MERGED_2_6_24",
        era="later",
    ),
)

POLICIES: Mapping[str, Policy] = MappingProxyType({p.name: p for p in _ALL})

RACE_POLICIES = ("STATUS_QUO", "LOCK_PAGE_IN_FAULT", "SEQLOCK", "PAGE_FLAG")
"""The policies that change the fault-vs-truncate race (the benchmark's rows)."""


def resolve(name: str, **params: int) -> Semantics:
    """The semantics of a policy name or a "+"-joined combination, with its parameters.

    In a combination, each later policy applies its own changes (not its base) on top; a
    parameter goes to the policy that has it. KeyError names an unknown policy, ValueError an
    unknown parameter. Computed once per name and parameters (a search resolves its policy).
    """
    return _resolved(name, tuple(sorted(params.items())))


@functools.cache
def _resolved(name: str, given: tuple[tuple[str, int], ...]) -> Semantics:
    params = dict(given)
    parts = [_policy(part) for part in name.split("+")]
    owner = {p.name: policy for policy in parts for p in policy.parameters}
    unknown = sorted(set(params) - set(owner))
    if unknown:
        names = ", ".join(owner) or "none"
        raise ValueError(f"{name}: unknown parameter {unknown[0]!r} (parameters: {names})")
    semantics: Semantics | None = None
    for policy in parts:
        mine = {k: v for k, v in params.items() if owner[k] is policy}
        if semantics is None:
            semantics = policy.semantics(**mine)
        else:
            semantics = replace(semantics, **dict(policy.changes), **policy._parameter_values(mine))
    assert semantics is not None
    return semantics


def policy_parameters(name: str) -> dict[str, int]:
    """Every parameter of a policy (or combination) with its default."""
    return {p.name: p.default for part in name.split("+") for p in _policy(part).parameters}


def _policy(part: str) -> Policy:
    policy = POLICIES.get(part.strip().upper())
    if policy is None:
        raise KeyError(f"unknown policy {part.strip()!r} (see `threadlore model policies`)")
    return policy
