"""Blueprint ``updates``: news feeds. ``/upcoming.atom``: the upcoming activities as Atom, with the
agenda's filters. (The change log joins it in ``/changes`` and ``/changes.atom``.)

Layer: web. The XML is written by ``calfeed.atom``; this module only chooses the entries.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response

from .. import atom, dates, labels
from ..model import Event, Filter, Schedule, select
from ..ledger import Revisions
from .context import absolute, calendar_zone, lang_route, query_args, query_filter, snapshot, today, uid_domain
from .feeds import _language, feed_title
from .responses import cached, send

bp = Blueprint("updates", __name__)


def _midnight() -> dt.datetime:
    return dt.datetime.combine(today(), dt.time(0), calendar_zone()).astimezone(dt.timezone.utc)


def _updated() -> dt.datetime:
    """What is upcoming changes at midnight as well as on an edit: the later of the two."""
    return max(snapshot().revisions.last_modified, _midnight())


@lang_route(bp, "/upcoming.atom")
def upcoming(lang: str) -> Response:
    from .pages import _upcoming

    lang = _language(lang)
    selection = query_filter()

    def build() -> bytes:
        schedule, revisions = snapshot().schedule, snapshot().revisions
        events = _upcoming(select(schedule.events, selection))
        gettext = _gettext()
        feed = atom.Feed(
            id=atom.tag(uid_domain(), "upcoming", lang, *_query_parts(selection)),
            title=f"{gettext('Upcoming activities')}: {feed_title(schedule, selection, lang)}",
            self_url=absolute("updates.upcoming", lang=lang, **query_args(selection)),
            page_url=absolute("pages.agenda", lang=lang, **query_args(selection)),
            updated=_updated(), author=schedule.calendar.organizer or schedule.calendar.name.get(lang), lang=lang,
        )  # fmt: skip
        return atom.document(feed, [_upcoming_entry(e, schedule, revisions, lang) for e in events])

    entry = cached(("upcoming.atom", selection, lang, today()), build)
    return send(entry, atom.CONTENT_TYPE, last_modified=_updated())


def _upcoming_entry(event: Event, schedule: Schedule, revisions: Revisions, lang: str) -> atom.Entry:
    """One activity (or one date of a series): its page, and its date, place and type in the summary."""
    parts = [dates.when(event, lang)]
    place = schedule.locations.get(event.location)
    if place is not None:
        parts.append(f"{place.name.get(lang)}, {labels.country_name(place.country, lang)}")
    parts.append(labels.type_name(event.type, lang))
    if event.status != "confirmed":
        parts.append(labels.STATUS_NAMES[event.status].get(lang))
    title = event.title.get(lang)
    if event.status == "cancelled":
        title = labels.CANCELLED_PREFIX.get(lang) + title
    occurrence = [event.recurrence_id.isoformat()] if event.recurrence_id is not None else []
    return atom.Entry(
        id=atom.tag(uid_domain(), "event", event.id, *occurrence),
        title=title,
        link=absolute("pages.event", event_id=event.id, lang=lang),
        updated=revisions.of(event.id).modified,
        summary=" · ".join(parts),
        category=(event.type, labels.type_name(event.type, lang)),
    )


def _query_parts(selection: Filter) -> list[str]:
    """The filter in the feed's id, so each filtered feed is a feed of its own to a reader."""
    return [f"{name}={','.join(values) if isinstance(values, list) else values}"
            for name, values in query_args(selection).items()]  # fmt: skip


def _gettext():  # type: ignore[no-untyped-def]
    from flask import current_app

    return current_app.extensions["calfeed.gettext"]
