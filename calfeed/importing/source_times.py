"""The times of a source's event: its series' occurrences as RFC 5545 defines them, its moments as instants.

Layer: loader (imports ``recurrence`` and dateutil; no Flask, no I/O).

``fit`` compares these occurrences with calfeed's own expansion of what it would write, and writes a
series only when both are the very same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from itertools import islice

from dateutil.rrule import rrule, rruleset, rrulestr

from ..recurrence import END_OF_DAY, wall_clock
from .incoming import Incoming, Moment

UTC = dt.UTC


def floating(incoming: Incoming, tz: dt.tzinfo) -> Incoming:
    """A source in local time without a zone (a CSV row, a floating iCalendar time) read as ``tz``'s."""

    def fix(moment: Moment) -> Moment:
        return moment.replace(tzinfo=tz) if isinstance(moment, dt.datetime) and moment.tzinfo is None else moment

    def fix_optional(moment: Moment | None) -> Moment | None:
        return None if moment is None else fix(moment)

    series = incoming.series
    if series is not None:
        series = replace(series, until=fix_optional(series.until), rdates=tuple(map(fix, series.rdates)),
                         exdates=tuple(map(fix, series.exdates)),
                         overrides=tuple(floating(o, tz) for o in series.overrides))  # fmt: skip
    return replace(incoming, start=fix(incoming.start), end=fix_optional(incoming.end), series=series,
                   recurrence_id=fix_optional(incoming.recurrence_id))  # fmt: skip


def _rule_set(incoming: Incoming, *, exdates: bool = True) -> rruleset:
    """The series' RRULE, DTSTART and RDATEs (less its EXDATEs) on the wall clock of its start.
    Raises ValueError, TypeError or OverflowError for a rule dateutil cannot read."""
    series = incoming.series
    assert series is not None
    tz = incoming.start.tzinfo if isinstance(incoming.start, dt.datetime) else None
    first = wall_clock(incoming.start)
    rules = rruleset()
    if series.rule:
        rule = rrulestr(";".join(f"{k}={v}" for k, v in series.rule.items()), dtstart=first)
        assert isinstance(rule, rrule)  # one FREQ= rule gives one rrule, never a set
        if series.until is not None and "COUNT" not in series.rule:
            rule = rule.replace(until=_wall(series.until, tz, END_OF_DAY))
        rules.rrule(rule)
    rules.rdate(first)  # RFC 5545: DTSTART is always the first occurrence
    for moment in series.rdates:
        rules.rdate(_wall(moment, tz, first.time()))
    for moment in series.exdates if exdates else ():
        rules.exdate(_wall(moment, tz, first.time()))
    return rules


def in_rule(incoming: Incoming, moment: Moment | None) -> bool:
    """Whether ``moment`` is one of the series' occurrences before its EXDATEs: what an override replaces."""
    tz = incoming.start.tzinfo if isinstance(incoming.start, dt.datetime) else None
    try:
        return moment is not None and _wall(moment, tz, wall_clock(incoming.start).time()) in _rule_set(
            incoming, exdates=False
        )
    except (ValueError, TypeError, OverflowError):
        return False


def source_occurrences(incoming: Incoming, limit: int, *, cut: bool = False) -> list[Incoming] | None:
    """The occurrences of a series as RFC 5545 defines them (DTSTART always the first, RDATEs added,
    EXDATEs removed, overrides applied), on the wall clock of its start; None past ``limit``
    (with ``cut``, the first ``limit``)."""
    series = incoming.series
    assert series is not None
    tz = incoming.start.tzinfo if isinstance(incoming.start, dt.datetime) else None
    try:
        originals = list(islice(_rule_set(incoming), limit + 1))
    except (ValueError, TypeError, OverflowError):
        return None
    if cut:
        originals = originals[:limit]
    if len(originals) > limit or not originals:
        return None
    moved = {_key(o.recurrence_id): o for o in series.overrides if o.recurrence_id is not None}
    found = []
    for original in originals:
        rid: Moment = original.date() if incoming.all_day else original.replace(tzinfo=tz)
        override = moved.pop(_key(rid), None)
        if override is not None:
            found.append(replace(override, recurrence_id=rid))
            continue
        found.append(replace(incoming, start=rid, end=_shifted(incoming, rid), series=None, recurrence_id=rid))
    if not cut:  # an override of no occurrence of the rule is an event of its own: kept, not lost
        found.extend(o for o in moved.values() if not in_rule(incoming, o.recurrence_id))
    return sorted(found, key=lambda o: _key(o.start))


def _shifted(incoming: Incoming, start: Moment) -> Moment | None:
    if incoming.end is None:
        return None
    if incoming.all_day:
        return start + (incoming.end - incoming.start)
    assert isinstance(start, dt.datetime) and isinstance(incoming.start, dt.datetime)  # not all day: times
    assert isinstance(incoming.end, dt.datetime)
    if start.tzinfo is None:
        return start + (incoming.end - incoming.start)
    length = incoming.end.astimezone(UTC) - incoming.start.astimezone(UTC)
    return (start.astimezone(UTC) + length).astimezone(start.tzinfo)


def _wall(moment: Moment, tz: dt.tzinfo | None, clock: dt.time) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None and tz is not None:
            return moment.astimezone(tz).replace(tzinfo=None)
        return moment.replace(tzinfo=None)
    return dt.datetime.combine(moment, clock)


def _key(moment: Moment | None) -> tuple:
    if isinstance(moment, dt.datetime):
        return (moment.astimezone(UTC) if moment.tzinfo else moment,)
    return (dt.datetime.combine(moment, dt.time(0), UTC),) if moment else ()


def instants(item: tuple) -> tuple:
    start, end, status, location = item
    return (_key(start), _key(end), status, location)


def aware(moment: Moment, tz: dt.tzinfo) -> dt.datetime:
    """An aware instant in ``tz``; a naive (floating) time is read as ``tz``'s local time."""
    assert isinstance(moment, dt.datetime)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def exact(moment: dt.datetime, tz: dt.tzinfo) -> bool:
    """Whether writing ``moment``'s local time in ``tz`` reads back as the same instant (it does not
    in the hour that repeats when the clocks go back: the loader takes the first)."""
    return moment.replace(tzinfo=None, fold=0).replace(tzinfo=tz).astimezone(UTC) == moment.astimezone(UTC)


def same(a: Moment, b: Moment) -> bool:
    return _key(a) == _key(b)


def local_day(moment: Moment | None, tz: dt.tzinfo) -> dt.date:
    if isinstance(moment, dt.datetime):
        return (moment.astimezone(tz) if moment.tzinfo else moment).date()
    assert moment is not None
    return moment
