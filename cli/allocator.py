"""The C allocator's setting for `threadlore import`: a large buffer goes back to the system when
it is freed, so one large message's buffers do not stay in the process for the rest of it."""

from __future__ import annotations

import ctypes
import os

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
LARGE_BUFFER = 1 << 20


def is_glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError):  # a name this system does not know
        return False


def return_large_buffers() -> bool:
    """Have glibc map every buffer from 1 MiB apart and unmap it when freed; False elsewhere.

    glibc maps buffers from 128 KiB, but raises that threshold to the size of each mapped
    buffer it frees (up to 32 MiB), and what its heap frees stays in the process: after one
    16 MB buffer, the next ones came from the heap and stayed resident (a 16 MB message peaked
    at 3.4× its size above the base, 3.0× with this; benches/bench_message_size.py). A fixed
    threshold stops the raising; buffers below it are served as before (a 10,000-message import
    took as long).
    """
    if not is_glibc():
        return False
    return bool(ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, LARGE_BUFFER))
