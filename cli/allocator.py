"""The memory settings of `threadlore import`, a process that allocates for every message it
reads and stores: the C allocator gives a large buffer back to the system when it is freed, so one
large message's buffers do not stay in the process for the rest of it, and Python's cycle
collector looks at new objects less often."""

from __future__ import annotations

import ctypes
import gc
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


YOUNG_OBJECTS = 10_000  # new container objects between two collections of the youngest generation


def collect_cycles_less_often() -> None:
    """Collect the youngest generation every YOUNG_OBJECTS new objects instead of every 700.

    An import makes a few dozen objects per message and keeps almost none of them; most die by
    reference counting, and the collector's passes over the survivors (SQLAlchemy's modules and
    the store's caches among them) found nothing to free. A 10,000-message import's storing
    process spent 0.1 s of its 1.8 s CPU on them (medians of 5 alternated runs, the reader
    forked after this, so both processes collect less often); 10,000, 50,000 and 200,000
    measured alike. Older generations keep their thresholds.
    """
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, older, oldest)
