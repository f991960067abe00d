"""VTIMEZONEs as calendar clients write them: yearly RRULE observances read from the tz database.

Layer: ics (used by ``ics.py``). Imports ``icalendar`` and the standard library; no Flask, no clock.

Outlook, Apple, Google and Thunderbird write a zone as one STANDARD and one DAYLIGHT observance,
each a yearly ``RRULE`` (``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU``) starting at the local wall time of
the change in the offset it changes *from* (02:00 for CET to CEST, 03:00 for CEST to CET). Some
parsers (ts-ics) read the RDATE form that ``icalendar.Timezone.from_tzinfo`` writes an hour off,
so calfeed writes this form. Nothing here is a table: the changes are found by asking
``zoneinfo`` for the offset, and each rule (month, nth or last weekday, wall time) is inferred
from the changes of the years it held. A zone whose rule changed gets one pair of observances per
period, the earlier ones ending with ``UNTIL``; a change that happened once (a zone leaving
daylight saving time) is an observance with DTSTART alone; a zone without changes is one STANDARD.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

import icalendar

UTC = dt.UTC
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LOOK_AHEAD_YEARS = 8  # past the span, so that "last Sunday" and "4th Sunday" are told apart
YEAR = dt.timedelta(days=365)
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Change:
    """One change of a zone's clock: the instant, the offsets before and after, the new name."""

    at: dt.datetime  # UTC
    before: dt.timedelta
    after: dt.timedelta
    name: str
    dst: bool

    @property
    def wall(self) -> dt.datetime:
        """The local wall time of the change on the clock it changes from (naive, as in DTSTART)."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def kind(self) -> tuple:
        """What a yearly rule keeps: offsets, name, month and wall time (not the day)."""
        return self.before, self.after, self.name, self.dst, self.wall.month, self.wall.time()


def _state(zone: zoneinfo.ZoneInfo, moment: dt.datetime) -> tuple[dt.timedelta, str, bool]:
    local = moment.astimezone(zone)
    offset, name = local.utcoffset(), local.tzname()
    assert offset is not None and name is not None  # an aware time: its zone gives both
    return offset, name, bool(local.dst())


def changes(zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[Change]:
    """Every change of offset, name or DST flag in [start, end) (UTC), to the second: a day at a
    time, then halving the day a change fell in (zoneinfo keeps its transitions to itself)."""
    found = []
    step = dt.timedelta(days=1)
    moment, state = start, _state(zone, start)
    while moment < end:
        later = min(moment + step, end)
        after = _state(zone, later)
        if after != state:
            low, high = moment, later  # state(low) == state, state(high) != state
            while high - low > dt.timedelta(seconds=1):
                middle = low + dt.timedelta(seconds=(high - low) // dt.timedelta(seconds=2))
                if _state(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            new = _state(zone, high)
            found.append(Change(high, state[0], *new))
            state, later = new, high
        moment = later
    return found


def _days(wall: dt.datetime) -> set[str]:
    """The ways to name this date in its month: its n-th weekday ("4SU"), the last ("-1SU") if it
    is, and the weekday on or after each of the seven days up to it ("FR>=23": Israel's rule)."""
    weekday = WEEKDAYS[wall.weekday()]
    names = {f"{(wall.day - 1) // 7 + 1}{weekday}"}
    if wall.day + 7 > calendar.monthrange(wall.year, wall.month)[1]:
        names.add(f"-1{weekday}")
    shortest = 28 if wall.month == 2 else 30 if wall.month in (4, 6, 9, 11) else 31
    names |= {f"{weekday}>={first}" for first in range(max(1, wall.day - 6), wall.day + 1) if first + 6 <= shortest}
    return names


@dataclass
class Period:
    """A run of changes in which the zone followed one yearly rule per kind of change."""

    changes: dict[tuple, list[Change]] = field(default_factory=dict)
    days: dict[tuple, set[str]] = field(default_factory=dict)
    last: Change | None = None

    @property
    def first(self) -> Change:
        return min((c for found in self.changes.values() for c in found), key=lambda c: c.at)

    def takes(self, change: Change) -> bool:
        if self.last is None:
            return True
        key = change.kind
        if key in self.changes:  # the same change again: a year on, on a day the rule allows
            gap = change.at - self.changes[key][-1].at
            return YEAR - WEEK < gap < YEAR + WEEK and bool(self.days[key] & _days(change.wall))
        if len(self.changes) == 1:  # the way back, within the year
            (first,) = self.changes.values()
            back = (change.before, change.after) == (first[0].after, first[0].before)
            return back and change.at - self.last.at < YEAR
        return False

    def add(self, change: Change) -> None:
        key = change.kind
        self.changes.setdefault(key, []).append(change)
        self.days[key] = self.days.get(key, _days(change.wall)) & _days(change.wall)
        self.last = change


def periods(found: list[Change]) -> list[Period]:
    result: list[Period] = []
    for change in found:
        if not result or not result[-1].takes(change):
            result.append(Period())
        result[-1].add(change)
    return result


def _rule(month: int, days: set[str]) -> icalendar.vRecur:
    """A yearly rule for the days every year of a period agrees on; the last weekday ("-1SU", the
    EU's rule) before the n-th, before "weekday on or after a day" (BYDAY with seven BYMONTHDAYs)."""
    last = sorted(d for d in days if d.startswith("-1"))
    nth = sorted(d for d in days if ">=" not in d)
    if last or nth:
        return icalendar.vRecur(FREQ="YEARLY", BYMONTH=month, BYDAY=(last or nth)[0])
    weekday, first = sorted(days)[0].split(">=")
    return icalendar.vRecur(FREQ="YEARLY", BYMONTH=month, BYDAY=weekday,
                            BYMONTHDAY=list(range(int(first), int(first) + 7)))  # fmt: skip


def observance(change: Change, rule: icalendar.vRecur | None, dst: bool) -> icalendar.cal.Component:
    component = icalendar.TimezoneDaylight() if dst else icalendar.TimezoneStandard()
    component.add("dtstart", change.wall)
    component.add("tzoffsetfrom", change.before)
    component.add("tzoffsetto", change.after)
    component.add("tzname", change.name)
    if rule is not None:
        component.add("rrule", rule)
    return component


@lru_cache(maxsize=256)
def vtimezone(key: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of ``key`` for events from ``first_year`` to ``last_year``: the rules in
    force from two years before until two years after; the last rule has no end, so a series
    beyond the span stays right under it. Two years, not one: ts-ics expands an observance's rule
    at midnight and so misses its first change when that is later in the day than DTSTART (it
    would read the first winter of the span as summer time)."""
    zone = zoneinfo.ZoneInfo(key)
    start = dt.datetime(first_year - 2, 1, 1, tzinfo=UTC)
    end = dt.datetime(last_year + 2, 1, 1, tzinfo=UTC)
    # Look further ahead than the span, to tell the rule of the last period apart and to see
    # whether it still holds at the span's end.
    horizon = end.replace(year=end.year + LOOK_AHEAD_YEARS)
    every = periods(changes(zone, start, horizon))
    runs = [run for run in every if run.first.at < end]
    if len(every) > len(runs):  # a rule that ends after the span: say what follows it, too
        runs.append(every[len(runs)])
    result = icalendar.Timezone()
    result.add("tzid", key)
    if not runs or runs[0].first.at >= dt.datetime(first_year - 1, 1, 1, tzinfo=UTC):
        # No change in the span's first year: the clock in force then, from the span's start.
        offset, name, dst = _state(zone, start)
        result.add_component(observance(Change(start - offset, offset, offset, name, dst), None, dst))  # 00:00 local
    for run in runs:
        for kind, onsets in run.changes.items():
            rule = None
            if len(onsets) > 1:  # a change that happened once (a rule given up) stays a DTSTART alone
                rule = _rule(onsets[0].wall.month, run.days[kind])
                if onsets[-1].at + YEAR + WEEK < horizon:  # the next year's change did not come: the rule ended
                    # A day after the last change: the same changes as its exact instant, also for
                    # readers that compare UNTIL with local times (dateutil's tzical).
                    rule["UNTIL"] = onsets[-1].at + dt.timedelta(days=1)
            # Of a yearly pair, the change to the later clock is DAYLIGHT, as clients expect (the tz
            # database calls Irish winter time daylight saving, with a negative save).
            dst = onsets[0].after > onsets[0].before if len(run.changes) == 2 else onsets[0].dst
            result.add_component(observance(onsets[0], rule, dst))
    return result
