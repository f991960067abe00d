"""Check a large events file in a forked child process, so its composed YAML tree — about ten
times the file's size in memory — never lives in the serving worker: only the finished result
(the Schedule and the problems) comes back, pickled through a pipe.

Layer: loader (processes and pipes). Where fork is unavailable, or the child dies, the file is
checked in this process instead, so the outcome never depends on the mechanism.
"""

from __future__ import annotations

import gc
import os
import pickle

from .loader import Result, check
from .speed import gc_paused

# Below this the YAML tree is small and a fork costs more than it saves.
APART_FROM_BYTES = 1_000_000


def check_apart(data: bytes, filename: str, *, max_bytes: int) -> Result:
    """``loader.check`` run in a child process; the same result, without the parent's memory peak."""
    if not hasattr(os, "fork"):
        return check_here(data, filename, max_bytes)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check, send the result, leave without running any cleanup of the parent's
        status = 1
        try:
            # A collection would walk every object inherited from the parent and copy each page
            # it touches; the child lives for one check, so it never collects.
            gc.disable()
            os.close(read_end)
            payload = pickle.dumps(check_here(data, filename, max_bytes), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        return check_here(data, filename, max_bytes)
    with gc_paused():
        return pickle.loads(payload)


def check_here(data: bytes, filename: str, max_bytes: int) -> Result:
    with gc_paused():  # tens of thousands of YAML nodes: see calfeed/speed.py
        return check(data, filename, max_bytes=max_bytes)
