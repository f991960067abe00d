"""Check a large events file in a forked child process, so its composed YAML tree — about ten
times the file's size in memory — never lives in the serving worker.

Layer: loader (processes and pipes). The child inherits the schedule being served, so it sends
back only what changed: the ids of unchanged events, in order, and the new or edited events in
full. After a one-event edit of 10,000 events that is a few hundred kB instead of the whole
schedule, and the worker keeps its own unchanged Event objects. Where fork is unavailable, or the
child dies, the file is checked in this process instead, so the outcome never depends on the
mechanism.
"""

from __future__ import annotations

import gc
import os
import pickle
from dataclasses import replace

from .gc_pause import gc_paused
from .loader import Result, check
from .model import Event, Schedule

# Below this the YAML tree is small and a fork costs more than it saves.
APART_FROM_BYTES = 1_000_000


def check_apart(data: bytes, filename: str, *, max_bytes: int, previous: Schedule | None = None) -> Result:
    """``loader.check`` run in a child process: the same result, without the parent's memory peak."""
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
            result = check_here(data, filename, max_bytes)
            payload = pickle.dumps(_without_unchanged(result, previous), protocol=pickle.HIGHEST_PROTOCOL)
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
        return _with_unchanged(pickle.loads(payload), previous)


def check_here(data: bytes, filename: str, max_bytes: int) -> Result:
    with gc_paused():  # tens of thousands of YAML nodes: see calfeed/gc_pause.py
        return check(data, filename, max_bytes=max_bytes)


def _without_unchanged(result: Result, previous: Schedule | None) -> tuple[Result, tuple[str | Event, ...]]:
    """The result with its events replaced by a delta: an id where ``previous`` has the same event."""
    if result.schedule is None or previous is None:
        return result, ()
    known = previous.by_id
    delta = tuple(e.id if known.get(e.id) == e else e for e in result.schedule.events)
    return replace(result, schedule=replace(result.schedule, events=())), delta


def _with_unchanged(sent: tuple[Result, tuple[str | Event, ...]], previous: Schedule | None) -> Result:
    result, delta = sent
    if not delta:
        return result
    assert result.schedule is not None and previous is not None  # a delta is made of both: _without_unchanged
    known = previous.by_id
    events = tuple(known[item] if isinstance(item, str) else item for item in delta)
    return replace(result, schedule=replace(result.schedule, events=events))
