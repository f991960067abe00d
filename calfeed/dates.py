"""Dates written the way each language writes them ("13–14 november 2019"), with Babel.

Layer: model (pure functions of their arguments).
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_time

from .labels import BABEL_LOCALES
from .model import Event


def long_date(day: dt.date, lang: str) -> str:
    """'måndag 21 oktober 2019' / 'Monday 21 October 2019'."""
    return format_date(day, "EEEE d MMMM y", locale=BABEL_LOCALES[lang])


def month_label(day: dt.date, lang: str) -> str:
    """'november 2019' / 'November 2019' — a month heading."""
    return format_date(day, "LLLL y", locale=BABEL_LOCALES[lang])


def day_range(first: dt.date, last: dt.date, lang: str) -> str:
    """'13–14 november 2019', '30 oktober–2 november 2019', '30 december 2019–2 januari 2020'."""
    locale = BABEL_LOCALES[lang]
    if first == last:
        return format_date(first, "d MMMM y", locale=locale)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_date(last, 'd MMMM y', locale=locale)}"
    if first.year == last.year:
        return f"{format_date(first, 'd MMMM', locale=locale)}–{format_date(last, 'd MMMM y', locale=locale)}"
    return f"{format_date(first, 'd MMMM y', locale=locale)}–{format_date(last, 'd MMMM y', locale=locale)}"


def when(event: Event, lang: str, weekday: bool = False) -> str:
    """The event's dates, and for a timed event its local times: '5 december 2019, 09:00–16:00'.
    With ``weekday`` (an event's own page) each date names its day: 'lördag 20 mars 2027',
    'torsdag 5 december 2019, 09:00–16:00', 'onsdag 13 november–torsdag 14 november 2019'."""
    locale = BABEL_LOCALES[lang]
    if event.all_day:
        if not weekday:
            return day_range(event.start, event.end, lang)
        if event.start == event.end:
            return long_date(event.start, lang)
        first = "EEEE d MMMM" if event.start.year == event.end.year else "EEEE d MMMM y"
        return f"{format_date(event.start, first, locale=locale)}–{long_date(event.end, lang)}"
    start, end = event.start, event.end.astimezone(event.start.tzinfo)
    times = f"{format_time(start, 'HH:mm', locale=locale)}–{format_time(end, 'HH:mm', locale=locale)}"
    day = "EEEE d MMMM y" if weekday else "d MMMM y"
    if start.date() == end.date():
        return f"{format_date(start, day, locale=locale)}, {times}"
    return (
        f"{format_date(start, day, locale=locale)} {format_time(start, 'HH:mm', locale=locale)}"
        f" – {format_date(end, day, locale=locale)} {format_time(end, 'HH:mm', locale=locale)}"
    )


def moment(at: dt.datetime, zone: dt.tzinfo, lang: str) -> str:
    """A point in time on the calendar's clock: '2 december 2026 09:30' / '2 December 2026 09:30'."""
    local = at.astimezone(zone)
    locale = BABEL_LOCALES[lang]
    return f"{format_date(local, 'd MMMM y', locale=locale)} {format_time(local, 'HH:mm', locale=locale)}"
