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


def when(event: Event, lang: str) -> str:
    """The event's dates, and for a timed event its local times: '5 december 2019, 09:00–16:00'."""
    if event.all_day:
        return day_range(event.start, event.end, lang)
    start, end = event.start, event.end.astimezone(event.start.tzinfo)
    locale = BABEL_LOCALES[lang]
    times = f"{format_time(start, 'HH:mm', locale=locale)}–{format_time(end, 'HH:mm', locale=locale)}"
    if start.date() == end.date():
        return f"{day_range(start.date(), start.date(), lang)}, {times}"
    return (
        f"{format_date(start, 'd MMMM y', locale=locale)} {format_time(start, 'HH:mm', locale=locale)}"
        f" – {format_date(end, 'd MMMM y', locale=locale)} {format_time(end, 'HH:mm', locale=locale)}"
    )
