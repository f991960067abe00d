"""Blueprint ``api``: /events.json, /healthz and /schema.json.

Layer: web.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..labels import type_name
from ..model import Event, select
from .context import absolute, ics_context, lang_route, query_filter, snapshot
from .responses import cached, send

bp = Blueprint("api", __name__)


def event_json(event: Event, lang: str) -> dict[str, Any]:
    schedule = snapshot().schedule
    place = schedule.locations.get(event.location)
    return {
        "id": event.id,
        "uid": f"{event.id}@{ics_context(lang).uid_domain}",
        "title": event.title.get(lang),
        "type": event.type,
        "type_name": type_name(event.type, lang),
        "status": event.status,
        "all_day": event.all_day,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "timezone": None if event.all_day else event.start.tzinfo.key,
        "project": event.project or None,
        "location": event.location or None,
        "location_name": place.name.get(lang) if place else None,
        "country": place.country if place else None,
        "description": event.description.get(lang) or None,
        "url": event.url or None,
        "page": absolute("pages.event", event_id=event.id, lang=lang),
        "ics": absolute("feeds.event", event_id=event.id, lang=lang),
    }


@lang_route(bp, "/events.json")
def events(lang: str) -> Response:
    selection = query_filter()

    def build() -> bytes:
        chosen = select(snapshot().schedule.events, selection)
        body = {"events": [event_json(e, lang) for e in chosen]}
        return json.dumps(body, ensure_ascii=False, indent=1).encode()

    return send(cached(("events.json", selection, lang), build), "application/json; charset=utf-8")


@bp.route("/healthz")
def healthz() -> Response:
    store = current_app.extensions["calfeed"]
    current = store.current()
    body: dict[str, Any] = {
        "status": "ok" if store.stale is None else "stale",
        "events": len(current.schedule.events),
        "file": current.path,
        "loaded_at": current.loaded_at.isoformat(timespec="seconds"),
        "warnings": [str(p) for p in current.warnings],
    }
    if store.stale is not None:
        body["errors"] = [p.as_dict() for p in store.stale.problems]
        body["stale_since"] = store.stale.since.isoformat(timespec="seconds")
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@cache
def _schema() -> bytes:
    return files("calfeed").joinpath("schema.json").read_bytes()


@bp.route("/schema.json")
def schema() -> Response:
    """The JSON Schema of the events file, for editors' modeline (# yaml-language-server: $schema=...)."""
    body = _schema()
    response = Response(body, content_type="application/schema+json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


@cache
def _openapi() -> bytes:
    return files("calfeed").joinpath("openapi.json").read_bytes()


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of the public URLs, for integrators (and the URL fuzzing tests)."""
    body = _openapi()
    response = Response(body, content_type="application/json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response.make_conditional(request)
