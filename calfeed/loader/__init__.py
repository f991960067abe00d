"""Read an events file into a validated ``Schedule``, or report every problem in it.

Layer: loader. Imports ``errors`` and ``model``; no Flask.

Where a YAML error is raised: here. The file is *composed* (PyYAML's libyaml
parser builds a node tree with line and column for every value) but never
*constructed*: no YAML type guessing, no tags that build objects. Every scalar
stays the string the person typed, and this module decides what it means from
where it stands. So ``country: NO`` is Norway, ``start: 09:00`` is nine o'clock,
``title: yes`` is the word yes and ``id: 1e3`` is the text "1e3" — none of the
YAML 1.1 surprises a plain ``yaml.safe_load`` would produce.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EventsFileError, Problem
from ..model import (
    Calendar, Schedule, Text, sort_key,
)  # fmt: skip
from .events import EVENT_FIELDS as _EVENT_FIELDS  # noqa: F401 - tests/test_schema.py reads it
from .events import MAX_TITLE  # noqa: F401
from .events import events as read_events
from .locations import LOCATION_FIELDS as _LOCATION_FIELDS  # noqa: F401 - tests/test_schema.py reads it
from .locations import country_timezone, location  # noqa: F401
from .nodes import DEFAULT_DURATION, MAX_YEAR, MIN_YEAR, SLUG, URL, Entries, Reader, slugify  # noqa: F401
from .problems import INVALID, Invalid, Problems
from .projects import PROJECT_FIELDS as _PROJECT_FIELDS  # noqa: F401 - tests/test_schema.py reads it
from .projects import Places, check_places, project
from .sections import keyed
from .source import Parser as _Parser  # noqa: F401 - tests/test_hostile_files.py reads loader._Parser
from .source import compose, decode
from .source import value_of as _value_of

MAX_BYTES = 5_000_000
DEFAULT_TIMEZONE = "Europe/Stockholm"


_TOP_FIELDS = {"calendar": True, "projects": False, "locations": False, "events": True}
_CALENDAR_FIELDS = {"name": True, "description": False, "timezone": False, "organizer": False}

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
            schedule = _Reader(problems).schedule(root)
            if schedule is not INVALID and not problems.has_errors:
                _advise(problems, root, schedule, today)
    usable = schedule if schedule is not INVALID and not problems.has_errors else None
    return Result(usable, problems.in_order())


def _advise(reader: Problems, root: Any, schedule: Schedule, today: dt.date | None) -> None:
    """Warnings about a valid schedule that is probably not what was meant."""
    items = _value_of(root, "events")
    by_line = {item.start_mark.line + 1: item for item in getattr(items, "value", [])}
    seen: set[int] = set()
    for event in schedule.events:
        node = by_line.get(event.line)
        if node is None or event.line in seen:
            continue
        seen.add(event.line)  # a repeating event warns once, not once per occurrence
        what = f"the event on line {event.line}"
        first, last = _day(event.start), _day(event.end)
        project = schedule.projects.get(event.project)
        if project and ((project.start and first < project.start) or (project.end and last > project.end)):
            period = f"{project.start or '…'} – {project.end or '…'}"
            reader.warn(_value_of(node, "start") or node, f"{what} is outside the period of project "
                        f"'{project.slug}' ({period})", "check the date, or the project's start and end")  # fmt: skip
        if today is not None and event.status == "tentative" and last < today:
            reader.warn(_value_of(node, "status") or node, f"{what} ended on {last} but is still 'tentative'",
                        "write 'status: confirmed' if it took place, 'status: cancelled' if not")  # fmt: skip


def _day(value: dt.date | dt.datetime) -> dt.date:
    """The local calendar day of a date or an aware datetime (already in the event's zone)."""
    return value.date() if isinstance(value, dt.datetime) else value


class _Reader(Reader):
    """Walks the composed YAML tree, building model values and collecting problems."""

    # -- the schedule ---------------------------------------------------------------

    def schedule(self, root: Any) -> Schedule | Invalid:
        top = self.fields(root, "the file", _TOP_FIELDS)
        if top is INVALID:
            return INVALID
        calendar = self.calendar(top["calendar"]) if "calendar" in top else INVALID
        zone = calendar.timezone if calendar is not INVALID else DEFAULT_TIMEZONE
        places: Places = []
        projects = keyed(self, top.get("projects"), "projects", "project", lambda s, n: project(self, s, n, places))
        locations = keyed(self, top.get("locations"), "locations", "location", lambda s, n: location(self, s, n, zone))
        check_places(self, places, locations.items)
        events = read_events(self, top.get("events"), zone, projects, locations) if "events" in top else []
        if calendar is INVALID:
            return INVALID
        return Schedule(calendar, projects.items, locations.items, tuple(sorted(events, key=sort_key)))

    def calendar(self, node: Any) -> Calendar | Invalid:
        values = self.fields(node, "calendar", _CALENDAR_FIELDS)
        if values is INVALID:
            return INVALID
        name = self.text(values["name"], "the calendar name") if "name" in values else INVALID
        zone = self.timezone(values["timezone"], "calendar timezone") if "timezone" in values else None
        description = self.text(values["description"], "the calendar description") if "description" in values else None
        organizer = self.string(values["organizer"], "the organizer") if "organizer" in values else None
        if name is INVALID:
            return INVALID
        return Calendar(name, description or Text(), zone or DEFAULT_TIMEZONE, organizer or "")
