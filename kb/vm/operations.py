"""Every operation of the model by name, gathered from the ops_* modules."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from threadlore.kb.vm import (
    ops_fault,
    ops_mmap,
    ops_reclaim,
    ops_truncate,
    ops_write,
    ops_writeback,
)
from threadlore.kb.vm.machine import Operation

OPERATIONS: Mapping[str, Operation] = MappingProxyType(
    {
        op.name: op
        for module in (ops_fault, ops_truncate, ops_writeback, ops_mmap, ops_reclaim, ops_write)
        for op in module.OPERATIONS
    }
)
