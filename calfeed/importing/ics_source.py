"""An iCalendar file (an Outlook, Google or Apple export, a partner's feed) as ``Incoming`` events.

Read with the ``icalendar`` library, which also turns each TZID into the zone its VTIMEZONE
defines (Outlook's "W. Europe Standard Time" included). What this module keeps: the instants,
texts, place, status and repetition of each VEVENT. What it leaves out on purpose, and reports:
private appointments (CLASS:PRIVATE/CONFIDENTIAL: a partner's personal calendar is not for a public
site), attendees, alarms and the vendor's own X- properties.

Layer: loader (like the rest of ``calfeed.importing``; icalendar reads the file).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from . import SourceError
from .incoming import Incoming, Moment, Series

MAX_EVENTS = 10_000
STATUSES = {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled"}
# What the components of an event carry that the events file has a place for; the rest is reported.
KEPT = {"UID", "SUMMARY", "DTSTART", "DTEND", "DURATION", "LOCATION", "DESCRIPTION", "URL", "STATUS",
        "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "CATEGORIES", "CLASS",
        "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "TRANSP", "PRIORITY",
        "X-MICROSOFT-CDO-ALLDAYEVENT", "X-ALT-DESC"}  # fmt: skip
# A cancelled meeting's title as Outlook and others write it; the feed adds its own "INSTÄLLT: ".
_CANCELLED_TITLE = re.compile(r"^(?:canceled|cancelled|inställt|inställd|abgesagt|aflyst|avlyst)\s*:\s*", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Parsed:
    events: list[Incoming]
    skipped: list[str]  # a line each: what was left out and why
    dropped: Counter[str]  # properties and components not carried over, by name


def read_ics(data: bytes, name: str) -> Parsed:
    """The events of the iCalendar text ``data``; a ``SourceError`` if it is not one."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise SourceError(f"{name} is not an iCalendar file: it should begin with BEGIN:VCALENDAR "
                          "(in Outlook: File > Save Calendar, or the calendar's .ics address)")  # fmt: skip
    if data.upper().count(b"BEGIN:VEVENT") > MAX_EVENTS:
        raise SourceError(f"{name} has more than {MAX_EVENTS:,} events; import a shorter period")
    try:
        calendar = icalendar.Calendar.from_ical(data)
        return _events(calendar, name)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - the parser's errors on hostile input are many and undocumented
        raise SourceError(f"{name} is not a valid iCalendar file: {exc.__class__.__name__}: {str(exc)[:200]}") from None


def _events(calendar: icalendar.Calendar, name: str) -> Parsed:
    default_zone = _zone_name(str(calendar.get("X-WR-TIMEZONE", "")))
    skipped: list[str] = []
    dropped: Counter[str] = Counter()
    masters: dict[str, Incoming] = {}
    overrides: dict[str, list[Incoming]] = {}
    order: list[str] = []
    for number, component in enumerate(calendar.walk("VEVENT"), 1):
        title = _text(component.get("SUMMARY")) or "(utan titel)"
        origin = f"{name}: event {number} '{title[:60]}'"
        if str(component.get("CLASS", "PUBLIC")).upper() in ("PRIVATE", "CONFIDENTIAL"):
            skipped.append(f"{origin}: a private appointment (CLASS:{str(component['CLASS']).upper()}), not imported")
            continue
        for key in component:
            if key.upper() not in KEPT:
                dropped[key.upper()] += 1
        for sub in component.subcomponents:
            assert sub.name is not None  # the parser names each component it reads by its BEGIN line
            dropped[sub.name] += 1
        event = _event(component, origin, title, default_zone)
        if isinstance(event, str):
            skipped.append(f"{origin}: {event}")
            continue
        if event.recurrence_id is not None:
            overrides.setdefault(event.key, []).append(event)
        elif event.key in masters:
            skipped.append(f"{origin}: the UID {event.key} is used twice; only the first is imported")
        else:
            masters[event.key] = event
            order.append(event.key)
    events: list[Incoming] = []
    for key in order:
        event = masters[key]
        moved = tuple(overrides.pop(key, ()))
        if event.series is not None:
            event = replace(event, series=replace(event.series, overrides=moved))
        elif moved:
            events.extend(replace(m, key=f"{key}/{_stamp(m.recurrence_id)}", recurrence_id=None) for m in moved)
        events.append(event)
    for key, orphans in overrides.items():  # occurrences of a series the file does not hold: single events
        events.extend(replace(m, key=f"{key}/{_stamp(m.recurrence_id)}", recurrence_id=None) for m in orphans)
    return Parsed(events, skipped, dropped)


def _event(component: icalendar.Component, origin: str, title: str, default_zone: str) -> Incoming | str:
    """The event, or why it cannot be imported."""
    if "DTSTART" not in component:
        return "it has no DTSTART (no date), not imported"
    start, zone = _moment(component["DTSTART"], default_zone)
    end: Moment | None = None
    if "DTEND" in component:
        end, _ = _moment(component["DTEND"], default_zone)
    elif "DURATION" in component:
        end = start + _value(component["DURATION"])  # a DURATION that is a date instead: TypeError, an invalid file
    elif isinstance(start, dt.datetime):
        end = start  # RFC 5545 3.6.1: a timed event without DTEND or DURATION takes no time
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and _outlook_all_day(component, start, end):
        start, end = start.date(), end.date()
    if isinstance(start, dt.datetime) != isinstance(end, dt.datetime) and end is not None:
        return "its DTSTART and DTEND are not both dates or both times, not imported"
    if not isinstance(start, dt.datetime):
        end = max(end - dt.timedelta(days=1), start) if end is not None else start  # DTEND is the day after
    elif end is not None and end < start:
        return f"it ends ({end}) before it starts ({start}), not imported"
    status = STATUSES.get(str(component.get("STATUS", "CONFIRMED")).upper(), "confirmed")
    if status == "cancelled":
        title = _CANCELLED_TITLE.sub("", title) or title
    uid = _text(component.get("UID")) or f"{start}/{title}"
    recurrence_id = None
    if "RECURRENCE-ID" in component:
        recurrence_id, _ = _moment(component["RECURRENCE-ID"], default_zone)
        if str(component["RECURRENCE-ID"].params.get("RANGE", "")).upper() == "THISANDFUTURE":
            return "it changes this and all later occurrences (RANGE=THISANDFUTURE), which cannot be imported"
    return Incoming(
        key=uid, origin=origin, title=title, start=start, end=end if end != start or not _is_date(start) else None,
        place=_text(component.get("LOCATION")), type=_category(component),
        description=_text(component.get("DESCRIPTION")),
        url=_text(component.get("URL")), status=status, zone=zone, recurrence_id=recurrence_id,
        series=_series(component, default_zone),
    )  # fmt: skip


def _is_date(value: Moment) -> bool:
    return not isinstance(value, dt.datetime)


def _series(component: icalendar.Component, default_zone: str) -> Series | None:
    rules = component.get("RRULE")
    rdates = _many(component, "RDATE", default_zone)
    if rules is None and not rdates:
        return None
    unsupported = ""
    if isinstance(rules, list):
        unsupported, rules = "it has more than one RRULE", rules[0]
    parts: dict[str, str] = {}
    until: Moment | None = None
    if rules is not None:
        for key, values in rules.items():
            if key.upper() == "UNTIL":
                until = values[0]
                if isinstance(until, dt.datetime) and until.tzinfo is None and default_zone:
                    until = until.replace(tzinfo=zoneinfo.ZoneInfo(default_zone))
        for part in rules.to_ical().decode("ascii", "replace").split(";"):
            key, _, value = part.partition("=")
            if key.upper() != "UNTIL" and value:
                parts[key.upper()] = value.upper()
    if rdates:
        unsupported = unsupported or "it has extra dates (RDATE)"
    return Series(parts, until, tuple(rdates), tuple(_many(component, "EXDATE", default_zone)), (), unsupported)


def _many(component: icalendar.Component, name: str, default_zone: str) -> list[Moment]:
    found = component.get(name)
    if found is None:
        return []
    values = []
    for prop in found if isinstance(found, list) else [found]:
        for item in prop.dts:
            moment = item.dt
            if isinstance(moment, dt.datetime) and moment.tzinfo is None and default_zone:
                moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(default_zone))
            if isinstance(moment, (dt.date, dt.datetime)):
                values.append(moment)
    return values


def _value(prop: Any) -> Any:
    """What icalendar read a date, time or duration property as.

    ``Any``, because the file decides: the property can be any of icalendar's value types (VALUE=TEXT, or one it
    could not parse), or a list of them when the file repeats it. Only the date, time and duration types carry
    ``dt``; the others raise here, and read_ics reports the file as invalid with their message.
    """
    return prop.dt


def _moment(prop: Any, default_zone: str) -> tuple[Moment, str]:
    """A date, or a datetime with the zone name it is anchored in ('' when the zone has no IANA name)."""
    value = _value(prop)
    if not isinstance(value, (dt.date, dt.datetime)):
        raise ValueError(f"{value!r} is not a date or time")
    if not isinstance(value, dt.datetime):
        return value, ""
    if value.tzinfo is None:
        if not default_zone:
            return value, ""  # floating: the local time of wherever it happens
        return value.replace(tzinfo=zoneinfo.ZoneInfo(default_zone)), default_zone
    tzid = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""
    if value.utcoffset() == dt.timedelta(0) and not tzid:
        return value, "UTC"
    return value, _zone_name(tzid) or _zone_name(getattr(value.tzinfo, "key", "") or "")


@cache
def _zone_name(tzid: str) -> str:
    """The IANA name for a TZID: itself, or Windows' name for it ("W. Europe Standard Time")."""
    tzid = tzid.strip().strip('"')
    if tzid in zoneinfo.available_timezones():
        return tzid
    return WINDOWS_TO_OLSON.get(tzid, "")


def _outlook_all_day(component: icalendar.Component, start: dt.datetime, end: dt.datetime) -> bool:
    """Outlook marks some all-day appointments by X-MICROSOFT-CDO-ALLDAYEVENT with midnight times."""
    flagged = str(component.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).upper() == "TRUE"
    midnight = dt.time(0)
    return flagged and start.time() == midnight and end.time() == midnight and end > start


def _category(component: icalendar.Component) -> str:
    found = component.get("CATEGORIES")
    if found is None:
        return ""
    words: list[str] = []
    for prop in found if isinstance(found, list) else [found]:
        words.extend(str(c) for c in getattr(prop, "cats", []))
    return ",".join(words)


def _text(value: object) -> str:
    """Text as the events file keeps it: LF line breaks, no control characters, trimmed."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return _CONTROL.sub("", text).strip()


def _stamp(moment: Moment | None) -> str:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return moment.strftime("%Y%m%d") if moment else ""
