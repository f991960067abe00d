"""Revision memory: SEQUENCE and LAST-MODIFIED for every event, kept across restarts.

Layer: loader (file I/O). Imports ``model`` and ``revisions`` (the values it remembers); no Flask.

Calendar clients only take an edit when an event's SEQUENCE rises (Google) and use
LAST-MODIFIED/DTSTAMP to order versions. Neither can come from the events file itself,
so the ledger — a small JSON file beside it, committed with it — remembers a hash of each
event's content, its sequence number and when it last changed. Loading a new version of
the events file compares hashes: a changed event gets sequence + 1 and the load time,
unchanged events keep theirs, deleted events are remembered so that the feed's
Last-Modified never moves backwards. Writes happen under an exclusive lock and by
atomic rename, so gunicorn workers that load the same version agree on every value.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path

from . import changelog
from .atomic import write_atomically
from .errors import Problem
from .model import Contact, Event, Location, Schedule
from .revisions import EPOCH, Revision, Revisions


def content_hash(event: Event, place: Location | None = None, contact: Contact | None = None) -> str:
    """A hash of everything a subscriber sees: the event, the name and country of its place
    (the feed's LOCATION) and its project's contact (ORGANIZER and the end of DESCRIPTION), so
    renaming a place or changing a contact reaches the calendars of its events too. The file
    line is not part of it. Fields at their default are left out, so adding an optional field
    to the model changes no existing hash."""
    parts = [
        f"{f.name}={getattr(event, f.name)!r}"
        for f in fields(event)
        if f.name != "line" and getattr(event, f.name) != f.default
    ]
    if place is not None:
        parts.append(f"place={place.name!r} {place.country!r}")
    if contact is not None:
        parts.append(f"contact={contact!r}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def ledger_path(events_path: str | Path) -> Path:
    path = Path(events_path)
    return path.with_name(f"{path.stem}.ledger.json")


class LedgerError(Exception):
    """The ledger could not be written: the new version must not be served, or after a restart its
    SEQUENCE numbers could come out lower than what subscribers already have. ``revisions`` are
    what it would have said, for a process with nothing else to serve."""

    def __init__(self, message: str, revisions: Revisions) -> None:
        super().__init__(message)
        self.revisions = revisions


def revise(
    schedule: Schedule,
    path: str | Path | None,
    now: dt.datetime,
    *,
    backup: Path | None = None,
    floor: Revisions | None = None,
    problems: list[Problem] | None = None,
    keep_days: int = changelog.KEEP_DAYS,
) -> Revisions:
    """Bring the ledger at ``path`` up to date with ``schedule`` and return the revisions.

    The ledger is read defensively: an unreadable, truncated or hand-edited file (or entry) is
    reported in ``problems`` and rebuilt from ``backup`` (the state folder's copy of the last good
    ledger) and ``floor`` (the revisions being served), taking the highest SEQUENCE and the latest
    time of each, so a broken ledger never lowers a SEQUENCE or moves LAST-MODIFIED back.
    With ``path=None`` nothing is remembered and every event counts as new at ``now``.
    A ledger that cannot be written raises ``LedgerError``. The change log keeps ``keep_days`` days.
    """
    now = now.astimezone(dt.UTC).replace(microsecond=0)
    if path is None:
        return _apply({}, schedule, now, keep_days)
    path = Path(path)
    found = problems if problems is not None else []
    revisions = None
    try:
        with _locked(path):
            kept, raw = _read(path, found)
            saved, raw_backup = _read(backup, found) if backup else ({}, b"")
            state = _merged(kept, saved, floor, path, found)
            revisions = _apply(state, schedule, now, keep_days)
            text = _dumps(state).encode("utf-8")
            if text != raw:  # new revisions, or a ledger repaired: an unchanged file is left untouched
                _write(path, text)
            if backup is not None and text != raw_backup:
                write_atomically(backup, text, mode=0o644)
    except OSError as exc:
        if revisions is None:  # not even the lock: read without it
            unused: list[Problem] = []
            state = _merged(_read(path, unused)[0], _read(backup, unused)[0] if backup else {}, floor, path, unused)
            revisions = _apply(state, schedule, now, keep_days)
        raise LedgerError(f"cannot write the ledger {path}: {exc.strerror or exc}", revisions) from exc
    if floor is not None and floor.last_modified > revisions.last_modified:
        return replace(revisions, last_modified=floor.last_modified)
    return revisions


def _apply(state: dict, schedule: Schedule, now: dt.datetime, keep_days: int = changelog.KEEP_DAYS) -> Revisions:
    fresh = changelog.is_fresh(state)  # a first load publishes; it changes nothing
    stamp = _iso(now)
    if not isinstance(state.get("changes", {}), dict):
        state["changes"] = {}  # hand-edited into something else: the log starts again
    known = state.setdefault("events", {})
    deleted = state.setdefault("deleted", {})
    revisions = {}
    for event in schedule.events:
        project = schedule.projects.get(event.project)
        digest = content_hash(event, schedule.locations.get(event.location), project.contact if project else None)
        entry = known.get(event.id)
        if entry is None:
            entry = {"hash": digest, "sequence": 0, "modified": _iso(now)}
            if event.id in deleted:  # re-created: subscribers may still hold the old copy
                entry["sequence"] = deleted.pop(event.id)["sequence"] + 1
            known[event.id] = entry
            entry["shown"] = changelog.shown(event)
            if not fresh:
                changelog.note(state, event.id, None, entry["shown"], entry["sequence"], stamp, "added")
        elif entry["hash"] != digest:
            previous = entry["hash"]
            entry.update(hash=digest, sequence=entry["sequence"] + 1, modified=_iso(now))
            shown = changelog.shown(event)
            if previous:  # not an entry restored from the served revisions alone (hash unknown, see _merged)
                changelog.note(state, event.id, entry.get("shown"), shown, entry["sequence"], stamp,
                               "" if isinstance(entry.get("shown"), dict) else "changed")  # fmt: skip
            entry["shown"] = shown
        elif not isinstance(entry.get("shown"), dict):  # a ledger from before the change log: what is shown now
            entry["shown"] = changelog.shown(event)
        revisions[event.id] = Revision(entry["sequence"], _parse(entry["modified"]))
    for event_id in set(known) - set(revisions):
        gone = known.pop(event_id)
        deleted[event_id] = {"sequence": gone["sequence"], "deleted": _iso(now)}
        changelog.note(state, event_id, gone.get("shown"), None, gone["sequence"], stamp, "removed")
    changelog.prune(state, now, keep_days)
    times = [r.modified for r in revisions.values()] + [_parse(d["deleted"]) for d in deleted.values()]
    return Revisions(revisions, max(times, default=EPOCH), changelog.read(state))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path, problems: list[Problem]) -> tuple[dict, bytes]:
    """The ledger at ``path`` with every entry of the right shape (``{}`` when there is none yet),
    and its bytes. What cannot be used is reported and left out: a whole unreadable file, or entries."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, b""
    try:
        state = json.loads(raw)
    except ValueError as exc:
        problems.append(Problem(f"the ledger could not be read ({exc}); rebuilt without lowering any SEQUENCE",
                                str(path), severity="warning"))  # fmt: skip
        return {}, raw
    if not isinstance(state, dict):
        problems.append(Problem("the ledger is not a JSON object; rebuilt", str(path), severity="warning"))
        return {}, raw
    for section, time_key in (("events", "modified"), ("deleted", "deleted")):
        entries = state.get(section, {})
        if not isinstance(entries, dict):
            problems.append(Problem(f"the ledger's '{section}' is not an object; rebuilt", str(path),
                                    severity="warning"))  # fmt: skip
            state[section] = {}
            continue
        bad = [key for key, entry in entries.items() if not _well_formed(entry, time_key, section == "events")]
        for key in bad:
            del entries[key]
        if bad:
            problems.append(Problem(f"the ledger had {len(bad)} unusable entr{'y' if len(bad) == 1 else 'ies'} in "
                                    f"'{section}' ({', '.join(sorted(bad)[:3])}); rebuilt", str(path),
                                    severity="warning"))  # fmt: skip
    return state, raw


def _well_formed(entry: object, time_key: str, needs_hash: bool) -> bool:
    if not isinstance(entry, dict):
        return False
    sequence = entry.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0:
        return False
    if needs_hash and not isinstance(entry.get("hash"), str):
        return False
    moment = entry.get(time_key)
    if not isinstance(moment, str):
        return False
    try:
        _parse(moment)
    except ValueError:
        return False
    return True


def _merged(state: dict, backup: dict, floor: Revisions | None, path: Path, problems: list[Problem]) -> dict:
    """``state`` with no SEQUENCE below, and no time before, what ``backup`` or ``floor`` remember
    of the same event; entries only the backup has are restored. What had to be raised is reported."""
    events = state.setdefault("events", {})
    deleted = state.setdefault("deleted", {})
    raised: set[str] = set()
    for section, time_key, mine, other in (("events", "modified", events, deleted),
                                           ("deleted", "deleted", deleted, events)):  # fmt: skip
        for key, kept in backup.get(section, {}).items():
            entry = mine.get(key) or other.get(key)
            if entry is None:
                mine[key] = dict(kept)
                raised.add(key)
                continue
            if kept["sequence"] > entry["sequence"]:  # the copy is newer: take it whole where it can be
                if key in mine:
                    mine[key] = entry = dict(kept)
                entry["sequence"] = kept["sequence"]
                raised.add(key)
            if key in mine and _parse(kept[time_key]) > _parse(entry[time_key]):
                entry[time_key] = kept[time_key]
    for key, revision in floor.events.items() if floor is not None else ():
        entry = events.get(key)
        if entry is None:  # served, but neither ledger remembers it: an unknown hash counts as an edit
            events[key] = {"hash": "", "sequence": revision.sequence, "modified": _iso(revision.modified)}
            raised.add(key)
        elif revision.sequence > entry["sequence"] or revision.modified > _parse(entry["modified"]):
            entry["sequence"] = max(entry["sequence"], revision.sequence)
            entry["modified"] = _iso(max(_parse(entry["modified"]), revision.modified))
            raised.add(key)
    if not isinstance(state.get("changes"), dict) and isinstance(backup.get("changes"), dict):
        state["changes"] = dict(backup["changes"])  # the change log, too, outlives a lost ledger
    if raised:
        problems.append(Problem(f"the ledger remembered less than was published for {len(raised)} event(s) "
                                f"({', '.join(sorted(raised)[:3])}); restored from the state folder's copy",
                                str(path), severity="warning"))  # fmt: skip
    return state


def _write(path: Path, data: bytes) -> None:
    try:
        mode = path.stat().st_mode & 0o7777  # committed with the events file: keep its permissions
    except FileNotFoundError:
        mode = 0o644
    write_atomically(path, data, mode=mode)


def _dumps(state: dict) -> str:
    """The ledger as JSON with one event per line: readable diffs where it is committed, and
    json's C encoder throughout (``indent=`` takes its pure-Python path, five times slower)."""
    sections = []
    for name in sorted(state):
        entries = [f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, sort_keys=True)}"
                   for key, value in sorted(state[name].items())]  # fmt: skip
        sections.append(f" {json.dumps(name)}: {{" + ("\n" + ",\n".join(entries) + "\n }" if entries else "}"))
    return "{\n" + ",\n".join(sections) + "\n}\n"


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> dt.datetime:
    """The ledger's UTC times; fromisoformat is C code (strptime was a third of revising 10,000 events)."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None or text[-1:] != "Z":
        raise ValueError(f"not a UTC time: {text!r}")
    return moment
