"""Where a feed is built: events -> RFC 5545 iCalendar bytes, with the ``icalendar`` library.

Layer: ics. Imports ``model``, ``revisions``, ``recurrence``, ``vocabulary``, ``icsbytes`` and ``tzrules``
(VTIMEZONEs); no Flask, no file, no clock, no address of the site: DTSTAMP and LAST-MODIFIED come from
the revisions and every link from ``Context.page_url``, so the same file gives the same bytes. The
caller owns the cache of each event's bytes (``icsbytes.Memo``) and passes it in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import icalendar

from . import __version__
from .icsbytes import PROBE, Memo, assemble, head_bytes, to_ical
from .model import Contact, Event, Schedule
from .recurrence import last_day, overrides, utc_until, wall_clock
from .revisions import Revisions
from .tzrules import vtimezone
from .vocabulary import CANCELLED_PREFIX, CONTACT, MORE_INFORMATION, country_name, type_name

PRODID = f"-//Region Kalmar län//calfeed {__version__}//SV"
DEFAULT_UID_DOMAIN = "calfeed.regionkalmar.se"  # the right-hand side of UIDs when nothing else is configured


@dataclass(frozen=True)
class FeedInfo:
    """What a subscribed calendar is called and where it lives. ``None`` for a one-event download."""

    name: str
    description: str
    url: str
    refresh: str = "PT6H"  # RFC 7986 duration


@dataclass(frozen=True)
class Context:
    """What every VEVENT needs besides the event: language, identity and links."""

    schedule: Schedule
    revisions: Revisions
    lang: str
    uid_domain: str
    page_url: Callable[[Event], str]


def uid(event: Event, uid_domain: str) -> str:
    """Stable identity: the event id and the publisher's domain, nothing that staff edit."""
    return f"{event.id}@{uid_domain}"


def location_text(event: Event, schedule: Schedule, lang: str) -> str:
    if not event.location:
        return ""
    place = schedule.locations[event.location]
    return f"{place.name.get(lang)}, {country_name(place.country, lang)}"


def summary(event: Event, lang: str) -> str:
    title = event.title.get(lang)
    return CANCELLED_PREFIX.get(lang) + title if event.status == "cancelled" else title


def vevent(event: Event, ctx: Context) -> icalendar.Event:
    revision = ctx.revisions.of(event.id)
    page = ctx.page_url(event)
    component = icalendar.Event()
    component.add("uid", uid(event, ctx.uid_domain))
    component.add("dtstamp", _shared("dtstamp", revision.modified))
    component.add("last-modified", _shared("last-modified", revision.modified))
    component.add("sequence", _shared("sequence", revision.sequence))
    component.add("summary", summary(event, ctx.lang))
    component.add("dtstart", event.start)
    component.add("dtend", event.end_exclusive)
    if event.recurrence is not None:
        _add_rule(component, event)
    if event.recurrence_id is not None:  # one changed occurrence of a series (RFC 5545 3.8.4.4)
        component.add("recurrence-id", event.recurrence_id)
    if event.all_day:
        component.add("transp", _shared("transp", "TRANSPARENT"))  # a whole-day activity should not block the day
    component.add("status", _shared("status", event.status.upper()))
    place = location_text(event, ctx.schedule, ctx.lang)
    if place:
        component.add("location", _shared("location", place))
    coordinates = ctx.schedule.locations[event.location].coordinates if event.location else None
    if coordinates:  # RFC 5545 3.8.1.6: "latitude;longitude", so clients can show the place on a map
        component.add("geo", _shared("geo", coordinates))
    component.add("categories", _shared("categories", (type_name(event.type, ctx.lang),)))
    more = MORE_INFORMATION.get(ctx.lang)
    text = event.description.get(ctx.lang)
    project = ctx.schedule.projects.get(event.project)
    contact = project.contact if project else None
    parts = [text] if text else []
    if contact:
        parts.append(contact_text(contact, ctx.lang))
    component.add("description", "\n\n".join([*parts, f"{more}: {page}"]))
    component.add("url", page, parameters={"VALUE": "URI"})
    if contact:  # the project's contact, so "reply to organizer" reaches a person
        component.add("organizer", f"mailto:{contact.email}", parameters={"CN": contact.name})
    return component


@lru_cache(maxsize=4096)
def _shared(name: str, value: Any) -> Any:
    """A property value that many events share (a status, a place, a category, a revision time),
    encoded by icalendar once instead of once per event: most of a VEVENT's build time is icalendar
    constructing property and parameter objects. Exactly what ``Component.add`` would store."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)  # DTSTAMP and LAST-MODIFIED are UTC, as add() makes them
    if isinstance(value, tuple):
        value = list(value)
    return icalendar.Event._encode(name, value)


def contact_text(contact: Contact, lang: str) -> str:
    """'Kontakt: name, title, organisation, e-mail, phone' — what a reader needs to get in touch."""
    details = [contact.name, contact.title.get(lang), contact.organisation, contact.email, contact.phone]
    return CONTACT.get(lang) + ": " + ", ".join(d for d in details if d)


def calendar(events: Iterable[Event], ctx: Context, info: FeedInfo | None, memo: Memo | None = None) -> bytes:
    """The iCalendar bytes of a feed (``info`` given) or of a one-event download (``info=None``).
    With ``memo``, each event's bytes are taken from it when serialised before, and kept in it."""
    vevents = []
    zones: dict[str, list[dt.date]] = {}
    for event in events:
        changed = overrides(event)  # a series' moved and cancelled occurrences: same UID, own RECURRENCE-ID
        vevents.append(vevent_bytes(event, changed, ctx, memo))
        if not event.all_day:
            start, end = event.times
            zones.setdefault(event.zone.key, []).extend(
                (start.date(), end.date(), *_series_days(event), *(o.times[1].date() for o in changed))
            )
    # Every TZID used gets its VTIMEZONE, ahead of the events, as Outlook expects.
    timezones = [vtimezone_bytes(key, min(zones[key]).year, max(zones[key]).year) for key in sorted(zones)]
    head = _download_head() if info is None else head_bytes(properties(info, ctx.schedule.calendar.timezone))
    return assemble(head, [*timezones, *vevents], memo)


@cache
def _download_head() -> bytes:
    """A one-event download's own properties, the same for every event (60,000 downloads at 10,000 events)."""
    return head_bytes(properties(None, ""))


def properties(info: FeedInfo | None, zone: str) -> icalendar.Calendar:
    """The calendar's own properties: a feed's (``info``) or a one-event download's (None)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if info is not None:
        # Outlook makes a new calendar for a download that carries a name, so only feeds do.
        # icalendar does not know NAME (RFC 7986) or the X-WR-* names and would leave their commas
        # and semicolons unescaped (vobject then cuts the name at the first comma): say they are TEXT.
        cal.add("name", icalendar.vText(info.name))
        cal.add("x-wr-calname", icalendar.vText(info.name))
        cal.add("description", info.description)
        cal.add("x-wr-caldesc", icalendar.vText(info.description))
        cal.add("x-wr-timezone", zone)
        cal.add("url", info.url, parameters={"VALUE": "URI"})
        cal.add("source", info.url, parameters={"VALUE": "URI"})
        cal.add("refresh-interval", icalendar.vDuration.from_ical(info.refresh), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", info.refresh)
    return cal


@lru_cache(maxsize=256)
def vtimezone_bytes(key: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE serialised once: every one-event download of a zone's year carries the same."""
    return to_ical(vtimezone(key, first_year, last_year))


def vevent_bytes(event: Event, changed: list[Event], ctx: Context, memo: Memo | None = None) -> bytes | memoryview:
    """The serialised VEVENT of ``event`` and of its ``changed`` occurrences, the same bytes as
    icalendar's; from ``memo`` when this event, language and revision were serialised before."""

    def build() -> bytes:
        return b"".join(to_ical(vevent(e, ctx)) for e in (event, *changed))

    if memo is None:
        return build()
    scope = memo.scope(ctx, lambda: depends_on(ctx))
    return memo.get_or_build((scope, ctx.revisions.of(event.id)), event, build)


def depends_on(ctx: Context) -> Hashable:
    """What a VEVENT's bytes depend on besides the event itself and its revision: the language,
    the UID domain, how links are built (``page_url(PROBE)`` stands for them), and the calendar,
    projects and locations that LOCATION, GEO, ORGANIZER and DESCRIPTION are taken from. A new
    ``vevent`` input belongs here too, or the memo would hand out bytes built without it."""
    schedule = ctx.schedule
    return (ctx.lang, ctx.uid_domain, ctx.page_url(PROBE), schedule.calendar, tuple(schedule.projects.items()),
            tuple(schedule.locations.items()))  # fmt: skip


def _add_rule(component: icalendar.Event, event: Event) -> None:
    """RRULE and EXDATE of a series on its own clock: DTSTART carries the TZID, so clients repeat
    10:00 local across daylight-saving changes. UNTIL is UTC for a timed series (RFC 5545 3.3.10).

    A skipped date ('except') becomes an EXDATE: nothing happens, nothing is shown. A cancelled
    occurrence stays an override with STATUS:CANCELLED and the "INSTÄLLT:" title, like a cancelled
    single event: every client then shows that it was called off (Outlook, which ignores STATUS,
    still shows the title) instead of it silently vanishing; ``?cancelled=hide`` turns it into an
    EXDATE, which every client removes."""
    recurrence = event.recurrence
    assert recurrence is not None
    rule = icalendar.vRecur.from_ical(recurrence.rule)
    if recurrence.until is not None:
        rule["UNTIL"] = [utc_until(recurrence, event.start)]
    component.add("rrule", rule)
    if recurrence.exceptions:
        clock = wall_clock(event.start).time()
        zone = None if event.all_day else event.times[0].tzinfo
        component.add("exdate", [day if event.all_day else dt.datetime.combine(day, clock, zone)
                                 for day in recurrence.exceptions])  # fmt: skip


def _series_days(event: Event) -> tuple[dt.date, ...]:
    """The last day of a timed series, so that its VTIMEZONE covers it; ten years for one without an end."""
    if event.recurrence is None:
        return ()
    start, _ = event.times
    return (min(last_day(event, event.zone), start.date() + dt.timedelta(days=3653)),)
