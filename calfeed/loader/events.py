"""'events:' — each event's fields, its time zone, start and end, and its id.

Layer: loader. Imports ``model`` and the loader's ``nodes``, ``sections``, ``series``, ``source`` and
``problems``; no Flask.

An event's zone is its own 'timezone:', else its location's, else the calendar's. An event without
an 'id:' gets one from its date and title, with a warning: editing either makes it a new event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from ..model import EVENT_TYPES, STATUSES, Event, Location, Project, Text
from .nodes import Reader, slugify
from .problems import INVALID, Invalid
from .sections import Section, reference
from .series import series
from .source import value_of

MAX_TITLE = 200
EVENT_FIELDS = {
    "id": False, "title": True, "type": True, "project": False, "location": False,
    "start": True, "end": False, "timezone": False, "description": False, "url": False,
    "status": False,
    "repeat": False, "rrule": False, "except": False, "changes": False,
}  # fmt: skip


def events(r: Reader, node: Any, calendar_zone: str, projects: Section[Project],
           locations: Section[Location]) -> list[Event]:  # fmt: skip
    """The events of the list ``node``; each id used once (a second use is reported, the event left out)."""
    events: list[Event] = []
    first_line: dict[str, int] = {}
    for item in r.sequence(node, "'events'") or []:
        event = _event(r, item, calendar_zone, projects, locations)
        explicit = value_of(item, "id")
        if event is not INVALID:
            event_id = event.id
        elif isinstance(explicit, yaml.ScalarNode):
            event_id = explicit.value.strip()  # still count it, so a duplicate is reported now
        else:
            continue
        if event_id in first_line:
            hint = "give each event its own id" if explicit is not None else (
                "two events have the same title and date; give one of them an 'id:'")  # fmt: skip
            r.error(explicit or item, f"the id '{event_id}' is already used by the event on "
                    f"line {first_line[event_id]}", hint)  # fmt: skip
            continue
        first_line[event_id] = item.start_mark.line + 1
        if event is not INVALID:
            events.append(event)
    return events


def _event(r: Reader, node: Any, calendar_zone: str, projects: Section[Project],
           locations: Section[Location]) -> Event | Invalid:  # fmt: skip
    line = node.start_mark.line + 1
    what = f"the event on line {line}"
    values = r.fields(node, what, EVENT_FIELDS)
    if values is INVALID:
        return INVALID

    title = r.text(values["title"], f"the title of {what}") if "title" in values else INVALID
    if title and max(len(text) for text in title.given().values()) > MAX_TITLE:
        r.warn(values["title"], f"the title of {what} is over {MAX_TITLE} characters",
               "calendars cut long titles; move details to 'description'")  # fmt: skip
    kind = r.choice(values["type"], "event type", EVENT_TYPES) if "type" in values else INVALID
    project = reference(r, values.get("project"), projects)
    location = reference(r, values.get("location"), locations)
    status = r.choice(values["status"], "status", STATUSES) if "status" in values else "confirmed"
    description = r.text(values["description"], f"the description of {what}") if "description" in values else None
    url = r.url(values["url"], f"the url of {what}") if "url" in values else ""

    if "timezone" in values:
        zone_name = r.timezone(values["timezone"], f"timezone of {what}")
    elif location:
        zone_name = locations.items[location].timezone
    else:
        zone_name = calendar_zone
    start = r.when(values["start"], "start") if "start" in values else INVALID
    end = r.end(values.get("end"), start)
    if (
        title is INVALID
        or kind is INVALID
        or project is INVALID
        or location is INVALID
        or status is INVALID
        or zone_name is INVALID
        or start is INVALID
        or end is INVALID
    ):
        return INVALID
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):  # end() times the end of a timed start
        start = r.localize(values["start"], start, zone_name)
        end = r.localize(values.get("end", values["start"]), end, zone_name)
        if start is INVALID or end is INVALID:
            return INVALID

    recurrence = series(r, values, start, zone_name, locations)
    if recurrence is INVALID:
        return INVALID

    if "id" in values:
        event_id = r.slug(values["id"], "the id")
        if event_id is INVALID:
            return INVALID
    else:
        event_id = f"{(start if not isinstance(start, dt.datetime) else start.date()).isoformat()}-" + (
            slugify(title.get()) or "event")  # fmt: skip
        r.warn(node, f"{what} has no 'id'; using '{event_id}'",
               "without an id, editing its title or date makes subscribers see a new event; "
               "run 'calfeed add-ids' to fix them in place")  # fmt: skip
    return Event(
        id=event_id, title=title, type=kind, start=start, end=end, project=project or "",
        location=location or "", description=description or Text(), url=url or "", status=status, line=line,
        recurrence=recurrence,
    )  # fmt: skip
