"""The proposals of VM-MODEL.md §4 as data: each policy is a set of changes to the 2.6.20 semantics.

Operations read a `Semantics` (which fault path, how remap_file_pages is gated, what page_mkclean
visits …); a policy is a named delta over a base. Combine policies with "+", later ones winning:
`LOCK_PAGE_IN_FAULT+NEW_BUFFERED_WRITE`. No policy says anything about a workload's outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Semantics:
    """How the kernel behaves; the defaults are 2.6.20 (STATUS_QUO)."""

    fault: str = "do_no_page"  # do_no_page | __do_fault | seqlock | page_flag
    truncate_unmaps_locked_page: bool = False  # re-check page_mapped under the page lock
    buffered_write: str = "old"  # old (fault while holding the page lock) | new (atomic copy)
    remap_available: bool = True
    remap_refuse_nonroot: bool = False
    remap_refuse_nonroot_writenotify: bool = False
    remap_emulate_nonroot_unlocked: bool = False
    remap_emulate_dirty_accounting: bool = False
    remap_emulate_all: bool = False
    remap_nonlinear_limit: int | None = None  # pages; larger nonlinear vmas are emulated
    remap_shmem_only_mlocked: bool = False
    remap_prot: bool = False  # Paolo's remap_file_pages_prot (VM_MANYPROTS)
    remap_prot_refuse_writenotify: bool = False
    nonlinear_reset_prot: bool = False  # Peter: vm_page_prot made writable on conversion
    mkclean_scope: str = "linear"  # linear | full_scan | rmap_tree
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
class Policy:
    """A proposal: who made it, what it says, and what it changes over its base."""

    name: str
    proposed_by: str
    summary: str
    changes: tuple[tuple[str, Any], ...] = ()
    base: str | None = None

    def semantics(self) -> Semantics:
        start = POLICIES[self.base].semantics() if self.base else Semantics()
        return replace(start, **dict(self.changes))

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "proposed_by": self.proposed_by,
            "summary": self.summary,
            "base": self.base,
            "changes": [
                {"field": name, "from": old, "to": new}
                for name, old, new in self.semantics().describe_changes()
            ],
        }


LOCKED_FAULT = (("fault", "__do_fault"), ("truncate_unmaps_locked_page", True))
NICK = "LOCK_PAGE_IN_FAULT"  # the nonlinear proposals were made on top of Nick's series

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
        "NEW_BUFFERED_WRITE",
        "Nick [H 2.6.24 'mm: fix pagecache write deadlocks']",
        "buffered write copies with faults disabled and retries on a short copy",
        (("buffered_write", "new"),),
    ),
    Policy(
        "ROOT_ONLY",
        "Nick [T 03-07 7:00 am]",
        "remap_file_pages fails with EPERM for non-root",
        (("remap_refuse_nonroot", True),),
        NICK,
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
        NICK,
    ),
    Policy(
        "MSYNC_SCAN",
        "Nick [T 03-07 6:21 am]",
        "msync scans nonlinear ptes",
        (("msync", "scan"),),
        NICK,
    ),
    Policy(
        "MLOCK_FOR_NONROOT",
        "Nick [T 03-07 8:36 am; 03-08 8:19 am]",
        "non-root gets nonlinear only on mlocked vmas, else emulation",
        (("remap_emulate_nonroot_unlocked", True),),
        NICK,
    ),
    Policy(
        "NO_WRITEBACK_ONLY",
        "Peter [T 03-07 9:52 am], Miklos [T 03-08 7:21 am]",
        "nonlinear on tmpfs/ramfs/shm; emulated where the mapping accounts dirty pages",
        (("remap_emulate_dirty_accounting", True),),
        NICK,
    ),
    Policy(
        "EMULATE_ALL",
        "Ingo [T 03-07 4:27 am], Miklos [T 03-07 6:13 am]",
        "always emulate with linear vmas (mmap_region per run)",
        (("remap_emulate_all", True),),
        NICK,
    ),
    Policy(
        "SYSCTL_EMULATE",
        "Miklos [T 03-08 8:25 am]",
        "a sysctl that turns EMULATE_ALL on (modelled with the knob set)",
        (("remap_emulate_all", True),),
        NICK,
    ),
    Policy(
        "NONLINEAR_LIMIT",
        "Nick [T 03-07 10:50 am; 03-08 8:19 am]",
        "nonlinear vmas larger than a cap (16 pages in the scaled model) are emulated",
        (("remap_nonlinear_limit", 16),),
        NICK,
    ),
    Policy(
        "SHMEM_ONLY_MLOCKED",
        "Nick [T 03-07 5:28 am]",
        "nonlinear only on shmem/tmpfs, its pages implicitly mlocked; EINVAL elsewhere",
        (("remap_shmem_only_mlocked", True),),
        NICK,
    ),
    Policy(
        "FULL_SCAN_MKCLEAN",
        "Nick [T 03-07 6:04 am], Peter [T 03-07 8:41 am]",
        "page_mkclean also scans every slot of every nonlinear vma",
        (("mkclean_scope", "full_scan"),),
        NICK,
    ),
    Policy(
        "NONLINEAR_RMAP_TREE",
        "Peter [T 03-07 6:24 am]",
        "a per-vma reverse map: page_mkclean and reclaim exact, memory per slot",
        (("mkclean_scope", "rmap_tree"),),
        NICK,
    ),
    Policy(
        "REMAP_PROT",
        "Paolo, Ingo, Jeff",
        "per-page protections in the pte (VM_MANYPROTS)",
        (("remap_prot", True),),
        NICK,
    ),
    Policy(
        "REMAP_PROT_NO_WRITENOTIFY",
        "Paolo [T 03-21]",
        "REMAP_PROT, refused (EINVAL) on vmas where writenotify holds",
        (("remap_prot", True), ("remap_prot_refuse_writenotify", True)),
        NICK,
    ),
    Policy(
        "NO_NONLINEAR",
        "Nick [T 03-07 4:59 am] (CONFIG_NONLINEAR off)",
        "remap_file_pages is unavailable (ENOSYS)",
        (("remap_available", False),),
        NICK,
    ),
)

POLICIES: Mapping[str, Policy] = MappingProxyType({p.name: p for p in _ALL})

RACE_POLICIES = ("STATUS_QUO", "LOCK_PAGE_IN_FAULT", "SEQLOCK", "PAGE_FLAG")
"""The policies that change the fault-vs-truncate race (the benchmark's rows)."""


def resolve(name: str) -> Semantics:
    """The semantics of a policy name or a "+"-joined combination; KeyError names an unknown one.

    In a combination, each later policy applies its own changes (not its base) on top.
    """
    semantics: Semantics | None = None
    for part in name.split("+"):
        policy = POLICIES.get(part.strip().upper())
        if policy is None:
            raise KeyError(f"unknown policy {part.strip()!r} (see `threadlore model policies`)")
        if semantics is None:
            semantics = policy.semantics()
        else:
            semantics = replace(semantics, **dict(policy.changes))
    assert semantics is not None
    return semantics
