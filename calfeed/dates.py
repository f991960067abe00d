"""Dates written the way each language writes them ("13–14 november 2019"), with Babel.

Layer: model (pure functions of their arguments).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time

from .model import Event
from .vocabulary import BABEL_LOCALES

# Swedish and English keep the patterns their pages have always had (no spaces around the dash);
# the partners' languages take CLDR's own patterns (Babel's locale data) for dates and ranges.
OWN_PATTERNS = ("sv", "en")
# Babel takes 20-40 us per date; a 10,000-event site writes the same few thousand days hundreds of
# thousands of times (lists, pages, JSON, Atom in six languages): each day is written once per language.
DAYS_KEPT = 8192


@lru_cache(maxsize=DAYS_KEPT)
def long_date(day: dt.date, lang: str) -> str:
    """'måndag 21 oktober 2019' / 'Monday 21 October 2019' / 'Montag, 21. Oktober 2019'."""
    if lang in OWN_PATTERNS:
        return format_date(day, "EEEE d MMMM y", locale=BABEL_LOCALES[lang])
    return format_date(day, "full", locale=BABEL_LOCALES[lang])


@lru_cache(maxsize=DAYS_KEPT)
def month_label(day: dt.date, lang: str) -> str:
    """'november 2019' / 'November 2019' / 'listopad 2019' / '2019 m. lapkritis' — a month heading."""
    if lang in OWN_PATTERNS:
        return format_date(day, "LLLL y", locale=BABEL_LOCALES[lang])
    return format_skeleton("yMMMM", day, locale=BABEL_LOCALES[lang])


@lru_cache(maxsize=DAYS_KEPT)
def _date(day: dt.date, lang: str) -> str:
    """'13 november 2019', '13. November 2019', '2019 m. lapkričio 13 d.'."""
    return format_date(day, "d MMMM y" if lang in OWN_PATTERNS else "long", locale=BABEL_LOCALES[lang])


@lru_cache(maxsize=32)
def _interval_patterns(lang: str, weekday: bool) -> dict[str, list[str]]:
    """CLDR's interval patterns for full month names (and weekdays), keyed by the greatest
    difference ('y', 'M', 'd'). Where CLDR only has the abbreviated skeleton, its names are widened."""
    formats = Locale.parse(BABEL_LOCALES[lang]).interval_formats
    for skeleton in ("yMMMMEEEEd", "yMMMMEd", "yMMMEd") if weekday else ("yMMMMd", "yMMMd"):
        if skeleton in formats:
            found = formats[skeleton]
            return {key: [_widen(part) for part in found[key]] for key in ("y", "M", "d")}
    raise LookupError(f"no CLDR interval pattern for {lang}")  # every locale in BABEL_LOCALES has one


def _widen(pattern: str) -> str:
    pattern = re.sub(r"(?<!M)MMM(?!M)", "MMMM", pattern)
    return re.sub(r"E+", "EEEE", pattern)


def _cldr_range(first: dt.date, last: dt.date, lang: str, weekday: bool = False) -> str:
    greatest = "y" if first.year != last.year else "M" if first.month != last.month else "d"
    before, after = _interval_patterns(lang, weekday)[greatest]
    locale = BABEL_LOCALES[lang]
    return format_date(first, before, locale=locale) + format_date(last, after, locale=locale)


def days_this_year(first: dt.date, last: dt.date, lang: str) -> str:
    """'21. Oktober', '13.–14. listopada': days without their year (the partners' languages; CLDR)."""
    locale = BABEL_LOCALES[lang]
    if first == last:
        return format_skeleton("MMMMd", first, locale=locale)
    before, after = _month_day_patterns(lang)["d" if first.month == last.month else "M"]
    return format_date(first, before, locale=locale) + format_date(last, after, locale=locale)


@lru_cache(maxsize=8)
def _month_day_patterns(lang: str) -> dict[str, list[str]]:
    formats = Locale.parse(BABEL_LOCALES[lang]).interval_formats
    found = formats["MMMMd"] if "MMMMd" in formats else formats["MMMd"]
    return {key: [_widen(part) for part in found[key]] for key in ("M", "d")}


def day_range(first: dt.date, last: dt.date, lang: str) -> str:
    """'13–14 november 2019', '30 oktober–2 november 2019', '30 december 2019–2 januari 2020'."""
    locale = BABEL_LOCALES[lang]
    if first == last:
        return _date(first, lang)
    if lang not in OWN_PATTERNS:
        return _cldr_range(first, last, lang)
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
        if lang not in OWN_PATTERNS:
            return _cldr_range(event.start, event.end, lang, weekday=True)
        first = "EEEE d MMMM" if event.start.year == event.end.year else "EEEE d MMMM y"
        return f"{format_date(event.start, first, locale=locale)}–{long_date(event.end, lang)}"
    start, end = event.times
    end = end.astimezone(start.tzinfo)

    def day(moment: dt.datetime) -> str:
        return long_date(moment.date(), lang) if weekday else _date(moment.date(), lang)

    def clock(moment: dt.datetime) -> str:
        return _clock(moment.time(), lang)

    if start.date() == end.date():
        return f"{day(start)}, {clock(start)}–{clock(end)}"
    return f"{day(start)} {clock(start)} – {day(end)} {clock(end)}"


def moment(at: dt.datetime, zone: dt.tzinfo, lang: str) -> str:
    """A point in time on the calendar's clock: '2 december 2026 09:30' / '2 December 2026 09:30' /
    '2. Dezember 2026 09:30'."""
    local = at.astimezone(zone)
    return f"{_date(local.date(), lang)} {_clock(local.time(), lang)}"


@lru_cache(maxsize=DAYS_KEPT)
def _clock(wall: dt.time, lang: str) -> str:
    """'09:00', and '09.00' in Danish (CLDR's short time: hours and minutes on the local clock, no zone)."""
    return format_time(wall, "short", locale=BABEL_LOCALES[lang])
