"""One event as one line of a list, the way the region's own pages write their activities:
"21 oktober. Utbildning i internationell projektutveckling i Kristianstad."

Layer: model (pure functions of their arguments; Babel for the dates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date

from .dates import OWN_PATTERNS, day_range, days_this_year
from .model import Event, Schedule, Text
from .vocabulary import BABEL_LOCALES, CANCELLED_PREFIX

# "<title> i <place>"; Polish and Lithuanian would decline the place name after "w" / "į", so a dash.
IN = Text(" i ", " in ", da=" i ", de=" in ", pl=" – ", lt=" – ")


@dataclass(frozen=True)
class Line:
    day: str  # "21 oktober", "13–14 november", "10 januari 2020"
    text: str  # "Utbildning i internationell projektutveckling i Kristianstad."


def short_days(first: dt.date, last: dt.date, lang: str, today: dt.date) -> str:
    """The dates without the year when they fall in this year, as a list on a web page says them."""
    if lang not in OWN_PATTERNS:  # the partners' languages: CLDR's patterns
        this_year = first.year == last.year == today.year
        return days_this_year(first, last, lang) if this_year else day_range(first, last, lang)
    locale = BABEL_LOCALES[lang]
    year = "" if first.year == last.year == today.year else " y"
    if first == last:
        return format_date(first, "d MMMM" + year, locale=locale)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_date(last, 'd MMMM' + year, locale=locale)}"
    if first.year == last.year:
        return f"{format_date(first, 'd MMMM', locale=locale)}–{format_date(last, 'd MMMM' + year, locale=locale)}"
    return f"{format_date(first, 'd MMMM y', locale=locale)}–{format_date(last, 'd MMMM y', locale=locale)}"


def line(event: Event, schedule: Schedule, lang: str, today: dt.date, zone: dt.tzinfo) -> Line:
    """The event's days and a sentence: its title, "i <place>" unless the title already names the place,
    and "INSTÄLLT: " first when it is cancelled."""
    title = event.title.get(lang).strip().rstrip(".")
    place = schedule.locations.get(event.location)
    if place is not None and place.name.get(lang).lower() not in title.lower():
        title = f"{title}{IN.get(lang)}{place.name.get(lang)}"
    if event.status == "cancelled":
        title = CANCELLED_PREFIX.get(lang) + title
    ending = "" if title.endswith(("!", "?")) else "."
    return Line(short_days(event.first_day(zone), event.last_day(zone), lang, today), title + ending)
