"""The events file as a whole: ``check`` and ``load``, and its top-level keys.

Layer: loader. Imports ``errors``, ``model`` and the loader's other modules; no Flask.

'calendar:' gives the zone every other section falls back to; 'projects:' and 'locations:' are
read before 'events:', which refer to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EventsFileError, Problem
from ..model import Calendar, Schedule, Text, sort_key
from .advice import advise
from .events import events
from .locations import location
from .nodes import Reader
from .problems import INVALID, Invalid, Problems
from .projects import Places, check_places, project
from .sections import keyed
from .source import compose, decode

MAX_BYTES = 5_000_000
DEFAULT_TIMEZONE = "Europe/Stockholm"
TOP_FIELDS = {"calendar": True, "projects": False, "locations": False, "events": True}
CALENDAR_FIELDS = {"name": True, "description": False, "timezone": False, "organizer": False}


@dataclass(frozen=True)
class Result:
    """What checking a file found: the schedule (``None`` if there were errors) and all problems."""

    schedule: Schedule | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


def load(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Schedule:
    """The schedule in ``path``; raises ``EventsFileError`` listing every error."""
    result = check_file(path, max_bytes=max_bytes)
    if result.schedule is None:
        raise EventsFileError(result.errors)
    return result.schedule


def check_file(path: str | Path, *, max_bytes: int = MAX_BYTES, today: dt.date | None = None) -> Result:
    name = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        return Result(None, (Problem(f"cannot read the events file: {exc.strerror or exc}", name),))
    return check(data, name, max_bytes=max_bytes, today=today)


def check(
    data: bytes | str, filename: str = "events.yaml", *, max_bytes: int = MAX_BYTES, today: dt.date | None = None
) -> Result:
    """Validate the text of an events file. Never raises for anything the file contains.

    ``today`` (passed in, never read from the clock here) enables the warnings that depend
    on it, such as a past event still marked tentative."""
    problems = Problems(filename)
    text = decode(data, max_bytes, problems)
    schedule: Schedule | Invalid = INVALID
    if text is not INVALID:
        root = compose(text, problems)
        if root is not INVALID:
            schedule = _schedule(Reader(problems), root)
            if schedule is not INVALID and not problems.has_errors:
                advise(problems, root, schedule, today)
    usable = schedule if schedule is not INVALID and not problems.has_errors else None
    return Result(usable, problems.in_order())


def _schedule(r: Reader, root: Any) -> Schedule | Invalid:
    top = r.fields(root, "the file", TOP_FIELDS)
    if top is INVALID:
        return INVALID
    calendar = _calendar(r, top["calendar"]) if "calendar" in top else INVALID
    zone = calendar.timezone if calendar is not INVALID else DEFAULT_TIMEZONE
    places: Places = []
    projects = keyed(r, top.get("projects"), "projects", "project", lambda slug, n: project(r, slug, n, places))
    locations = keyed(r, top.get("locations"), "locations", "location", lambda slug, n: location(r, slug, n, zone))
    check_places(r, places, locations.items)
    found = events(r, top.get("events"), zone, projects, locations) if "events" in top else []
    if calendar is INVALID:
        return INVALID
    return Schedule(calendar, projects.items, locations.items, tuple(sorted(found, key=sort_key)))


def _calendar(r: Reader, node: Any) -> Calendar | Invalid:
    values = r.fields(node, "calendar", CALENDAR_FIELDS)
    if values is INVALID:
        return INVALID
    name = r.text(values["name"], "the calendar name") if "name" in values else INVALID
    zone = r.timezone(values["timezone"], "calendar timezone") if "timezone" in values else None
    description = r.text(values["description"], "the calendar description") if "description" in values else None
    organizer = r.string(values["organizer"], "the organizer") if "organizer" in values else None
    if name is INVALID:
        return INVALID
    return Calendar(name, description or Text(), zone or DEFAULT_TIMEZONE, organizer or "")
