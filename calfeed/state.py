"""The state folder: which version of the events file is served, shared by every worker and kept
across restarts.

Layer: loader (file I/O). Imports ``errors`` and ``ledger``'s value types; no Flask.

The events file is what staff edit; the state folder is what the site serves. A worker that finds
a new valid version of the events file *accepts* it: under an exclusive lock it writes the exact
bytes to ``versions/<sha256>.yaml`` and then ``current.json`` (the hash, when, the inputs it came
from and its revisions), each by atomic rename. Every worker serves what ``current.json`` names,
so after a respawn, a restart or two quick saves they all converge on the newest accepted version
instead of each keeping its own. ``rejected.json`` says that the newest events file could not be
used, with every problem and since when; ``ledger.json`` is a copy of the last good ledger.
``MemoryState`` is the same thing without files, for ``calfeed build`` (strict: no fallback).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from . import changelog
from .atomic import Signature, stat_signature, write_atomically
from .errors import Problem
from .revisions import Revision, Revisions

T = TypeVar("T")
KEEP_VERSIONS = 3  # older accepted versions are removed; the newest is what a restart falls back on


class StateError(Exception):
    """The state folder cannot be read or written; the message says what and why."""


@dataclass(frozen=True)
class Accepted:
    """A version of the events file that passed every check and is (or was) served."""

    version: str  # sha256 of the file's bytes
    accepted_at: dt.datetime
    source: str  # the events file it was read from
    inputs: tuple[Signature | None, Signature | None]  # of the events file and the ledger it was accepted from
    revisions: Revisions
    notes: tuple[Problem, ...] = ()  # what accepting it found and repaired (a broken ledger)

    @property
    def identity(self) -> tuple[str, dt.datetime]:
        return self.version, self.accepted_at


@dataclass(frozen=True)
class Rejected:
    """The newest events file could not be used: why, and since when (kept while later saves are bad too)."""

    signature: Signature | None  # None: the file is missing
    problems: tuple[Problem, ...]
    since: dt.datetime


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signature(path: Path | None) -> Signature | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stat_signature(st)


def default_state_dir(events_path: Path) -> Path:
    return events_path.parent / ".calfeed"


class StateDir:
    """The state folder on disk. Reads are cached by the files' signatures: a poll costs two stats."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ledger_backup: Path | None = path / "ledger.json"
        self._read_as: dict[str, tuple[Signature, Any]] = {}  # file name -> (signature, parsed)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        try:
            self.path.joinpath("versions").mkdir(parents=True, exist_ok=True)
            lock = open(self.path / "lock", "a")  # noqa: SIM115 - closed below, after the unlock
        except OSError as exc:
            raise StateError(f"cannot use the state folder {self.path}: {exc.strerror or exc}") from exc
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def current(self) -> Accepted | None:
        return self._cached("current.json", _accepted)

    def rejected(self) -> Rejected | None:
        return self._cached("rejected.json", _rejected)

    def _cached(self, name: str, parse: Callable[[dict], T]) -> T | None:
        """The parsed file ``name``, read again only when its signature changed."""
        found = signature(self.path / name)
        if found is None:
            return None
        kept = self._read_as.get(name)
        if kept is None or kept[0] != found:
            kept = self._read_as[name] = (found, parse(self._json(name)))
        return kept[1]

    def version(self, version: str) -> bytes:
        """The exact bytes of an accepted version, checked against their hash."""
        data = self._read(f"versions/{version}.yaml")
        if version_of(data) != version:
            raise StateError(f"{self.path}/versions/{version}.yaml does not match its hash (edited or damaged)")
        return data

    def schedule(self, version: str) -> bytes | None:
        """The checked schedule kept for ``version`` (``calfeed.schedulejson``), if there is one."""
        try:
            return (self.path / "versions" / f"{version}.schedule.json").read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"cannot read the state folder {self.path}: {exc.strerror or exc}") from exc

    def keep_schedule(self, version: str, make: Callable[[], bytes | None], *, replace: bool = False) -> None:
        """Keep the checked schedule of an accepted version beside its bytes, for the next start
        (``make`` is only called when it is not kept yet, or to ``replace`` an unreadable one;
        None: nothing to keep)."""
        target = self.path / "versions" / f"{version}.schedule.json"
        try:
            if (self.path / "versions" / f"{version}.yaml").exists() and (replace or signature(target) is None):
                data = make()
                if data is not None:
                    write_atomically(target, data, mode=0o644)
        except OSError as exc:
            raise StateError(f"cannot write the state folder {self.path}: {exc.strerror or exc}") from exc

    def accept(self, data: bytes, accepted: Accepted) -> None:
        """Make ``accepted`` the served version (call under ``lock``): its bytes first, then the pointer."""
        try:
            target = self.path / "versions" / f"{accepted.version}.yaml"
            if signature(target) is None:
                write_atomically(target, data, mode=0o644)
            write_atomically(self.path / "current.json", _json(_accepted_dict(accepted)), mode=0o644)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path / "rejected.json")
            self._prune(accepted.version)
        except OSError as exc:
            raise StateError(f"cannot write the state folder {self.path}: {exc.strerror or exc}") from exc

    def reject(self, rejected: Rejected) -> None:
        body = {"signature": rejected.signature, "since": rejected.since.isoformat(),
                "problems": [p.as_dict() for p in rejected.problems]}  # fmt: skip
        try:
            write_atomically(self.path / "rejected.json", _json(body), mode=0o644)
        except OSError as exc:
            raise StateError(f"cannot write the state folder {self.path}: {exc.strerror or exc}") from exc

    def _prune(self, keep: str) -> None:
        versions = sorted(self.path.joinpath("versions").glob("*.yaml"), key=lambda p: p.stat().st_mtime_ns)
        for old in [p for p in versions if p.stem != keep][: max(0, len(versions) - KEEP_VERSIONS)]:
            with contextlib.suppress(OSError):
                old.unlink()
            with contextlib.suppress(OSError):
                old.with_name(f"{old.stem}.schedule.json").unlink()

    def _read(self, name: str) -> bytes:
        try:
            return (self.path / name).read_bytes()
        except OSError as exc:
            raise StateError(f"cannot read {self.path / name}: {exc.strerror or exc}") from exc

    def _json(self, name: str) -> dict:
        try:
            body = json.loads(self._read(name))
        except ValueError as exc:
            raise StateError(f"{self.path / name} is damaged ({exc})") from exc
        if not isinstance(body, dict):
            raise StateError(f"{self.path / name} is damaged (not a JSON object)")
        return body


class MemoryState:
    """The state of one process only: nothing survives it, and nothing is shared."""

    ledger_backup: Path | None = None

    def __init__(self) -> None:
        self._current: Accepted | None = None
        self._rejected: Rejected | None = None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        yield  # the store's own lock already keeps one thread at a time

    def current(self) -> Accepted | None:
        return self._current

    def rejected(self) -> Rejected | None:
        return self._rejected

    def version(self, version: str) -> bytes:
        raise StateError("no earlier version is kept without a state folder")

    def schedule(self, version: str) -> bytes | None:
        return None

    def keep_schedule(self, version: str, make: Callable[[], bytes | None], *, replace: bool = False) -> None:
        pass  # nothing outlives this process

    def accept(self, data: bytes, accepted: Accepted) -> None:
        self._current, self._rejected = accepted, None

    def reject(self, rejected: Rejected) -> None:
        self._rejected = rejected


# -- JSON ---------------------------------------------------------------------------------------


def _json(body: dict) -> bytes:
    return (json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def _accepted_dict(accepted: Accepted) -> dict:
    return {
        "version": accepted.version,
        "accepted_at": accepted.accepted_at.isoformat(),
        "source": accepted.source,
        "inputs": list(accepted.inputs),
        "last_modified": accepted.revisions.last_modified.isoformat(),
        "revisions": {key: [r.sequence, r.modified.isoformat()] for key, r in accepted.revisions.events.items()},
        "changes": [changelog.as_json(c) for c in accepted.revisions.changes],  # every worker shows the same log
        "notes": [p.as_dict() for p in accepted.notes],
    }


def _accepted(body: dict) -> Accepted:
    try:
        events = {key: Revision(int(seq), _moment(modified)) for key, (seq, modified) in body["revisions"].items()}
        return Accepted(
            version=str(body["version"]),
            accepted_at=_moment(body["accepted_at"]),
            source=str(body["source"]),
            # JSON is untyped: the pair _accepted_dict wrote (a damaged one of another length just never matches)
            inputs=cast(
                "tuple[Signature | None, Signature | None]", tuple(tuple(s) if s else None for s in body["inputs"])
            ),
            revisions=Revisions(events, _moment(body["last_modified"]), changelog.from_json(body.get("changes", []))),
            notes=tuple(Problem(**p) for p in body.get("notes", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateError(f"current.json in the state folder is damaged ({exc!r})") from exc


def _rejected(body: dict) -> Rejected:
    try:
        found = body["signature"]
        return Rejected(tuple(found) if found else None, tuple(Problem(**p) for p in body["problems"]),
                        _moment(body["since"]))  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise StateError(f"rejected.json in the state folder is damaged ({exc!r})") from exc


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"not a time with a zone: {text!r}")
    return moment
