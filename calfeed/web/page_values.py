"""What the pages, the embedded list and the Atom feed of upcoming activities share: which events
are upcoming and which are past (each series as its occurrences), the values every page template
gets, and an event as one line of a list.

Layer: web.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from .. import listing
from ..model import Event, Filter, past, upcoming
from ..recurrence import AHEAD, BEHIND, expand
from .current import calendar_zone, snapshot, today
from .query import query_args
from .urls import absolute_links

EMBED_LIMIT = 10  # events in the embedded list unless ?limit= says otherwise, and in the agenda's preview of it


def coming(events: list[Event]) -> list[Event]:
    """Events not yet ended, each series as its occurrences in the coming year (AHEAD)."""
    zone = calendar_zone()
    return _shared("coming", events, lambda: upcoming(expand(events, today(), today() + AHEAD, zone), today(), zone))


def ended(events: list[Event]) -> list[Event]:
    """Ended events, newest first, each series as its occurrences of the last two years (BEHIND)."""
    zone = calendar_zone()
    return _shared("ended", events, lambda: past(expand(events, today() - BEHIND, today(), zone), today(), zone))


def _shared(name: str, events: list[Event], compute: Callable[[], list[Event]]) -> list[Event]:
    """``compute()``, worked out once a day per version when ``events`` are the whole schedule: the
    agenda, the past pages, the Atom feed and the embed ask for that list in every language (at
    10,000 events, expanding and sorting it is a quarter of the agenda's time). Callers only read it."""
    everything = snapshot().schedule.events
    if len(events) != len(everything) or not all(map(operator.is_, events, everything)):
        return compute()  # a filter's events: fewer, and as many lists as there are query strings
    cache, day = snapshot().cache, today()
    kept = cache.get(("whole schedule", name))
    if kept is None or kept[0] != day:
        kept = cache[("whole schedule", name)] = (day, compute())
    return kept[1]


LIST_ITEMS = "list items"  # the key, in a snapshot's cache, of the events' list items rendered so far
# ... and of the items a ``calfeed build`` kept from the one before, of events that did not change (export.py)
EARLIER_ITEMS = "earlier list items"


def list_item(render: Callable[..., str], event: Event, lang: str, level: int) -> str:
    """``render(event, schedule, lang, today, zone, level)``, once per event, language, heading level
    and day in a version of the file: an event's item is the same on the agenda, its project's,
    place's and type's pages, and at 10,000 events rendering it again on each is most of their time.
    The event is part of the key (not its id): an occurrence of a series is a different event."""
    cache, day = snapshot().cache, today()
    kept = cache.get((LIST_ITEMS, lang))
    if kept is None or kept[0] != day:  # another day: "today" and the upcoming part moved
        kept = cache[(LIST_ITEMS, lang)] = (day, {})
    items: dict[tuple[Event, int], str] = kept[1]
    found = items.get((event, level))
    if found is None:
        earlier = cache.get((EARLIER_ITEMS, lang))
        if earlier is not None and earlier[0] == day:
            html = earlier[1].pop(item_key(event, level), None)  # moved, not copied: held once
            found = None if html is None else Markup(html)  # HTML this code rendered for the same inputs
        if found is None:
            found = render(event, snapshot().schedule, lang, day, calendar_zone(), level)
        items[(event, level)] = found
    return found


def item_key(event: Event, level: int) -> tuple[str, str, int]:
    """An item's key in a build's items of the build before (``item_shelf``)."""
    return event.id, event.recurrence_id.isoformat() if event.recurrence_id is not None else "", level


def template_values(selection: Filter, lang: str) -> dict[str, Any]:
    """What every page's template is rendered with."""
    return {"schedule": snapshot().schedule, "selection": selection, "lang": lang,
            "today": today(), "zone": calendar_zone(), "query": query_args(selection)}  # fmt: skip


def lines(events: list[Event], lang: str) -> list[tuple[Event, listing.Line, str]]:
    """Each event with its line in the region's style and the absolute address of its page."""
    schedule, day, zone = snapshot().schedule, today(), calendar_zone()
    page = absolute_links("pages.event", lang, "event_id")
    return [(e, listing.line(e, schedule, lang, day, zone), page(e.id)) for e in events]
