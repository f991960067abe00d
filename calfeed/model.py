"""The schedule as immutable values, and pure functions over it.

Layer: model. Imports only the standard library and ``errors``; never Flask, never I/O,
never the clock: whatever depends on "now" takes it as an argument.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

EVENT_TYPES = ("training", "conference", "workshop", "meeting", "study-trip")
STATUSES = ("confirmed", "tentative", "cancelled")
LANGUAGES = ("sv", "en", "da", "de", "pl", "lt")  # the first is the default; then the partners' languages
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "da": "Dansk", "de": "Deutsch", "pl": "Polski", "lt": "Lietuvių"}


@dataclass(frozen=True, repr=False)
class Text:
    """A text in any of the ``LANGUAGES``. Asked for a language it has not, it falls back to
    English, then to Swedish (Swedish asked for falls back to English)."""

    sv: str = ""
    en: str = ""
    da: str = ""
    de: str = ""
    pl: str = ""
    lt: str = ""

    def get(self, lang: str = "sv") -> str:
        own = getattr(self, lang, "") if lang in LANGUAGES else ""
        return own or self.en or self.sv or next((v for v in self.given().values()), "")

    def language(self, lang: str = "sv") -> str:
        """The language ``get(lang)`` answers in: ``lang`` itself, or the one it falls back to."""
        shown = self.get(lang)
        if not shown or (lang in LANGUAGES and getattr(self, lang) == shown):
            return lang
        return next(code for code in ("en", "sv", *LANGUAGES) if getattr(self, code) == shown)

    def given(self) -> dict[str, str]:
        """The languages the text is written in, and the text in each."""
        return {lang: getattr(self, lang) for lang in LANGUAGES if getattr(self, lang)}

    def __bool__(self) -> bool:
        return any(getattr(self, lang) for lang in LANGUAGES)

    def __repr__(self) -> str:
        # Swedish and English always, the other languages only when given: the ledger hashes the repr of
        # events, so a text written before the partners' languages came keeps its hash (and SEQUENCE).
        extra = "".join(f", {lang}={getattr(self, lang)!r}" for lang in LANGUAGES[2:] if getattr(self, lang))
        return f"Text(sv={self.sv!r}, en={self.en!r}{extra})"


@dataclass(frozen=True)
class Calendar:
    name: Text
    description: Text = Text()
    timezone: str = "Europe/Stockholm"
    organizer: str = ""


PARTNER_ROLES = ("lead", "partner", "associated")


@dataclass(frozen=True)
class Partner:
    """An organisation taking part. ``place`` is a location key; ``coordinates`` (lat, lon) a
    point for one without a location of its own; either, both or neither may be given."""

    name: Text
    role: str  # one of PARTNER_ROLES
    country: str = ""  # ISO 3166-1 alpha-2, "" if not known
    place: str = ""
    coordinates: tuple[float, float] | None = None
    url: str = ""


@dataclass(frozen=True)
class Municipality:
    """A pilot municipality: a name, and where it is, as for a partner."""

    name: Text
    place: str = ""
    coordinates: tuple[float, float] | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    title: Text = Text()
    organisation: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Project:
    slug: str
    name: Text
    short_name: Text = Text()
    description: Text = Text()
    lead: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    url: str = ""
    aim: Text = Text()
    partners: tuple[Partner, ...] = ()
    partners_note: Text = Text()  # partners described in words, as a page does when it names none
    pilot_municipalities: tuple[Municipality, ...] = ()
    contacts: tuple[Contact, ...] = ()

    @property
    def contact(self) -> Contact | None:
        """The contact that feeds name as organizer: the first with an e-mail address."""
        return next((c for c in self.contacts if c.email), None)

    @property
    def label(self) -> Text:
        """The name used where space is short: feed titles, badges."""
        return self.short_name or self.name


@dataclass(frozen=True)
class Location:
    slug: str
    name: Text
    country: str  # ISO 3166-1 alpha-2
    timezone: str
    coordinates: tuple[float, float] | None = None  # (latitude, longitude) in degrees


@dataclass(frozen=True)
class Change:
    """One occurrence of a series moved, moved elsewhere or cancelled. ``None`` keeps the series' value."""

    date: dt.date  # the occurrence's original date: its key under 'changes:'
    start: dt.date | dt.datetime | None = None
    end: dt.date | dt.datetime | None = None  # for an all-day series the last day, as Event.end
    location: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Recurrence:
    """How an event repeats. ``rule`` is an RRULE without UNTIL ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU");
    ``until`` is the last possible start on the local clock: a date (its whole day) or a naive
    datetime. Exceptions and changes are keyed by the occurrence's original local date. The
    expansion into occurrences is ``calfeed/recurrence.py``."""

    rule: str
    until: dt.date | dt.datetime | None = None
    exceptions: tuple[dt.date, ...] = ()
    changes: tuple[Change, ...] = ()

    @property
    def endless(self) -> bool:
        return self.until is None and "COUNT=" not in self.rule

    def change_on(self, day: dt.date) -> Change | None:
        return next((c for c in self.changes if c.date == day), None)

    def without_cancelled(self) -> Recurrence:
        """Cancelled occurrences turned into exceptions: what ``?cancelled=hide`` publishes."""
        cancelled = {c.date for c in self.changes if c.status == "cancelled"}
        if not cancelled:
            return self
        return replace(self, exceptions=tuple(sorted({*self.exceptions, *cancelled})),
                       changes=tuple(c for c in self.changes if c.date not in cancelled))  # fmt: skip


@dataclass(frozen=True)
class Event:
    """One activity. All-day events have date start/end, timed ones aware datetimes.

    For an all-day event ``end`` is the last day (inclusive), as staff write it;
    ``end_exclusive`` is the day after, as iCalendar wants it.
    """

    id: str
    title: Text
    type: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    project: str = ""
    location: str = ""
    description: Text = Text()
    url: str = ""
    status: str = "confirmed"
    line: int = 0  # where the event starts in the events file, for messages
    recurrence: Recurrence | None = None  # a series: start/end are its first occurrence
    recurrence_id: dt.date | dt.datetime | None = None  # an occurrence of a series: where the rule put it

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def times(self) -> tuple[dt.datetime, dt.datetime]:
        """``start`` and ``end`` of a timed event, typed as the aware datetimes they then both are."""
        start, end = self.start, self.end
        if not (isinstance(start, dt.datetime) and isinstance(end, dt.datetime)):
            raise ValueError(f"{self.id} is all day: it has dates, not times")
        return start, end

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The zone a timed event's times are in; the loader anchors every time in a ZoneInfo."""
        zone = self.times[0].tzinfo
        assert isinstance(zone, zoneinfo.ZoneInfo)
        return zone

    @property
    def end_exclusive(self) -> dt.date | dt.datetime:
        if self.all_day:
            return self.end + dt.timedelta(days=1)
        return self.end

    def first_day(self, tz: dt.tzinfo) -> dt.date:
        if isinstance(self.start, dt.datetime):
            return self.start.astimezone(tz).date()
        return self.start

    def last_day(self, tz: dt.tzinfo) -> dt.date:
        """The last calendar day a single event (or one occurrence of a series) touches, seen from ``tz``.
        A series' last day depends on its rule: ``recurrence.last_day`` gives it."""
        if self.recurrence is not None:
            raise ValueError(f"{self.id} is a series: its last day is recurrence.last_day(event, tz)")
        return last_day_touched(self.start, self.end, tz)


def last_day_touched(start: dt.date | dt.datetime, end: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The last calendar day from ``start`` to ``end`` touches, seen from ``tz``; a date ``end`` is
    itself the last day (as staff write an all-day event)."""
    if not isinstance(end, dt.datetime):
        return end
    local_end = end.astimezone(tz)
    first = start.astimezone(tz).date() if isinstance(start, dt.datetime) else start
    # An event ending at midnight does not touch the next day.
    if local_end.time() == dt.time(0) and local_end.date() > first:
        return local_end.date() - dt.timedelta(days=1)
    return local_end.date()


@dataclass(frozen=True)
class Schedule:
    """Everything in one events file, validated. Events are sorted by start."""

    calendar: Calendar
    projects: Mapping[str, Project]
    locations: Mapping[str, Location]
    events: tuple[Event, ...]
    by_id: Mapping[str, Event] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {e.id: e for e in self.events})


def sort_key(event: Event) -> tuple[dt.datetime, str]:
    """Chronological order; an all-day event sorts at the start of its day in UTC."""
    start = event.start
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time(0), dt.UTC)
    return (start.astimezone(dt.UTC), event.id)


@dataclass(frozen=True)
class Filter:
    """A selection of events: OR within a facet, AND across facets. ``None`` matches all."""

    projects: frozenset[str] | None = None
    locations: frozenset[str] | None = None
    types: frozenset[str] | None = None
    hide_cancelled: bool = False

    def matches(self, event: Event) -> bool:
        return (
            (self.projects is None or event.project in self.projects)
            and (self.locations is None or event.location in self.locations)
            and (self.types is None or event.type in self.types)
            and not (self.hide_cancelled and event.status == "cancelled")
        )

    def narrow(self, facet: str, values: Iterable[str]) -> Filter:
        """This filter AND ``facet`` in ``values`` (a path segment on top of the query)."""
        current: frozenset[str] | None = getattr(self, facet)
        wanted = frozenset(values)
        narrowed: dict[str, Any] = {facet: wanted if current is None else current & wanted}  # a field named at run time
        return replace(self, **narrowed)

    def __bool__(self) -> bool:
        return not (self.projects is None and self.locations is None and self.types is None)


def select(events: Iterable[Event], selection: Filter) -> list[Event]:
    chosen = [e for e in events if selection.matches(e)]
    if selection.hide_cancelled:  # a series keeps its other occurrences; the cancelled ones are skipped
        chosen = [replace(e, recurrence=e.recurrence.without_cancelled()) if e.recurrence else e for e in chosen]
    return chosen


def upcoming(events: Iterable[Event], today: dt.date, tz: dt.tzinfo) -> list[Event]:
    """Events not yet ended on ``today`` (in ``tz``), soonest first. Series are expanded first
    (``recurrence.expand``): their last day depends on the rule, which this module does not read."""
    return [e for e in events if e.last_day(tz) >= today]


def past(events: Iterable[Event], today: dt.date, tz: dt.tzinfo) -> list[Event]:
    """Events that ended before ``today`` (in ``tz``), most recent first; series expanded first, as for ``upcoming``."""
    return sorted((e for e in events if e.last_day(tz) < today), key=sort_key, reverse=True)
