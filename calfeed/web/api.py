"""Blueprint ``api``: /events.json, /healthz and /schema.json.

Layer: web.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..model import Event, select
from ..recurrence import AHEAD, BEHIND, expand
from ..vocabulary import type_name
from .byte_cache import cached
from .conditional import send
from .current import calendar_zone, snapshot, today
from .query import BadRequest, query_filter
from .urls import absolute_links, lang_route, uid_domain

bp = Blueprint("api", __name__)


def event_entries(lang: str) -> Callable[[Event], dict[str, Any]]:
    """An event's entry in /events.json, as a function of the event: what every entry shares (the
    schedule, the UID's domain, the address of an event's page and feed) is looked up once per list."""
    schedule = snapshot().schedule
    domain = uid_domain()
    page, ics = absolute_links("pages.event", lang, "event_id"), absolute_links("feeds.event", lang, "event_id")

    def entry(event: Event) -> dict[str, Any]:
        place = schedule.locations.get(event.location)
        return {
            "id": event.id,
            "uid": f"{event.id}@{domain}",
            "title": event.title.get(lang),
            "type": event.type,
            "type_name": type_name(event.type, lang),
            "status": event.status,
            "all_day": event.all_day,
            "start": event.start.isoformat(),
            "end": event.end.isoformat(),
            "timezone": None if event.all_day else event.zone.key,
            "project": event.project or None,
            "location": event.location or None,
            "location_name": place.name.get(lang) if place else None,
            "country": place.country if place else None,
            "description": event.description.get(lang) or None,
            "url": event.url or None,
            "page": page(event.id),
            "ics": ics(event.id),
            # one occurrence of a repeating event: where its series put it (null for a single event)
            "recurrence_id": event.recurrence_id.isoformat() if event.recurrence_id is not None else None,
        }

    return entry


def events_body(entries: Iterable[dict[str, Any]]) -> bytes:
    """``json.dumps({"events": [...]}, indent=1)``, one event at a time into one buffer: a 10,000-event
    list of dictionaries would hold ~50 MB at once, one event's text a few hundred bytes."""
    out = io.BytesIO()
    out.write(b'{\n "events": [')
    separator = b"\n  "
    for entry in entries:
        out.write(separator)
        out.write(_entry_json(entry).encode())
        separator = b",\n  "
    out.write(b"]\n}" if separator == b"\n  " else b"\n ]\n}")
    return out.getvalue()


# C code for a flat entry two levels deep: the item separator carries indent=1's newline and spaces
_FLAT_ENTRY = json.JSONEncoder(ensure_ascii=False, separators=(",\n   ", ": ")).encode
_SCALARS = frozenset({str, bool, int, float, type(None)})


def _entry_json(entry: dict[str, Any]) -> str:
    """One entry as ``json.dumps(..., indent=1)`` writes it two levels deep. An event's entry is
    flat, written here with the C encoder: ``indent=`` takes json's pure-Python path, whose
    closures are reference cycles that pile up while the collector is paused for the build."""
    if not entry or not _SCALARS.issuperset(map(type, entry.values())):
        return json.dumps(entry, ensure_ascii=False, indent=1).replace("\n", "\n  ")
    return "{\n   " + _FLAT_ENTRY(entry)[1:-1] + "\n  }"


@lang_route(bp, "/events.json")
def events(lang: str) -> Response:
    selection = query_filter()
    first, last, limited = _window()

    def build() -> bytes:
        zone = calendar_zone()
        chosen = expand(select(snapshot().schedule.events, selection), first, last, zone)
        if limited:
            chosen = [e for e in chosen if e.first_day(zone) <= last and e.last_day(zone) >= first]
        return events_body(map(event_entries(lang), chosen))

    key = ("events.json", selection, lang, first, last, limited)
    return send(cached(key, build), "application/json; charset=utf-8")


def _window() -> tuple[dt.date, dt.date, bool]:
    """The days a repeating event is listed for: ``?from=`` and ``?to=`` (YYYY-MM-DD, which then limit
    single events too), by default two years back to one ahead; at most ten years, so never unbounded."""
    days = {}
    for name in ("from", "to"):
        raw = request.args.get(name)
        if raw is not None:
            try:
                days[name] = dt.date.fromisoformat(raw)
            except ValueError:
                raise BadRequest(f"{name} must be a date written YYYY-MM-DD, e.g. {name}=2020-01-31") from None
    first = days.get("from", today() - BEHIND)
    last = days.get("to", min(max(first, today()), dt.date.max - AHEAD) + AHEAD)
    if not dt.timedelta(0) <= last - first <= dt.timedelta(days=3653):
        raise BadRequest("from must be on or before to, and at most ten years before it")
    return first, last, bool(days)


@bp.route("/healthz")
def healthz() -> Response:
    """What is served and whether it is the events file as it is now: ``stale`` while the file is
    bad (the last accepted version is served), with every problem and since when."""
    store = current_app.extensions["calfeed"]
    current = snapshot()
    body: dict[str, Any] = {
        "status": "ok" if store.stale is None else "stale",
        "version": current.version,
        "events": len(current.schedule.events),
        "file": current.path,
        "loaded_at": current.loaded_at.isoformat(timespec="seconds"),
        "warnings": [str(p) for p in current.warnings],
        "state": str(getattr(store.state, "path", "")) or None,
        "problems": [p.as_dict() for p in (*store.problems, *current.notes)],
    }
    if store.stale is not None:
        body["errors"] = [p.as_dict() for p in store.stale.problems]
        body["stale_since"] = store.stale.since.isoformat(timespec="seconds")
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@cache
def _packaged(name: str) -> bytes:
    return files("calfeed").joinpath(name).read_bytes()


def _send_packaged(name: str, content_type: str) -> Response:
    """A JSON document shipped in the package, with a strong ETag and a day-long public cache."""
    body = _packaged(name)
    response = Response(body, content_type=content_type)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.make_conditional(request)  # in place (what it returns is typed as werkzeug's class)
    return response


@bp.route("/schema.json")
def schema() -> Response:
    """The JSON Schema of the events file, for editors' modeline (# yaml-language-server: $schema=...)."""
    return _send_packaged("schema.json", "application/schema+json")


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of the public URLs, for integrators (and the URL fuzzing tests)."""
    return _send_packaged("openapi.json", "application/json")
