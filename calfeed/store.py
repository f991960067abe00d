"""The live schedule: loaded once per version of the events file, reloaded when it changes.

Layer: loader (file I/O). Imports ``loader`` and ``ledger``; no Flask.

Every request asks ``Store.current()``. At most once per ``check_every`` seconds that
costs one ``stat`` (each gunicorn worker has its own store and looks for itself). A changed
file is only read once it has been quiet for ``settle`` seconds, and is only used if it did
not change while it was read; so a file caught mid-write (truncated, empty, half-written by
an editor that saves in chunks) is never read, and a file replaced by rename is read whole.
A new version replaces the old one in a single assignment: a request sees one or the other.
An invalid version never replaces the last good one: its problems are kept for /healthz
and each is logged once, however often the same mistake is saved again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import EventsFileError, Problem
from .ledger import Revisions, ledger_path, revise
from .apart import APART_FROM_BYTES, check_apart, check_here
from .loader import MAX_BYTES
from .model import Schedule
from .speed import gc_paused

log = logging.getLogger("calfeed")


@dataclass
class Snapshot:
    """One good version of the events file and everything derived from it."""

    schedule: Schedule
    revisions: Revisions
    path: str
    loaded_at: dt.datetime
    signature: tuple[int, int, int]
    warnings: tuple[Problem, ...] = ()
    cache: dict[Any, Any] = field(default_factory=dict)  # derived output, dropped with the snapshot


@dataclass
class Stale:
    """The newest version on disk could not be used; the last good one is still served."""

    problems: tuple[Problem, ...]
    since: dt.datetime  # when the file first stopped loading; kept while later saves are still invalid
    signature: tuple[int, int, int] | None


class Store:
    def __init__(
        self,
        path: str | Path,
        *,
        ledger: str | Path | None | bool = True,
        max_bytes: int = MAX_BYTES,
        check_every: float = 1.0,
        settle: float = 0.5,
        apart_from: int = APART_FROM_BYTES,
    ) -> None:
        self.path = Path(path)
        self.ledger = ledger_path(self.path) if ledger is True else (Path(ledger) if ledger else None)
        self.max_bytes = max_bytes
        self.check_every = check_every
        self.settle = settle
        self.apart_from = apart_from  # new versions this large are checked in a child process (calfeed/apart.py)
        self.stale: Stale | None = None
        self._lock = threading.Lock()
        self._checked = 0.0
        self._logged: set[str] = set()  # problems already logged since the last good version
        self._snapshot = self._first_load()

    def _first_load(self) -> Snapshot:
        """Refuse to start on a bad file: there is no last good version to fall back on."""
        signature = self._signature()
        snapshot, problems = self._load(signature)
        if snapshot is None:
            raise EventsFileError(problems)
        return snapshot

    def current(self) -> Snapshot:
        now = time.monotonic()
        if now - self._checked >= self.check_every and self._lock.acquire(blocking=False):
            try:
                self._checked = now
                self._refresh()
            finally:
                self._lock.release()
        return self._snapshot

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _refresh(self) -> None:
        signature = self._signature()
        if signature == self._snapshot.signature or (self.stale and signature == self.stale.signature):
            return
        if signature is None:
            self._mark_stale((Problem(f"the events file {self.path} is missing", str(self.path)),), None)
            return
        if time.time() - signature[0] / 1e9 < self.settle:
            return  # still being written: look again on a later request
        snapshot, problems = self._load(signature)
        if snapshot is None:
            self._mark_stale(problems, signature)
        else:
            self._snapshot, self.stale = snapshot, None
            self._logged.clear()
            log.info("loaded %s: %d events", self.path, len(snapshot.schedule.events))

    def _load(self, signature: tuple[int, int, int] | None) -> tuple[Snapshot | None, tuple[Problem, ...]]:
        try:
            with open(self.path, "rb") as f:
                data = f.read(self.max_bytes + 1)
        except OSError as exc:
            return None, (Problem(f"cannot read the events file: {exc.strerror or exc}", str(self.path)),)
        if signature is not None and self._signature() != signature:
            return None, (Problem("the events file changed while it was read", str(self.path)),)
        try:
            serving = getattr(self, "_snapshot", None)  # None at start-up
            if len(data) >= self.apart_from:
                previous = serving.schedule if serving else None
                result = check_apart(data, str(self.path), max_bytes=self.max_bytes, previous=previous)
            else:
                result = check_here(data, str(self.path), max_bytes=self.max_bytes)
        except Exception:  # a bug in the loader must not take the site down: the last good version stays
            log.exception("checking %s failed unexpectedly", self.path)
            return None, (Problem("the events file could not be checked (an internal error, logged)", str(self.path)),)
        if result.schedule is None:
            return None, result.errors
        now = dt.datetime.now(dt.timezone.utc)
        with gc_paused():
            revisions = revise(result.schedule, self.ledger, now)
        return Snapshot(result.schedule, revisions, str(self.path), now, signature or (0, 0, 0), result.warnings), ()

    def _mark_stale(self, problems: tuple[Problem, ...], signature: tuple[int, int, int] | None) -> None:
        if problems and problems[0].message == "the events file changed while it was read":
            return  # not a verdict on the file; the next check reads it again
        since = self.stale.since if self.stale else dt.datetime.now(dt.timezone.utc)
        self.stale = Stale(problems, since, signature)
        for problem in problems:
            if str(problem) not in self._logged:
                self._logged.add(str(problem))
                log.error("%s (still serving the version loaded at %s)", problem, self._snapshot.loaded_at)
