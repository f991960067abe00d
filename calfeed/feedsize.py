"""How big each feed the site serves would be: the measure behind ``calfeed check``'s warning about
Google Calendar's limit.

Layer: site (between ``ics`` and ``web``: it knows the paths of the site's feeds and event pages,
which ``tests/test_feedsize.py`` keeps equal to the app's routes, but not Flask). Imports ``ics``,
``model`` and ``revisions``.
"""

from __future__ import annotations

from collections.abc import Callable

from . import ics
from .model import EVENT_TYPES, LANGUAGES, Event, Filter, Schedule, select
from .revisions import EPOCH, Revisions

NAME_MARGIN = 4_000  # how much more than /calendar.ics a narrower feed's name and URLs can take


def served_feeds(schedule: Schedule) -> list[tuple[str, Filter]]:
    """The path and selection of every feed the site serves; query filters only narrow these."""
    return [
        ("/calendar.ics", Filter()),
        *((f"/projects/{slug}.ics", Filter(projects=frozenset([slug]))) for slug in schedule.projects),
        *((f"/locations/{slug}.ics", Filter(locations=frozenset([slug]))) for slug in schedule.locations),
        *((f"/types/{kind}.ics", Filter(types=frozenset([kind]))) for kind in EVENT_TYPES),
    ]


def oversized_feeds(
    schedule: Schedule, limit: int, base_url: str = "https://" + ics.DEFAULT_UID_DOMAIN
) -> list[tuple[str, int]]:
    """(path, bytes) of every served feed, in every language, with more than ``limit`` bytes when
    it carries all its events. A served feed is a subset of ``/calendar.ics`` and differs from it
    only by a longer name and address (``NAME_MARGIN``), so the others are only built when that
    one comes close."""
    found = []
    for lang in LANGUAGES:
        prefix = language_prefix(lang)
        ctx = ics.Context(schedule, Revisions({}, EPOCH), lang, ics.DEFAULT_UID_DOMAIN, page_url(base_url + prefix))
        name, description = schedule.calendar.name.get(lang), schedule.calendar.description.get(lang)
        for path, selection in served_feeds(schedule):
            info = ics.FeedInfo(name, description, base_url + path)
            size = len(ics.calendar(select(schedule.events, selection), ctx, info))
            if size > limit:
                found.append((prefix + path, size))
            elif path == "/calendar.ics" and size <= limit - NAME_MARGIN:
                break
    return found


def language_prefix(lang: str) -> str:
    """The path prefix of a language: none for the first (Swedish), ``/en`` and so on for the others."""
    return "" if lang == LANGUAGES[0] else f"/{lang}"


def page_url(base_url: str) -> Callable[[Event], str]:
    """Links to event pages under ``base_url`` (which includes the language prefix)."""
    return lambda event: f"{base_url}/events/{event.id}"
