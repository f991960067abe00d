"""A checked schedule as JSON and back, so a restart need not parse and check the YAML again.

Layer: loader (pure values in and out; it reads only its own package source, for ``CODE``).
The state folder keeps one of these beside each accepted version
(``versions/<sha256>.schedule.json``); ``store`` reads it back when the events file is the one
accepted last, unchanged since.

Only the model's own classes can come out of it (a fixed table, never a name looked up
anywhere else), so the file is data, not code — unlike pickle, a tampered file can at most give
wrong values or a ``ValueError``. The round trip is exact: equal values, the same repr (the
ledger hashes it), tuples as tuples, each datetime in its own zone. ``CODE`` ties a file to the
code that wrote it: after an upgrade the YAML is checked again, as the new loader would. The
warnings kept are those of the day the version was accepted (``calfeed check`` gives today's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import Problem
from .model import (
    Calendar,
    Change,
    Contact,
    Event,
    Location,
    Municipality,
    Partner,
    Project,
    Recurrence,
    Schedule,
    Text,
)

FORMAT = 1
_CLASSES = {cls.__name__: cls for cls in (Calendar, Change, Contact, Event, Location, Municipality, Partner, Project,
                                          Recurrence, Schedule, Text, Problem)}  # fmt: skip
# Per class: (field name, its default or _NONE); a field at its default is left out of the file.
_NONE = object()
_FIELDS = {name: [(f.name, _NONE if f.default is dataclasses.MISSING else f.default)
                  for f in dataclasses.fields(cls) if f.init] for name, cls in _CLASSES.items()}  # fmt: skip


def _code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


CODE = _code_hash()  # the package's source: a schedule written by other code is not trusted


def dumps(schedule: Schedule, problems: tuple[Problem, ...]) -> bytes:
    body = {"format": FORMAT, "code": CODE, "schedule": _encode(schedule), "problems": _encode(problems)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes) -> tuple[Schedule, tuple[Problem, ...]]:
    """The schedule and problems ``dumps`` wrote; ``ValueError`` for anything else."""
    try:
        body = json.loads(data)
        if body.get("format") != FORMAT or body.get("code") != CODE:
            raise ValueError("written by another version of calfeed")
        schedule, problems = _decode(body["schedule"]), _decode(body["problems"])
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError, zoneinfo.ZoneInfoNotFoundError) as exc:
        raise ValueError(f"not a schedule file: {exc}") from None
    if not isinstance(schedule, Schedule) or not isinstance(problems, tuple):
        raise ValueError("not a schedule file")
    return schedule, problems


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        zone = value.tzinfo
        key = getattr(zone, "key", None)
        if zone is not None and (key is None or not isinstance(zone, zoneinfo.ZoneInfo)):
            raise ValueError(f"a time in a zone that is not from the tz database: {value!r}")
        return {"$dt": value.replace(tzinfo=None).isoformat(), "tz": key, "fold": value.fold}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$f": sorted(_encode(v) for v in value)}
    if isinstance(value, Mapping):
        return {"$m": [[key, _encode(v)] for key, v in value.items()]}
    name = type(value).__name__
    if _CLASSES.get(name) is not type(value):
        raise ValueError(f"cannot keep a {name} in a schedule file")
    encoded = {"$": name}
    for field, default in _FIELDS[name]:
        item = getattr(value, field)
        if item is not default and (default is _NONE or item != default):
            encoded[field] = _encode(item)
    return encoded


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise ValueError("a list where a value was expected")
        return value
    if "$" in value:
        name = value["$"]
        return _CLASSES[name](**{key: _decode(item) for key, item in value.items() if key != "$"})
    if "$dt" in value:
        moment = dt.datetime.fromisoformat(value["$dt"])
        zone = zoneinfo.ZoneInfo(value["tz"]) if value["tz"] is not None else None
        return moment.replace(tzinfo=zone, fold=value["fold"])
    if "$d" in value:
        return dt.date.fromisoformat(value["$d"])
    if "$t" in value:
        return tuple(_decode(v) for v in value["$t"])
    if "$f" in value:
        return frozenset(_decode(v) for v in value["$f"])
    if "$m" in value:
        return {key: _decode(v) for key, v in value["$m"]}
    raise ValueError("an object of no known kind")
