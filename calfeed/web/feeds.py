"""Blueprint ``feeds``: every .ics URL. The bytes themselves are built in ``calfeed.ics``.

Layer: web.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from .. import ics
from ..ics_shelf import STAMP
from ..icsbytes import Memo
from ..model import Event, Filter, Schedule, select
from ..recurrence import last_day
from ..vocabulary import type_plural
from .byte_cache import cached
from .conditional import send
from .current import calendar_zone, snapshot, today
from .query import BadRequest, known, language, query_args, query_filter
from .urls import absolute, absolute_links, base_url, lang_route, uid_domain

bp = Blueprint("feeds", __name__)
CALENDAR = "text/calendar; charset=utf-8"


@lang_route(bp, "/calendar.ics")
def everything(lang: str) -> Response:
    return _feed(lang, query_filter(), "feeds.everything", {})


@lang_route(bp, "/projects/<slug>.ics")
def project(lang: str, slug: str) -> Response:
    known("project", slug)
    return _feed(lang, query_filter().narrow("projects", [slug]), "feeds.project", {"slug": slug})


@lang_route(bp, "/locations/<slug>.ics")
def location(lang: str, slug: str) -> Response:
    known("location", slug)
    return _feed(lang, query_filter().narrow("locations", [slug]), "feeds.location", {"slug": slug})


@lang_route(bp, "/types/<slug>.ics")
def event_type(lang: str, slug: str) -> Response:
    known("type", slug)
    return _feed(lang, query_filter().narrow("types", [slug]), "feeds.event_type", {"slug": slug})


@lang_route(bp, "/events/<event_id>.ics")
def event(lang: str, event_id: str) -> Response:
    lang = language(lang)
    found = snapshot().schedule.by_id.get(event_id)
    if found is None:
        abort(404)
    entry = cached(("event.ics", event_id, lang), lambda: event_download(found, lang))
    return send(entry, CALENDAR, download=f"{event_id}.ics")


def event_download(event: Event, lang: str) -> bytes:
    """The bytes of one event's download (the link on its page), also written by ``calfeed build``."""
    return ics.calendar([event], ics_context(lang), None, vevent_memo())


def ics_context(lang: str) -> ics.Context:
    """What every VEVENT of this request's feeds needs: its version, language, UID domain and page
    links. One per request and language: the memo works out what a context's bytes depend on once
    per context (``Memo.scope``), and ``calfeed build`` writes 10,000 downloads in one request."""
    made = request.environ.setdefault("calfeed.ics_contexts", {})
    if lang not in made:
        current, page = snapshot(), absolute_links("pages.event", lang, "event_id")

        def page_url(event: Event) -> str:
            return page(event.id)

        made[lang] = ics.Context(current.schedule, current.revisions, lang, uid_domain(), page_url)
    return made[lang]


VEVENTS = "calfeed.vevents"  # the app's extension holding each event's serialised bytes
SHELF = "calfeed.vevent_shelf"  # the state folder's copy of them (ics_shelf), if the app has a state folder
KEPT = "calfeed.kept_feeds"  # and its copy of each language's all-events feed (ics_shelf.KeptFeeds)


def vevent_memo() -> Memo:
    """The app's one memo of each event's bytes: they outlive a version of the file, so an edit
    re-serialises one event, and with a state folder they outlive the process too."""
    memo = current_app.extensions.get(VEVENTS)
    if memo is None:
        memo = current_app.extensions[VEVENTS] = Memo(current_app.extensions.get(SHELF))
    return memo.for_version(snapshot().identity)


def _past_days() -> int:
    raw = request.args.get("past")
    if raw is None:
        return int(current_app.config["CALFEED_PAST_DAYS"])
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:  # "²" is a digit to isdigit, not to int
        raise BadRequest("past must be a whole number of days, e.g. past=90")
    return int(raw)


def _feed(lang: str, selection: Filter, endpoint: str, path_values: dict[str, str]) -> Response:
    lang = language(lang)
    past_days = _past_days()
    oldest = today() - dt.timedelta(days=past_days) if past_days >= 0 else None
    key = ("feed", endpoint, tuple(path_values.items()), selection, lang, oldest)

    def build() -> bytes:
        kept = current_app.extensions.get(KEPT) if endpoint == "feeds.everything" and not request.args else None
        if kept is None:  # no state folder, or a feed of a few subscribers: a restart builds it when asked
            return assemble()
        name = kept_name(key)
        body = kept.read(name)
        if body is None:
            body = assemble()
            kept.write(name, body)
        return body

    def assemble() -> bytes:
        schedule = snapshot().schedule
        events = select(schedule.events, selection)
        if oldest is not None:
            zone = calendar_zone()
            events = [e for e in events if last_day(e, zone) >= oldest]
        url = absolute(endpoint, lang=lang, **path_values, **query_args(selection, path_values))
        if past_days >= 0 and "past" in request.args:
            url += ("&" if "?" in url else "?") + f"past={past_days}"
        name = feed_title(schedule, selection, lang)
        info = ics.FeedInfo(name, schedule.calendar.description.get(lang) or name, url,
                            current_app.config["CALFEED_REFRESH"])  # fmt: skip
        memo = vevent_memo()
        body = ics.calendar(events, ics_context(lang), info, memo)
        if current_app.extensions.get(SHELF) is not None:  # the state folder's (calfeed build shelves its own)
            memo.shelve()  # for the next process: a restart then starts in a fraction of a second
        return body

    return send(cached(key, build), CALENDAR, last_modified=_window_moved(oldest))


def kept_name(key: tuple) -> str:
    """A name for a feed's bytes that changes with anything they are built from: the version of
    the file (and so its schedule), its revisions, the feed's key (language, filter, window), the
    address, the settings and the code and icalendar that serialise it."""
    current = snapshot()
    parts = (STAMP, current.version, current.revisions, key, base_url(), uid_domain(), settings(current_app.config))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def settings(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The CALFEED_* settings, in a form to hash: kept output is made again when one changes."""
    return sorted((k, repr(v)) for k, v in config.items() if k.startswith("CALFEED_"))


def _window_moved(oldest: dt.date | None) -> dt.datetime | None:
    """With a window of past days, events leave the feed at midnight without any edit: the feed's
    Last-Modified is then at least that midnight, so If-Modified-Since never gets a wrong 304."""
    if oldest is None:
        return None
    midnight = dt.datetime.combine(today(), dt.time(0), calendar_zone()).astimezone(dt.UTC)
    return max(snapshot().revisions.last_modified, midnight)


def feed_title(schedule: Schedule, selection: Filter, lang: str) -> str:
    """'Umbrella – utbildningar – Region Kalmar län'; the calendar's own name when unfiltered."""
    parts = []
    if selection.projects is not None:
        parts.append(", ".join(schedule.projects[p].label.get(lang) for p in sorted(selection.projects)))
    if selection.types is not None:
        parts.append(", ".join(type_plural(t, lang) for t in sorted(selection.types)))
    if selection.locations is not None:
        parts.append(", ".join(schedule.locations[p].name.get(lang) for p in sorted(selection.locations)))
    if not parts:
        return schedule.calendar.name.get(lang)
    organizer = schedule.calendar.organizer
    return " – ".join(parts + ([organizer] if organizer else []))
