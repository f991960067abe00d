"""glibc's heap told to give large buffers back to the system when they are freed.

Layer: bottom (standard library only, like ``gc_pause``); the CLI calls it for ``calfeed build``.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # mallopt's parameter (malloc.h)
THRESHOLD = 128 * 1024  # glibc's own starting value


def return_large_buffers() -> bool:
    """Fix glibc's mmap threshold at its starting value. By default every freed mmapped buffer raises
    it to that buffer's size, so the next feeds, JSON bodies and gzip copies of a build (10 MB each
    at 10,000 events) come from the heap, which keeps its high-water mark for the rest of the process:
    ~13 MB more in each of a 10,000-event export's processes. False where there is no glibc."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD))
