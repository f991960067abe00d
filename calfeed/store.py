"""The live schedule: one accepted version of the events file, the same in every worker, kept
across restarts and bad saves.

Layer: loader (file I/O). Imports ``loader``, ``ledger`` and ``state``; no Flask.

Each process watches the events file (and its ledger) every ``check_every`` seconds, in a thread
of its own, so a version saved for a moment is seen even when no request comes. A changed file
is only read once it has been quiet for ``settle`` seconds and only used if it did not change
while it was read: a file caught mid-write is never read, a file replaced by rename is read whole.
A valid file is *accepted* into the state folder (``calfeed.state``); every worker then serves
what the state folder names, so all of them serve the newest accepted version within a poll or
two — also a worker that never saw it, or one just forked from a master holding an old copy,
which catches up before its first answer. A bad file never replaces what is served: its problems
are kept for /healthz and each is logged once. At start-up the events file is checked in full;
when it is bad the last accepted version is served, and only when there has never been one does
the app refuse to start (``EventsFileError``, every problem). Trouble with the state folder or the
ledger is reported (``problems``) and never takes the site down.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schedulejson
from .changelog import KEEP_DAYS
from .errors import EventsFileError, Problem
from .forked_check import APART_FROM_BYTES, check_apart, check_here
from .gc_pause import gc_paused
from .ledger import LedgerError, ledger_path, revise
from .loader import MAX_BYTES, Result
from .model import Schedule
from .revisions import Revisions
from .state import (
    Accepted,
    MemoryState,
    Rejected,
    Signature,
    StateDir,
    StateError,
    default_state_dir,
    signature,
    version_of,
)

log = logging.getLogger("calfeed")
CHANGED_WHILE_READ = "the events file changed while it was read"  # not a verdict: read again on the next poll
RETRY_SECONDS = 1.0  # a valid file that could not be accepted (state folder or ledger not writable) is tried again


@dataclass
class Snapshot:
    """One accepted version of the events file and everything derived from it."""

    schedule: Schedule
    revisions: Revisions
    path: str
    loaded_at: dt.datetime  # when this version was accepted
    version: str  # sha256 of the file's bytes
    warnings: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()  # what accepting it repaired (a broken ledger)
    cache: dict[Any, Any] = field(default_factory=dict)  # derived output, dropped with the snapshot

    @property
    def identity(self) -> tuple[str, dt.datetime]:
        return self.version, self.loaded_at


class Store:
    def __init__(
        self,
        path: str | Path,
        *,
        ledger: str | Path | None | bool = True,
        state: str | Path | None | bool = True,
        max_bytes: int = MAX_BYTES,
        check_every: float = 0.25,
        settle: float = 0.5,
        apart_from: int = APART_FROM_BYTES,
        changes_days: int = KEEP_DAYS,
    ) -> None:
        self.path = Path(path)
        self.ledger = ledger_path(self.path) if ledger is True else (Path(ledger) if ledger else None)
        folder = default_state_dir(self.path) if state is True else Path(state) if state else None
        self.state: StateDir | MemoryState = StateDir(folder) if folder else MemoryState()
        self.max_bytes = max_bytes
        self.check_every = check_every  # 0: check on every call instead of in a thread (tests)
        self.settle = settle
        self.apart_from = apart_from  # new versions this large are checked in a child process (calfeed/forked_check.py)
        self.changes_days = changes_days  # how long the ledger keeps the change log
        self.stale: Rejected | None = None
        self._trouble: dict[str, Problem] = {}  # the state folder or the ledger: reported, never fatal
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._watching = False
        self._logged: set[str] = set()  # problems already logged since the last good version
        self._parsed: tuple[str, Result] | None = None  # the last version checked here, not to parse it twice
        # A valid file not accepted (the state folder or ledger could not be written): (inputs, retry at, bytes)
        self._unaccepted: tuple[tuple[Signature | None, Signature | None], float, bytes] | None = None
        self._snapshot: Snapshot | None = None
        self._kept: str | None = None  # the version whose checked schedule is in the state folder
        self._outdated: str | None = None  # a version whose kept schedule this code cannot read
        self._start()

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(self._trouble.values())

    def current(self) -> Snapshot:
        """The version to answer from. Never raises, never waits for a check (except once in a new process)."""
        if self._pid != os.getpid():
            self._forked()
        if self.check_every <= 0:
            if self._lock.acquire(blocking=False):
                try:
                    self._poll()
                finally:
                    self._lock.release()
        elif not self._watching:
            self._watch()
        assert self._snapshot is not None
        return self._snapshot

    # -- the watch -------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._resume():
            return
        self._poll(starting=True)
        if self._snapshot is None and self._unaccepted is not None and self._parsed is not None:
            self._serve_alone(*self._parsed)
        if self._snapshot is None:
            raise EventsFileError(self.stale.problems if self.stale else self.problems)

    def _resume(self) -> bool:
        """A restart on the very file (and ledger) accepted last, unchanged since — same mtime, size
        and inode: serve the checked schedule the state folder kept for it instead of parsing and
        checking the file again (a 10,000-event file: seconds). Anything else: the full check."""
        accepted = self._state_call("current", self.state.current)
        if accepted is None or accepted.source != str(self.path):
            return False
        if accepted.inputs != (signature(self.path), signature(self.ledger)):
            return False
        data = self._state_call("schedule", lambda: self.state.schedule(accepted.version))
        if data is None:
            return False
        try:
            schedule, problems = schedulejson.loads(data)
        except ValueError as exc:  # most often written by the code before an upgrade: written again once checked
            log.info("not starting from %s's kept schedule (%s): checking the file", self.path, exc)
            self._outdated = accepted.version
            return False
        self._parsed = (accepted.version, Result(schedule, problems))
        self._kept = accepted.version
        self._follow_state()
        return self._snapshot is not None

    def _keep_schedule(self) -> None:
        """Keep the checked schedule of the version served, for the next start (after serving it:
        writing it never delays a new version)."""
        if self._parsed is None or self._snapshot is None or self._parsed[0] != self._snapshot.version:
            return
        version, result = self._parsed
        if self._kept == version or result.schedule is None:
            return
        self._kept = version
        schedule, problems = result.schedule, result.problems

        def encoded() -> bytes | None:
            try:
                return schedulejson.dumps(schedule, problems)
            except ValueError as exc:  # a value the file cannot hold: not a fault, the next start checks the YAML
                log.info("the schedule of %s is not kept: %s", version[:12], exc)
                return None

        replace = self._outdated == version
        self._state_call("schedule", lambda: self.state.keep_schedule(version, encoded, replace=replace))

    def _forked(self) -> None:
        """A new process — a gunicorn worker forked from the master, whose copy may be days old:
        catch up with the state folder before the first answer."""
        self._pid, self._lock, self._watching = os.getpid(), threading.Lock(), False
        with self._lock:
            self._poll()

    def _watch(self) -> None:
        self._watching = True
        store, interval, pid = weakref.ref(self), self.check_every, self._pid

        def run() -> None:
            while True:
                time.sleep(interval)
                watched = store()
                if watched is None or watched._pid != pid:  # the app is gone, or this is a forked copy
                    return
                if watched._lock.acquire(blocking=False):
                    try:
                        watched._poll()
                    finally:
                        watched._lock.release()
                del watched

        threading.Thread(target=run, name="calfeed-watch", daemon=True).start()

    def _poll(self, *, starting: bool = False) -> None:
        try:
            self._judge_file(starting)
            self._follow_state()
            if not starting:  # (not in the start-up path: the first poll after it does it)
                self._keep_schedule()
        except Exception:  # a bug must not take the site down: what is served stays
            log.exception("checking %s failed unexpectedly", self.path)
            self._trouble["internal"] = Problem("the events file could not be checked (an internal error, logged)",
                                                str(self.path))  # fmt: skip

    # -- the events file -------------------------------------------------------------------------

    def _judge_file(self, starting: bool) -> None:
        """Accept or reject the events file when it (or its ledger) changed since it was last judged."""
        accepted = self._state_call("current", self.state.current)
        rejected = self._state_call("rejected", self.state.rejected)
        if "rejected" not in self._trouble:  # else keep what this process knows
            self.stale = rejected
        inputs = (signature(self.path), signature(self.ledger))
        if not starting:
            if accepted is not None and accepted.inputs == inputs and accepted.source == str(self.path):
                return  # what is served came from this very file and ledger
            if self.stale is not None and self.stale.signature == inputs[0]:
                return  # judged bad already (here or by another worker)
            if self._unaccepted and self._unaccepted[0] == inputs:  # valid, but it could not be written
                if time.monotonic() >= self._unaccepted[1] and self._parsed is not None:
                    version, result = self._parsed
                    assert result.schedule is not None  # _parsed keeps only a version that passed the checks
                    self._accept(self._unaccepted[2], version, result.schedule, accepted, inputs)
                return  # (the same bytes: no need to read and check them again)
        if inputs[0] is None:
            self._reject((Problem(f"the events file {self.path} is missing", str(self.path)),), None)
            return
        if not starting and time.time() - inputs[0][0] / 1e9 < self.settle:
            return  # still being written: look again on the next poll
        data, problems = self._read(inputs[0])
        if data is None:
            if problems[0].message != CHANGED_WHILE_READ:
                self._reject(problems, inputs[0])
            return
        version = version_of(data)
        result = self._check(data)
        if result.schedule is None:
            self._reject(result.errors, inputs[0])
            return
        self._parsed = (version, result)
        self._accept(data, version, result.schedule, accepted, inputs)

    def _read(self, expected: Signature) -> tuple[bytes | None, tuple[Problem, ...]]:
        try:
            with open(self.path, "rb") as f:
                data = f.read(self.max_bytes + 1)
        except OSError as exc:
            return None, (Problem(f"cannot read the events file: {exc.strerror or exc}", str(self.path)),)
        if signature(self.path) != expected:
            return None, (Problem(CHANGED_WHILE_READ, str(self.path)),)
        return data, ()

    def _check(self, data: bytes) -> Result:
        try:
            if len(data) >= self.apart_from:
                previous = self._snapshot.schedule if self._snapshot else None
                return check_apart(data, str(self.path), max_bytes=self.max_bytes, previous=previous)
            return check_here(data, str(self.path), max_bytes=self.max_bytes)
        except Exception:  # a bug in the loader: the file counts as bad, what is served stays
            log.exception("checking %s failed unexpectedly", self.path)
            return Result(None, (Problem("the events file could not be checked (an internal error, logged)",
                                         str(self.path)),))  # fmt: skip

    def _accept(
        self, data: bytes, version: str, schedule: Schedule, seen: Accepted | None,
        inputs: tuple[Signature | None, Signature | None],
    ) -> None:  # fmt: skip
        """Make this version the one every worker serves, unless another worker accepted a version
        since this file was read (then its file is newer than ours: judge again on the next poll)."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        notes: list[Problem] = []
        try:
            with self.state.lock():
                latest = self.state.current()
                if _identity(latest) != _identity(seen):
                    return
                floor = latest.revisions if latest is not None and latest.source == str(self.path) else None
                with gc_paused():
                    revisions = revise(schedule, self.ledger, now, backup=self.state.ledger_backup, floor=floor,
                                       problems=notes, keep_days=self.changes_days)  # fmt: skip
                same = latest is not None and latest.version == version and latest.revisions == revisions
                accepted_at = latest.accepted_at if latest is not None and same else now
                accepted = Accepted(version, accepted_at, str(self.path),
                                    (inputs[0], signature(self.ledger)), revisions, tuple(notes))  # fmt: skip
                self.state.accept(data, accepted)
        except (StateError, LedgerError) as exc:
            self._report("accept", Problem(str(exc), str(self.path), hint="the last accepted version is still served"))
            self._unaccepted = (inputs, time.monotonic() + RETRY_SECONDS, data)
            return
        for kind in ("accept", "internal"):
            self._trouble.pop(kind, None)
        self.stale, self._logged, self._unaccepted = None, set(), None
        for note in notes:
            log.warning("%s", note)

    def _serve_alone(self, version: str, result: Result) -> None:
        """At start-up, with nothing accepted to fall back on and a state folder or ledger that cannot
        be written: serve the valid file as this process alone knows it, and keep reporting why."""
        assert result.schedule is not None
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        try:
            revisions = revise(result.schedule, self.ledger, now, keep_days=self.changes_days)
        except LedgerError as exc:
            revisions = exc.revisions
        self.state = MemoryState()
        self.state.accept(b"", Accepted(version, now, str(self.path), (None, None), revisions))
        self._follow_state()

    def _reject(self, problems: tuple[Problem, ...], read_as: Signature | None) -> None:
        since = self.stale.since if self.stale is not None else dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.stale = Rejected(read_as, problems, since)
        for problem in problems:
            if str(problem) not in self._logged:
                self._logged.add(str(problem))
                log.error("%s (not used: the last accepted version stays served, if there is one)", problem)
        self._state_call("reject", lambda: self._locked_reject(self.stale))

    def _locked_reject(self, rejected: Rejected) -> None:
        with self.state.lock():
            self.state.reject(rejected)

    # -- the state folder ------------------------------------------------------------------------

    def _follow_state(self) -> None:
        """Serve the version the state folder names, if it is not the one served already."""
        accepted = self._state_call("current", self.state.current)
        if accepted is None or (self._snapshot is not None and self._snapshot.identity == accepted.identity):
            return
        if accepted.source != str(self.path):
            self._report("current", Problem(f"the state folder {getattr(self.state, 'path', '')} belongs to "
                                            f"{accepted.source}, not to this events file", str(self.path)))  # fmt: skip
            return
        if self._parsed is not None and self._parsed[0] == accepted.version:
            result = self._parsed[1]
        else:
            data = self._state_call("version", lambda: self.state.version(accepted.version))
            if data is None:
                return
            result = self._check(data)
            if result.schedule is None:
                self._report("version", Problem("the state folder's version no longer passes the checks",
                                                str(self.path)))  # fmt: skip
                return
            self._parsed = (accepted.version, result)
        assert result.schedule is not None
        self._snapshot = Snapshot(result.schedule, accepted.revisions, str(self.path), accepted.accepted_at,
                                  accepted.version, result.warnings, accepted.notes)  # fmt: skip
        log.info("serving %s version %s: %d events", self.path, accepted.version[:12], len(result.schedule.events))

    def _state_call(self, kind: str, call: Any) -> Any:
        """``call()``, with trouble of the state folder reported under ``kind`` instead of raised."""
        try:
            found = call()
        except (StateError, OSError, ValueError) as exc:
            self._report(kind, Problem(str(exc), str(self.path), hint="the last accepted version is still served"))
            return None
        self._trouble.pop(kind, None)
        return found

    def _report(self, kind: str, problem: Problem) -> None:
        """Keep ``problem`` for /healthz; log it when it is new, not on every poll."""
        if self._trouble.get(kind) != problem:
            log.error("%s", problem)
        self._trouble[kind] = problem


def _identity(accepted: Accepted | None) -> tuple[str, dt.datetime] | None:
    return accepted.identity if accepted is not None else None
