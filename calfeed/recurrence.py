"""Repeating events: a series (``model.Recurrence``) expanded into its occurrences, with dateutil.

Layer: model. Pure: the standard library, dateutil and ``model`` (which holds the series' values
and never imports this module); no I/O, no clock — every window is an argument.

A series is written once in the events file and published once in a feed (RRULE, EXDATE
and one RECURRENCE-ID override per changed occurrence); calendar clients expand it
themselves. Only pages and JSON expand it here, always within a window and to at most
``MAX_OCCURRENCES`` per series, so a series without an end never makes anything unbounded.

Expansion runs on the local wall clock (naive datetimes in the series' zone) and the zone
is attached afterwards: a weekly 10:00 meeting stays at 10:00 across the switch to and
from summer time, which is what RFC 5545 prescribes for a DTSTART with a TZID.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from dateutil.rrule import rrule, rrulestr

from .model import Change, Event, Recurrence, last_day_touched, sort_key

FREQUENCIES = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_OCCURRENCES = 1000  # per series and expansion: a daily series over the past page's two years still fits
MAX_COUNT = 1000  # the largest COUNT accepted; keeps the end of a counted series cheap to find
AHEAD = dt.timedelta(days=365)  # how far ahead pages and JSON expand a series
BEHIND = dt.timedelta(days=730)  # how far back the past page and JSON expand one
END_OF_DAY = dt.time(23, 59, 59)
Moment = dt.date | dt.datetime  # a start or end: a date all day, an aware datetime when timed


def wall_clock(value: dt.date | dt.datetime) -> dt.datetime:
    """A start as a naive local datetime, the way dateutil expands it; a date is its midnight."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time(0))


def rule_of(recurrence: Recurrence, start: dt.date | dt.datetime, near: dt.datetime | None = None) -> rrule:
    """The dateutil rule of a series starting at ``start``, on the local wall clock. With ``near``,
    the rule gives the same occurrences from ``near`` on, but gets there without walking from
    ``start`` (dateutil walks every day of a daily series from 1900 to reach this year)."""
    rule = rrulestr(recurrence.rule, dtstart=_later_start(recurrence, wall_clock(start), near))
    assert isinstance(rule, rrule)  # dateutil makes a set only of NAME: lines (RRULE:, EXDATE:); ours begin FREQ=
    if recurrence.until is not None:
        until = recurrence.until
        if not isinstance(until, dt.datetime):
            until = dt.datetime.combine(until, END_OF_DAY)
        rule = rule.replace(until=until)
    return rule


def utc_until(recurrence: Recurrence, start: dt.date | dt.datetime) -> dt.date | dt.datetime | None:
    """UNTIL as a feed writes it: the last day of an all-day series, UTC for a timed one
    (RFC 5545 3.3.10). Raises OverflowError for an end too close to year 9999 to be moved to UTC."""
    until = recurrence.until
    if until is None or not isinstance(start, dt.datetime):
        return until.date() if isinstance(until, dt.datetime) else until
    local = until if isinstance(until, dt.datetime) else dt.datetime.combine(until, END_OF_DAY)
    return local.replace(tzinfo=start.tzinfo).astimezone(dt.UTC)


def occurs_on(recurrence: Recurrence, start: dt.date | dt.datetime, day: dt.date) -> bool:
    """Whether the rule (before exceptions) has an occurrence on ``day``."""
    rule = rule_of(recurrence, start, near=dt.datetime.combine(day, dt.time(0)))
    return bool(rule.between(dt.datetime.combine(day, dt.time(0)), dt.datetime.combine(day, END_OF_DAY), inc=True))


def nearest(recurrence: Recurrence, start: dt.date | dt.datetime, day: dt.date) -> list[dt.date]:
    """The occurrence dates either side of ``day``, for a hint when a date is not one of them."""
    rule = rule_of(recurrence, start, near=dt.datetime.combine(day, dt.time(0)) - dt.timedelta(days=366))
    found = [rule.before(dt.datetime.combine(day, dt.time(0))), rule.after(dt.datetime.combine(day, END_OF_DAY))]
    return [moment.date() for moment in found if moment is not None]


def occurrence(event: Event, original: dt.datetime) -> Event:
    """The occurrence of series ``event`` that the rule puts at ``original`` (naive local time),
    with its change applied. Its ``recurrence`` is None and ``recurrence_id`` its original start."""
    change = event.recurrence.change_on(original.date()) if event.recurrence else None
    recurrence_id, start, end = _placed(event.start, event.end, original, change)
    return replace(
        event, start=start, end=end, recurrence=None, recurrence_id=recurrence_id,
        location=change.location if change and change.location else event.location,
        status=change.status if change and change.status else event.status,
    )  # fmt: skip


def _placed(
    first_start: Moment, first_end: Moment, original: dt.datetime, change: Change | None
) -> tuple[Moment, Moment, Moment]:
    """(recurrence id, start, end) of the occurrence at ``original`` of a series whose first
    occurrence runs from ``first_start`` to ``first_end``, with its change applied."""
    if not isinstance(first_start, dt.datetime):  # all day
        assert not isinstance(first_end, dt.datetime)  # an all-day series ends on a date too
        recurrence_id: Moment = original.date()
        start: Moment = change.start if change and change.start else recurrence_id
        end = start + (first_end - first_start)
    else:
        assert isinstance(first_end, dt.datetime)  # a timed series ends at a time too
        recurrence_id = original.replace(tzinfo=first_start.tzinfo)
        start = change.start if change and change.start else recurrence_id
        assert isinstance(start, dt.datetime)  # and is moved only to times (the loader checks)
        duration = first_end.astimezone(dt.UTC) - first_start.astimezone(dt.UTC)
        end = (start.astimezone(dt.UTC) + duration).astimezone(start.tzinfo)  # the exact duration
    if change and change.end:
        end = change.end
    return recurrence_id, start, end


def overrides(event: Event) -> list[Event]:
    """One occurrence per change of series ``event``: the RECURRENCE-ID components of a feed."""
    if event.recurrence is None:
        return []
    clock = wall_clock(event.start).time()
    return [occurrence(event, dt.datetime.combine(c.date, clock)) for c in event.recurrence.changes]


def occurrences(event: Event, first: dt.date, last: dt.date, tz: dt.tzinfo) -> list[Event]:
    """The occurrences of series ``event`` that touch the days ``first``..``last`` (seen from ``tz``),
    without skipped ones, moved ones where they now are; at most ``MAX_OCCURRENCES``."""
    recurrence = event.recurrence
    if recurrence is None:
        return [event]
    # Widen by the event's length and a day for the zones, then keep exactly what touches the window.
    reach = _length(event)
    # (clamped, so that a window at the ends of the calendar, year 1 or 9999, cannot overflow)
    lower = max(dt.datetime.combine(first, dt.time(0)), dt.datetime.min + reach) - reach
    rule = rule_of(recurrence, event.start, near=lower)
    upper = min(dt.datetime.combine(last, END_OF_DAY), dt.datetime.max - dt.timedelta(days=1)) + dt.timedelta(days=1)
    starts = set(rule.between(lower, upper, inc=True)) if first <= last else set()
    clock = wall_clock(event.start).time()
    starts |= {dt.datetime.combine(c.date, clock) for c in recurrence.changes}  # moved into the window
    skipped = set(recurrence.exceptions)
    found = []
    for original in sorted(starts):
        if original.date() in skipped:
            continue
        item = occurrence(event, original)
        if item.first_day(tz) <= last and item.last_day(tz) >= first:
            found.append(item)
    return sorted(found, key=sort_key)[:MAX_OCCURRENCES]


def expand(events: Iterable[Event], first: dt.date, last: dt.date, tz: dt.tzinfo) -> list[Event]:
    """Events with every series replaced by its occurrences in ``first``..``last``; single events
    pass through whatever their dates. Sorted chronologically."""
    found: list[Event] = []
    for event in events:
        found.extend(occurrences(event, first, last, tz) if event.recurrence else [event])
    return sorted(found, key=sort_key)


def upcoming_occurrences(event: Event, today: dt.date, tz: dt.tzinfo, limit: int = 10) -> list[Event]:
    """The next ``limit`` occurrences of a series not yet ended on ``today``, within ``AHEAD``."""
    return [o for o in occurrences(event, today, today + AHEAD, tz) if o.last_day(tz) >= today][:limit]


def _later_start(recurrence: Recurrence, start: dt.datetime, near: dt.datetime | None) -> dt.datetime:
    """The latest start at or before ``near`` on the same daily or weekly cycle as ``start``: the same
    occurrences from there on. Months and years are left alone (clamping the 31st would change the
    rule, and there are few of them to walk); so is a COUNT, which counts from the real start."""
    if near is None or near <= start or "COUNT=" in recurrence.rule:
        return start
    parts = dict(part.split("=", 1) for part in recurrence.rule.split(";"))
    days = {"DAILY": 1, "WEEKLY": 7}.get(parts.get("FREQ", ""))
    if days is None:
        return start
    step = dt.timedelta(days=days * int(parts.get("INTERVAL", "1")))
    return start + step * ((near - start) // step)


def _length(event: Event) -> dt.timedelta:
    """How far before a window an occurrence may start and still reach into it."""
    if event.all_day:
        return dt.timedelta(days=(event.end_exclusive - event.start).days + 1)
    start, end = event.times
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC) + dt.timedelta(days=1)


def last_day(event: Event, tz: dt.tzinfo) -> dt.date:
    """The last calendar day ``event`` touches, seen from ``tz``: for a series the last day any of its
    occurrences touches, ``date.max`` for an endless one."""
    if event.recurrence is None:
        return event.last_day(tz)
    return _series_last_day(event.recurrence, event.start, event.end, tz, getattr(event.start, "tzinfo", None))


@lru_cache(maxsize=1024)
def _series_last_day(
    recurrence: Recurrence, start: Moment, end: Moment, tz: dt.tzinfo, zone: dt.tzinfo | None
) -> dt.date:
    """``last_day`` of a series, kept for its few small values (the start's ``zone`` is part of the
    key because two aware datetimes at the same instant are equal whatever their zones)."""
    if recurrence.endless:
        return dt.date.max
    if recurrence.until is not None:  # its last day, at the latest: no need to walk there
        until = recurrence.until
        last: dt.date | None = until.date() if isinstance(until, dt.datetime) else until
    else:  # COUNT is at most MAX_COUNT
        last = list(rule_of(recurrence, start))[-1].date()
    ends = [c.date for c in recurrence.changes] + ([last] if last else [])
    clock = wall_clock(start).time()
    placed = (_placed(start, end, dt.datetime.combine(day, clock), recurrence.change_on(day)) for day in ends)
    return max((last_day_touched(moved_start, moved_end, tz) for _, moved_start, moved_end in placed),
               default=end.astimezone(tz).date() if isinstance(end, dt.datetime) else end)  # fmt: skip
