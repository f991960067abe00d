"""Repeating events: 'repeat' (the staff form) or 'rrule' (RFC 5545), with 'except' and 'changes'.

Layer: loader. Imports ``model``, ``recurrence`` (to check a series against its own dates) and the
loader's ``nodes``, ``sections``, ``problems`` and ``advice``; no Flask.

The dates in 'except' and 'changes' are all or nothing: one of them refused voids the series (and
its event), so no feed says something other than the file; each problem in them is still reported.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import replace
from typing import Any

import yaml

from ..model import STATUSES, Change, Location, Recurrence
from ..recurrence import (
    FREQUENCIES,
    MAX_COUNT,
    WEEKDAYS,
    nearest,
    occurs_on,
    rule_of,
    utc_until,
    wall_clock,
)  # fmt: skip
from .advice import suggest
from .nodes import Entries, Reader
from .problems import INVALID, Invalid
from .sections import Section, reference

SERIES_FIELDS = ("repeat", "rrule", "except", "changes")
_REPEAT_FIELDS = {"every": True, "interval": False, "on": False, "until": False, "count": False}
_CHANGE_FIELDS = {"start": False, "end": False, "location": False, "status": False}
_EVERY = {**FREQUENCIES, "dag": "DAILY", "vecka": "WEEKLY", "månad": "MONTHLY", "år": "YEARLY"}
_WEEKDAY_NAMES = {
    name: code
    for code, names in zip(WEEKDAYS, [("monday", "måndag"), ("tuesday", "tisdag"), ("wednesday", "onsdag"),
                                      ("thursday", "torsdag"), ("friday", "fredag"), ("saturday", "lördag"),
                                      ("sunday", "söndag")], strict=True)
    for name in (*names, code.lower())
}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1,
             "första": 1, "andra": 2, "tredje": 3, "fjärde": 4, "sista": -1}  # fmt: skip


def series(r: Reader, values: dict[str, Any], start: Any, zone_name: str,
           locations: Section[Location]) -> Recurrence | None | Invalid:  # fmt: skip
    """How the event whose fields are ``values`` repeats: ``None`` if it does not."""
    given = [name for name in SERIES_FIELDS if name in values]
    if not given:
        return None
    if "repeat" in values and "rrule" in values:
        return r.error(values["rrule"], "the event has both 'repeat' and 'rrule'", "keep one of them")
    if "repeat" not in values and "rrule" not in values:
        return r.error(values[given[0]], f"'{given[0]}' only applies to a repeating event",
                       "add 'repeat:' (e.g. every: week) or 'rrule:'")  # fmt: skip
    node = values.get("repeat") or values["rrule"]
    parsed = _repeat(r, node, start) if "repeat" in values else _rrule(r, node, start, zone_name)
    if parsed is INVALID or not _starts_series(r, node, parsed, start):
        return INVALID
    try:
        utc_until(parsed, start)  # the feed writes it in UTC
    except OverflowError:
        return r.error(node, "the series ends too close to the year 9999",
                       "leave out the end for a series without one")  # fmt: skip
    exceptions = _exceptions(r, values.get("except"), parsed, start)
    changes = _changes(r, values.get("changes"), parsed, start, zone_name, locations, exceptions)
    if exceptions.refused or changes is INVALID:
        return INVALID
    return replace(parsed, exceptions=tuple(sorted(exceptions)), changes=changes)


def _repeat(r: Reader, node: Any, start: Any) -> Recurrence | Invalid:
    """The staff form: every: week, interval: 2, on: [tuesday], until: 2020-06-30 or count: 6."""
    values = r.fields(node, "'repeat'", _REPEAT_FIELDS)
    if values is INVALID:
        return INVALID
    freq = r.choice(values["every"], "period in 'every'", _EVERY) if "every" in values else INVALID
    frequency = _EVERY.get(freq or "", "")
    interval = _whole(r, values.get("interval"), "'interval'", 1000)
    days = _weekdays(r, values.get("on"), frequency)
    until = r.date(values["until"], "'until'") if "until" in values else None
    count = _whole(r, values.get("count"), "'count'", MAX_COUNT)
    if "until" in values and "count" in values:
        until = r.error(values["count"], "the series has both 'until' and 'count'",
                        "keep one: 'until' is the last day, 'count' the number of times")  # fmt: skip
    elif isinstance(until, dt.date) and until < wall_clock(start).date():
        until = r.error(values["until"], f"the series ends (until {until}) before it starts "
                        f"({wall_clock(start).date()})", "'until' is the last day the event may repeat on")  # fmt: skip
    if freq is INVALID or interval is INVALID or days is INVALID or until is INVALID or count is INVALID:
        return INVALID
    parts = [f"FREQ={frequency}"] + [f"INTERVAL={interval}"] * (interval is not None and interval > 1)
    parts += [f"BYDAY={','.join(days)}"] * bool(days) + [f"COUNT={count}"] * (count is not None)
    return Recurrence(";".join(parts), until)


def _whole(r: Reader, node: Any, what: str, maximum: int) -> int | None | Invalid:
    if node is None:
        return None
    value = r.string(node, what)
    if value is INVALID:
        return INVALID
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= maximum):
        return r.error(node, f"{what} '{value}' is not a whole number from 1 to {maximum}")
    return int(value)


def _weekdays(r: Reader, node: Any, frequency: str) -> tuple[str, ...] | Invalid:
    """'on: [tuesday, thursday]' -> ('TU', 'TH'); 'on: first monday' -> ('1MO',) for a monthly series."""
    if node is None:
        return ()
    if isinstance(node, yaml.SequenceNode):
        listed = r.sequence(node, "'on'")
        items = [(item, r.string(item, "a day in 'on'")) for item in listed or []]
        refused = listed is INVALID or any(text is INVALID for _, text in items)
    else:
        text = r.string(node, "'on'")
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
            r.error(item, f"unknown weekday '{text}'", hint)
            refused = True
        elif ordinal and frequency not in ("MONTHLY", "YEARLY"):
            r.error(item, f"'{text}' only applies to a series repeating every month or year",
                    f"write just '{words[-1]}'")  # fmt: skip
            refused = True
        else:
            days.append(f"{ordinal or ''}{code}")
    return INVALID if refused else tuple(days)


def _rrule(r: Reader, node: Any, start: Any, zone_name: str) -> Recurrence | Invalid:
    """The expert form: an RFC 5545 RRULE value such as FREQ=MONTHLY;BYDAY=1MO."""
    text = r.string(node, "'rrule'")
    if text is INVALID:
        return INVALID
    parts: dict[str, str] = {}
    for part in text.upper().removeprefix("RRULE:").split(";"):
        name, equals, value = (s.strip() for s in part.partition("="))
        if not (name and equals and value) or name in parts:
            return r.error(node, f"the rrule '{text}' is malformed: '{part}' is not one NAME=VALUE",
                           "write it as FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")  # fmt: skip
        parts[name] = value
    problem = _rule_problem(parts)
    until = _rrule_until(r, node, text, parts.pop("UNTIL"), start, zone_name) if "UNTIL" in parts else None
    rule = ";".join(f"{k}={v}" for k, v in sorted(parts.items(), key=lambda kv: kv[0] != "FREQ"))
    if not problem:
        try:
            rule_of(Recurrence(rule), start)
        except (ValueError, TypeError) as exc:
            problem = str(exc)
    if problem:
        return r.error(node, f"the rrule '{text}' is malformed: {problem}",
                       "see RFC 5545 section 3.3.10, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")  # fmt: skip
    if until is INVALID:
        return INVALID
    if until is not None and until < (wall_clock(start) if isinstance(until, dt.datetime) else
                                      wall_clock(start).date()):  # fmt: skip
        return r.error(node, f"the series ends (UNTIL {until}) before it starts ({wall_clock(start)})")
    return Recurrence(rule, until)


def _rrule_until(r: Reader, node: Any, text: str, value: str, start: Any, zone_name: str) -> dt.date | Invalid:
    """UNTIL as the local clock sees it: a date, or a naive local datetime."""
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?", value)
    try:
        numbers = [int(g) for g in match.groups()[:6] if g is not None] if match else []
        moment = dt.datetime(*numbers) if len(numbers) == 6 else dt.date(*numbers)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return r.error(node, f"the rrule '{text}' is malformed: UNTIL={value} is not a date or time",
                       "write UNTIL=20200630 for the last day")  # fmt: skip
    if isinstance(moment, dt.datetime) and match and match.group(7):
        try:
            moment = moment.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)
        except OverflowError:
            return r.error(node, f"the rrule '{text}' is malformed: UNTIL={value} is past the year 9999 in "
                           f"{zone_name}", "leave UNTIL out for a series without an end")  # fmt: skip
    if isinstance(moment, dt.datetime) and not isinstance(start, dt.datetime):
        return moment.date()  # an all-day series ends on a day
    return moment


def _starts_series(r: Reader, node: Any, recurrence: Recurrence, start: Any) -> bool:
    """RFC 5545 leaves a series whose start is not one of its own occurrences undefined: refuse it."""
    first = next(iter(rule_of(recurrence, start)), None)
    if first == wall_clock(start):
        return True
    day = wall_clock(start).date()
    hint = (f"start it on its first day, {first:%A %Y-%m-%d}, or change the days it repeats on" if first
            else "check the rule")  # fmt: skip
    r.error(node, f"the series starts on {day:%A %Y-%m-%d}, which is not one of the days it repeats on", hint)
    return False


def _not_an_occurrence(r: Reader, node: Any, where: str, recurrence: Recurrence, start: Any, day: dt.date) -> None:
    around = nearest(recurrence, start, day)
    hint = f"the nearest dates of the series are {' and '.join(map(str, around))}" if around else ""
    r.error(node, f"{day} ({day:%A}) in {where} is not a date of this series", hint)


def _exceptions(r: Reader, node: Any, recurrence: Recurrence, start: Any) -> Entries[dt.date, Any]:
    """The days skipped, each one of the series' own; refused ones are reported and left out."""
    days: Entries[dt.date, Any] = Entries()
    if node is None:
        return days
    items = r.sequence(node, "'except'") if isinstance(node, yaml.SequenceNode) else [node]
    days.refused = items is INVALID
    for item in items or []:
        day = r.date(item, "a date in 'except'")
        if day is INVALID:
            days.refused = True
        elif not occurs_on(recurrence, start, day):
            _not_an_occurrence(r, item, "'except'", recurrence, start, day)
            days.refused = True
        else:
            days.setdefault(day, item)
    return days


def _changes(r: Reader, node: Any, recurrence: Recurrence, start: Any, zone_name: str, locations: Section[Location],
            exceptions: Entries[dt.date, Any]) -> tuple[Change, ...] | Invalid:  # fmt: skip
    """The changed occurrences, or ``INVALID`` when any change is refused."""
    if node is None:
        return ()
    entries = r.mapping(node, "'changes'")
    if entries is INVALID:
        return INVALID
    refused = entries.refused
    found = []
    for key, value in entries.values():
        day = r.date(key, "a date in 'changes'")
        if day is INVALID:
            refused = True
        elif not occurs_on(recurrence, start, day):
            _not_an_occurrence(r, key, "'changes'", recurrence, start, day)
            refused = True
        elif day in exceptions:
            r.error(key, f"{day} is both skipped in 'except' and changed in 'changes'", "keep one of them")
            refused = True
        else:
            change = _change(r, value, day, start, zone_name, locations)
            if change is INVALID:
                refused = True
            else:
                found.append(change)
    return INVALID if refused else tuple(sorted(found, key=lambda c: c.date))


def _change(r: Reader, node: Any, day: dt.date, start: Any, zone_name: str,
            locations: Section[Location]) -> Change | Invalid:  # fmt: skip
    """One occurrence's new start and/or end (in the series' zone), location or status."""
    what = f"the change on {day}"
    values = r.fields(node, what, _CHANGE_FIELDS)
    if values is INVALID:
        return INVALID
    if not values:
        return r.error(node, f"{what} changes nothing", "give a new start, end, location or 'status: cancelled'")
    timed = isinstance(start, dt.datetime)
    original = dt.datetime.combine(day, wall_clock(start).time()) if timed else day
    new_start = r.when(values["start"], "start", day) if "start" in values else None
    if isinstance(new_start, dt.date) and isinstance(new_start, dt.datetime) != timed:
        new_start = r.error(values["start"], f"the new start of {what} must be " + (
         "a date and a time, like the series'" if timed else "a date, like the series'"))  # fmt: skip
    new_end = r.end(values["end"], new_start or original) if "end" in values else None
    # a location refused where it is declared is reported there; the change stands without it
    location = reference(r, values.get("location"), locations, broken=None)
    status = r.choice(values["status"], "status", STATUSES) if "status" in values else None
    if timed and isinstance(new_start, dt.datetime):
        new_start = r.localize(values["start"], new_start, zone_name)
    if timed and isinstance(new_end, dt.datetime):
        new_end = r.localize(values["end"], new_end, zone_name)
    if values.refused or new_start is INVALID or new_end is INVALID or location is INVALID or status is INVALID:
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
