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
import re
import zoneinfo
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import EventsFileError, Problem
from ..recurrence import (
    FREQUENCIES, MAX_COUNT, WEEKDAYS, Change, Recurrence, nearest, occurs_on, rule_of, utc_until, wall_clock,
)  # fmt: skip
from ..model import (
    EVENT_TYPES, STATUSES, Calendar, Event, Location, Project, Schedule, Text, sort_key,
)  # fmt: skip
from .advice import suggest
from .locations import LOCATION_FIELDS as _LOCATION_FIELDS  # noqa: F401 - tests/test_schema.py reads it
from .locations import country_timezone, location  # noqa: F401
from .nodes import DEFAULT_DURATION, MAX_YEAR, MIN_YEAR, SLUG, URL, Entries, Reader, slugify  # noqa: F401
from .problems import INVALID, Invalid, Problems, invalid
from .projects import PROJECT_FIELDS as _PROJECT_FIELDS  # noqa: F401 - tests/test_schema.py reads it
from .projects import Places, check_places, project
from .sections import Section, keyed, reference
from .source import Parser as _Parser  # noqa: F401 - tests/test_hostile_files.py reads loader._Parser
from .source import compose, decode
from .source import value_of as _value_of

MAX_BYTES = 5_000_000
DEFAULT_TIMEZONE = "Europe/Stockholm"
MAX_TITLE = 200


_TOP_FIELDS = {"calendar": True, "projects": False, "locations": False, "events": True}
_CALENDAR_FIELDS = {"name": True, "description": False, "timezone": False, "organizer": False}
_EVENT_FIELDS = {
    "id": False, "title": True, "type": True, "project": False, "location": False,
    "start": True, "end": False, "timezone": False, "description": False, "url": False,
    "status": False,
    "repeat": False, "rrule": False, "except": False, "changes": False,
}  # fmt: skip
_SERIES_FIELDS = ("repeat", "rrule", "except", "changes")
_REPEAT_FIELDS = {"every": True, "interval": False, "on": False, "until": False, "count": False}
_CHANGE_FIELDS = {"start": False, "end": False, "location": False, "status": False}
_EVERY = {**FREQUENCIES, "dag": "DAILY", "vecka": "WEEKLY", "månad": "MONTHLY", "år": "YEARLY"}
_WEEKDAY_NAMES = {
    name: code
    for code, names in zip(WEEKDAYS, [("monday", "måndag"), ("tuesday", "tisdag"), ("wednesday", "onsdag"),
                                      ("thursday", "torsdag"), ("friday", "fredag"), ("saturday", "lördag"),
                                      ("sunday", "söndag")])
    for name in (*names, code.lower())
}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1,
             "första": 1, "andra": 2, "tredje": 3, "fjärde": 4, "sista": -1}  # fmt: skip


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
        events = self.events(top.get("events"), zone, projects, locations) if "events" in top else []
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

    def events(self, node: Any, calendar_zone: str, projects: Section[Project], locations: Section[Location]) -> list[Event]:
        events: list[Event] = []
        first_line: dict[str, int] = {}
        for item in self.sequence(node, "'events'") or []:
            event = self.event(item, calendar_zone, projects, locations)
            explicit = _value_of(item, "id")
            if event is not INVALID:
                event_id = event.id
            elif isinstance(explicit, yaml.ScalarNode):
                event_id = explicit.value.strip()  # still count it, so a duplicate is reported now
            else:
                continue
            if event_id in first_line:
                hint = "give each event its own id" if explicit is not None else (
                    "two events have the same title and date; give one of them an 'id:'")  # fmt: skip
                self.error(explicit or item, f"the id '{event_id}' is already used by the event on "
                           f"line {first_line[event_id]}", hint)  # fmt: skip
                continue
            first_line[event_id] = item.start_mark.line + 1
            if event is not INVALID:
                events.append(event)
        return events

    def event(self, node: Any, calendar_zone: str, projects: Section[Project], locations: Section[Location]) -> Event | Invalid:
        line = node.start_mark.line + 1
        what = f"the event on line {line}"
        values = self.fields(node, what, _EVENT_FIELDS)
        if values is INVALID:
            return INVALID

        title = self.text(values["title"], f"the title of {what}") if "title" in values else INVALID
        if title and max(len(text) for text in title.given().values()) > MAX_TITLE:
            self.warn(values["title"], f"the title of {what} is over {MAX_TITLE} characters",
                      "calendars cut long titles; move details to 'description'")  # fmt: skip
        kind = self.choice(values["type"], "event type", EVENT_TYPES) if "type" in values else INVALID
        project = reference(self, values.get("project"), projects)
        location = reference(self, values.get("location"), locations)
        status = self.choice(values["status"], "status", STATUSES) if "status" in values else "confirmed"
        description = self.text(values["description"], f"the description of {what}") if "description" in values else None
        url = self.url(values["url"], f"the url of {what}") if "url" in values else ""

        if "timezone" in values:
            zone_name = self.timezone(values["timezone"], f"timezone of {what}")
        elif location:
            zone_name = locations.items[location].timezone
        else:
            zone_name = calendar_zone
        start = self.when(values["start"], "start") if "start" in values else INVALID
        end = self.end(values.get("end"), start)
        if invalid(title, kind, project, location, status, zone_name, start, end):
            return INVALID
        if isinstance(start, dt.datetime):
            start = self.localize(values["start"], start, zone_name)
            end = self.localize(values.get("end", values["start"]), end, zone_name)
            if invalid(start, end):
                return INVALID

        recurrence = self.series(values, start, zone_name, locations)
        if recurrence is INVALID:
            return INVALID

        if "id" in values:
            event_id = self.slug(values["id"], "the id")
            if event_id is INVALID:
                return INVALID
        else:
            event_id = f"{(start if not isinstance(start, dt.datetime) else start.date()).isoformat()}-" + (
                slugify(title.get()) or "event")  # fmt: skip
            self.warn(node, f"{what} has no 'id'; using '{event_id}'",
                      "without an id, editing its title or date makes subscribers see a new event; "
                      "run 'calfeed add-ids' to fix them in place")  # fmt: skip
        return Event(
            id=event_id, title=title, type=kind, start=start, end=end, project=project or "",
            location=location or "", description=description or Text(), url=url or "", status=status, line=line,
            recurrence=recurrence,
        )  # fmt: skip

    # -- repeating events: 'repeat' or 'rrule', 'except', 'changes' (see calfeed/recurrence.py) ------

    def series(self, values: dict[str, Any], start: Any, zone_name: str, locations: Section[Location]) -> Recurrence | None | Invalid:
        """How the event repeats: ``None`` if it does not."""
        given = [name for name in _SERIES_FIELDS if name in values]
        if not given:
            return None
        if "repeat" in values and "rrule" in values:
            return self.error(values["rrule"], "the event has both 'repeat' and 'rrule'", "keep one of them")
        if "repeat" not in values and "rrule" not in values:
            return self.error(values[given[0]], f"'{given[0]}' only applies to a repeating event",
                              "add 'repeat:' (e.g. every: week) or 'rrule:'")  # fmt: skip
        node = values.get("repeat") or values["rrule"]
        parsed = self.repeat(node, start) if "repeat" in values else self.rrule(node, start, zone_name)
        if parsed is INVALID or not self.starts_series(node, parsed, start):
            return INVALID
        try:
            utc_until(parsed, start)  # the feed writes it in UTC
        except OverflowError:
            return self.error(node, "the series ends too close to the year 9999",
                              "leave out the end for a series without one")  # fmt: skip
        exceptions = self.exceptions(values.get("except"), parsed, start)
        changes = self.changes(values.get("changes"), parsed, start, zone_name, locations, exceptions)
        if exceptions.refused or changes is INVALID:
            return INVALID
        return replace(parsed, exceptions=tuple(sorted(exceptions)), changes=changes)

    def repeat(self, node: Any, start: Any) -> Recurrence | Invalid:
        """The staff form: every: week, interval: 2, on: [tuesday], until: 2020-06-30 or count: 6."""
        values = self.fields(node, "'repeat'", _REPEAT_FIELDS)
        if values is INVALID:
            return INVALID
        freq = self.choice(values["every"], "period in 'every'", _EVERY) if "every" in values else INVALID
        frequency = _EVERY.get(freq or "", "")
        interval = self.whole(values.get("interval"), "'interval'", 1000)
        days = self.weekdays(values.get("on"), frequency)
        until = self.date(values["until"], "'until'") if "until" in values else None
        count = self.whole(values.get("count"), "'count'", MAX_COUNT)
        conflict = True
        if "until" in values and "count" in values:
            self.error(values["count"], "the series has both 'until' and 'count'",
                       "keep one: 'until' is the last day, 'count' the number of times")  # fmt: skip
        elif isinstance(until, dt.date) and until < wall_clock(start).date():
            self.error(values["until"], f"the series ends (until {until}) before it starts ({wall_clock(start).date()})",
                       "'until' is the last day the event may repeat on")  # fmt: skip
        else:
            conflict = False
        if conflict or invalid(freq, interval, days, until, count):
            return INVALID
        parts = [f"FREQ={frequency}"] + [f"INTERVAL={interval}"] * (interval is not None and interval > 1)
        parts += [f"BYDAY={','.join(days)}"] * bool(days) + [f"COUNT={count}"] * (count is not None)
        return Recurrence(";".join(parts), until)

    def whole(self, node: Any, what: str, maximum: int) -> int | None | Invalid:
        if node is None:
            return None
        value = self.string(node, what)
        if value is INVALID:
            return INVALID
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= maximum):
            return self.error(node, f"{what} '{value}' is not a whole number from 1 to {maximum}")
        return int(value)

    def weekdays(self, node: Any, frequency: str) -> tuple[str, ...] | Invalid:
        """'on: [tuesday, thursday]' -> ('TU', 'TH'); 'on: first monday' -> ('1MO',) for a monthly series."""
        if node is None:
            return ()
        if isinstance(node, yaml.SequenceNode):
            listed = self.sequence(node, "'on'")
            items = [(item, self.string(item, "a day in 'on'")) for item in listed or []]
            refused = listed is INVALID or invalid(*(text for _, text in items))
        else:
            text = self.string(node, "'on'")
            items = [(node, word) for word in (text or "").split(",")]
            refused = text is INVALID
        days = []
        for item, text in items:
            words = (text or "").strip().lower().split()
            if not words:
                continue
            code = _WEEKDAY_NAMES.get(words[-1])
            ordinal = _ORDINALS.get(words[0]) if len(words) == 2 else 0
            if code is None or ordinal is None or len(words) > 2:
                hint = suggest(words[-1], _WEEKDAY_NAMES) or "use a weekday: monday … sunday (or måndag … söndag)"
                self.error(item, f"unknown weekday '{text}'", hint)
                refused = True
            elif ordinal and frequency not in ("MONTHLY", "YEARLY"):
                self.error(item, f"'{text}' only applies to a series repeating every month or year",
                           f"write just '{words[-1]}'")  # fmt: skip
                refused = True
            else:
                days.append(f"{ordinal or ''}{code}")
        return INVALID if refused else tuple(days)

    def rrule(self, node: Any, start: Any, zone_name: str) -> Recurrence | Invalid:
        """The expert form: an RFC 5545 RRULE value such as FREQ=MONTHLY;BYDAY=1MO."""
        text = self.string(node, "'rrule'")
        if text is INVALID:
            return INVALID
        parts: dict[str, str] = {}
        for part in text.upper().removeprefix("RRULE:").split(";"):
            name, equals, value = (s.strip() for s in part.partition("="))
            if not (name and equals and value) or name in parts:
                return self.error(node, f"the rrule '{text}' is malformed: '{part}' is not one NAME=VALUE",
                                  "write it as FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")  # fmt: skip
            parts[name] = value
        problem = _rule_problem(parts)
        until = self.rrule_until(node, text, parts.pop("UNTIL"), start, zone_name) if "UNTIL" in parts else None
        rule = ";".join(f"{k}={v}" for k, v in sorted(parts.items(), key=lambda kv: kv[0] != "FREQ"))
        if not problem:
            try:
                rule_of(Recurrence(rule), start)
            except (ValueError, TypeError) as exc:
                problem = str(exc)
        if problem:
            return self.error(node, f"the rrule '{text}' is malformed: {problem}",
                              "see RFC 5545 section 3.3.10, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")  # fmt: skip
        if until is INVALID:
            return INVALID
        if until is not None and until < (wall_clock(start) if isinstance(until, dt.datetime) else
                                          wall_clock(start).date()):  # fmt: skip
            return self.error(node, f"the series ends (UNTIL {until}) before it starts ({wall_clock(start)})")
        return Recurrence(rule, until)

    def rrule_until(self, node: Any, text: str, value: str, start: Any, zone_name: str) -> dt.date | Invalid:
        """UNTIL as the local clock sees it: a date, or a naive local datetime."""
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?", value)
        try:
            numbers = [int(g) for g in match.groups()[:6] if g is not None] if match else []
            moment = dt.datetime(*numbers) if len(numbers) == 6 else dt.date(*numbers)
        except (TypeError, ValueError):
            return self.error(node, f"the rrule '{text}' is malformed: UNTIL={value} is not a date or time",
                              "write UNTIL=20200630 for the last day")  # fmt: skip
        if isinstance(moment, dt.datetime) and match and match.group(7):
            try:
                moment = moment.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)
            except OverflowError:
                return self.error(node, f"the rrule '{text}' is malformed: UNTIL={value} is past the year 9999 in "
                                  f"{zone_name}", "leave UNTIL out for a series without an end")  # fmt: skip
        if isinstance(moment, dt.datetime) and not isinstance(start, dt.datetime):
            return moment.date()  # an all-day series ends on a day
        return moment

    def starts_series(self, node: Any, recurrence: Recurrence, start: Any) -> bool:
        """RFC 5545 leaves a series whose start is not one of its own occurrences undefined: refuse it."""
        first = next(iter(rule_of(recurrence, start)), None)
        if first == wall_clock(start):
            return True
        day = wall_clock(start).date()
        hint = (f"start it on its first day, {first:%A %Y-%m-%d}, or change the days it repeats on" if first
                else "check the rule")  # fmt: skip
        self.error(node, f"the series starts on {day:%A %Y-%m-%d}, which is not one of the days it repeats on", hint)
        return False

    def not_an_occurrence(self, node: Any, where: str, recurrence: Recurrence, start: Any, day: dt.date) -> None:
        around = nearest(recurrence, start, day)
        hint = f"the nearest dates of the series are {' and '.join(map(str, around))}" if around else ""
        self.error(node, f"{day} ({day:%A}) in {where} is not a date of this series", hint)

    def exceptions(self, node: Any, recurrence: Recurrence, start: Any) -> Entries[dt.date, Any]:
        """The days skipped, each one of the series' own; refused ones are reported and left out."""
        days: Entries[dt.date, Any] = Entries()
        if node is None:
            return days
        items = self.sequence(node, "'except'") if isinstance(node, yaml.SequenceNode) else [node]
        days.refused = items is INVALID
        for item in items or []:
            day = self.date(item, "a date in 'except'")
            if day is INVALID:
                days.refused = True
            elif not occurs_on(recurrence, start, day):
                self.not_an_occurrence(item, "'except'", recurrence, start, day)
                days.refused = True
            else:
                days.setdefault(day, item)
        return days

    def changes(self, node: Any, recurrence: Recurrence, start: Any, zone_name: str, locations: Section[Location],
                exceptions: Entries[dt.date, Any]) -> tuple[Change, ...] | Invalid:  # fmt: skip
        """The changed occurrences, or ``INVALID`` when any change is refused."""
        if node is None:
            return ()
        entries = self.mapping(node, "'changes'")
        if entries is INVALID:
            return INVALID
        refused = entries.refused
        found = []
        for key, value in entries.values():
            day = self.date(key, "a date in 'changes'")
            if day is INVALID:
                refused = True
            elif not occurs_on(recurrence, start, day):
                self.not_an_occurrence(key, "'changes'", recurrence, start, day)
                refused = True
            elif day in exceptions:
                self.error(key, f"{day} is both skipped in 'except' and changed in 'changes'", "keep one of them")
                refused = True
            else:
                change = self.change(value, day, start, zone_name, locations)
                if change is INVALID:
                    refused = True
                else:
                    found.append(change)
        return INVALID if refused else tuple(sorted(found, key=lambda c: c.date))

    def change(self, node: Any, day: dt.date, start: Any, zone_name: str, locations: Section[Location]) -> Change | Invalid:
        """One occurrence's new start and/or end (in the series' zone), location or status."""
        what = f"the change on {day}"
        values = self.fields(node, what, _CHANGE_FIELDS)
        if values is INVALID:
            return INVALID
        if not values:
            return self.error(node, f"{what} changes nothing", "give a new start, end, location or 'status: cancelled'")
        timed = isinstance(start, dt.datetime)
        original = dt.datetime.combine(day, wall_clock(start).time()) if timed else day
        new_start = self.when(values["start"], "start", day) if "start" in values else None
        if isinstance(new_start, dt.date) and isinstance(new_start, dt.datetime) != timed:
            new_start = self.error(values["start"], f"the new start of {what} must be " + (
                "a date and a time, like the series'" if timed else "a date, like the series'"))  # fmt: skip
        new_end = self.end(values["end"], new_start or original) if "end" in values else None
        # a location refused where it is declared is reported there; the change stands without it
        location = reference(self, values.get("location"), locations, broken=None)
        status = self.choice(values["status"], "status", STATUSES) if "status" in values else None
        if timed and isinstance(new_start, dt.datetime):
            new_start = self.localize(values["start"], new_start, zone_name)
        if timed and isinstance(new_end, dt.datetime):
            new_end = self.localize(values["end"], new_end, zone_name)
        if values.refused or invalid(new_start, new_end, location, status):
            return INVALID
        return Change(day, new_start, new_end, location or None, status)



def _rule_problem(parts: dict[str, str]) -> str:
    """What is wrong with an rrule that dateutil would accept or misread, or ''."""
    if "FREQ" not in parts:
        return "it has no FREQ"
    if parts["FREQ"] in ("HOURLY", "MINUTELY", "SECONDLY") or {"BYHOUR", "BYMINUTE", "BYSECOND"} & set(parts):
        # changes and exceptions are keyed by date, so a series has at most one occurrence a day
        return "a series repeats at most once a day; its time of day comes from 'start'"
    if {"UNTIL", "COUNT"} <= set(parts):
        return "it has both UNTIL and COUNT"
    if not parts.get("COUNT", "0").isascii():  # "²" is a digit to isdigit, not to int
        return "COUNT is not a whole number"
    if parts.get("COUNT", "").isdigit() and int(parts["COUNT"]) > MAX_COUNT:
        return f"COUNT is over {MAX_COUNT}"
    return ""
