"""What the pages, the embedded list and the Atom feed of upcoming activities share: which events
are upcoming and which are past (each series as its occurrences), the values every page template
gets, and an event as one line of a list.

Layer: web.
"""

from __future__ import annotations

from typing import Any

from .. import listing
from ..model import Event, Filter, past, upcoming
from ..recurrence import AHEAD, BEHIND, expand
from .current import calendar_zone, snapshot, today
from .query import query_args
from .urls import absolute

EMBED_LIMIT = 10  # events in the embedded list unless ?limit= says otherwise, and in the agenda's preview of it


def coming(events: list[Event]) -> list[Event]:
    """Events not yet ended, each series as its occurrences in the coming year (AHEAD)."""
    return upcoming(expand(events, today(), today() + AHEAD, calendar_zone()), today(), calendar_zone())


def ended(events: list[Event]) -> list[Event]:
    """Ended events, newest first, each series as its occurrences of the last two years (BEHIND)."""
    return past(expand(events, today() - BEHIND, today(), calendar_zone()), today(), calendar_zone())


def template_values(selection: Filter, lang: str) -> dict[str, Any]:
    """What every page's template is rendered with."""
    return {"schedule": snapshot().schedule, "selection": selection, "lang": lang,
            "today": today(), "zone": calendar_zone(), "query": query_args(selection)}  # fmt: skip


def lines(events: list[Event], lang: str) -> list[tuple[Event, listing.Line, str]]:
    """Each event with its line in the region's style and the absolute address of its page."""
    schedule, day, zone = snapshot().schedule, today(), calendar_zone()
    return [(e, listing.line(e, schedule, lang, day, zone), absolute("pages.event", event_id=e.id, lang=lang))
            for e in events]  # fmt: skip
