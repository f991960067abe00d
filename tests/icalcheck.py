"""Reading feeds back with parsers we did not write: PyPI ``ical`` (strict) and ``vobject``."""

from __future__ import annotations

import datetime as dt

import vobject
from ical.calendar_stream import IcsCalendarStream


def strict_events(body: bytes) -> list:
    """The events as the strict ``ical`` package reads them (raises on invalid iCalendar)."""
    return list(IcsCalendarStream.calendar_from_ics(body.decode("utf-8")).events)


def vobject_events(body: bytes) -> list:
    return list(vobject.readOne(body.decode("utf-8")).vevent_list)


def local(value: dt.date | dt.datetime, zone: dt.tzinfo) -> dt.date | dt.datetime:
    return value.astimezone(zone) if isinstance(value, dt.datetime) else value
