"""Per-request helpers shared by the blueprints: the current snapshot, language, filters, links.

Layer: web.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, request, url_for

from .. import ics
from ..model import EVENT_TYPES, LANGUAGES, Filter
from ..store import Snapshot, Store

FACETS = {"project": "projects", "location": "locations", "type": "types"}
PREFIX = f"/<any({','.join(LANGUAGES[1:])}):lang>"  # the language prefix of every page and feed but Swedish's
SNAPSHOT = "calfeed.snapshot"  # the WSGI environ key under which Replay hands its snapshot down


class BadRequest(Exception):
    """A query parameter with a value we do not know; rendered as a 400 naming the valid ones."""

    def __init__(self, message: str, valid: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.valid = valid or []


def snapshot() -> Snapshot:
    """The version this request is answered from, pinned when the request starts (by ``Replay``, or
    on first use), so that nothing in one answer comes from two versions of the events file."""
    pinned: Snapshot | None = g.get("calfeed_snapshot")
    if pinned is None:
        store: Store = current_app.extensions["calfeed"]
        pinned = g.calfeed_snapshot = request.environ.get(SNAPSHOT) or store.current()
    return pinned


def lang_route(bp: Blueprint, rule: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view at ``rule`` (Swedish) and at ``/en``, ``/da``, ``/de``, ``/pl``, ``/lt`` + ``rule``
    (each other language), one endpoint."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        bp.add_url_rule(rule, view_func=view, defaults={"lang": LANGUAGES[0]}, **options)
        bp.add_url_rule(PREFIX + rule, view_func=view, **options)
        return view

    return register


def facet_values(name: str) -> list[str]:
    """The valid values of a filter facet in the current schedule."""
    schedule = snapshot().schedule
    if name == "project":
        return list(schedule.projects)
    if name == "location":
        return list(schedule.locations)
    return list(EVENT_TYPES)


def normalised(value: str) -> str:
    """A filter value as matched: without surrounding space, NFKC, case folded (TRAINING = training)."""
    return unicodedata.normalize("NFKC", value.strip()).casefold()


def query_filter() -> Filter:
    """The filter in the query string: each facet repeatable (OR), facets combined (AND). Values
    match whatever their case; the filter holds each one as the file writes it, so cache keys and
    links are the same for ?type=TRAINING and ?type=training."""
    chosen: dict[str, frozenset[str] | None] = {}
    for name, attribute in FACETS.items():
        values = [v.strip() for raw in request.args.getlist(name) for v in raw.split(",")]
        if not values:
            chosen[attribute] = None
            continue
        valid = facet_values(name)
        canonical = {normalised(v): v for v in valid}
        unknown = [v for v in values if normalised(v) not in canonical]
        if unknown:
            shown = unknown[0][:40] or "(empty)"
            raise BadRequest(f"unknown {name} '{shown}'", valid)
        chosen[attribute] = frozenset(canonical[normalised(v)] for v in values)
    cancelled = request.args.get("cancelled", "show")
    if cancelled not in ("show", "hide"):
        raise BadRequest("cancelled must be 'show' or 'hide'", ["show", "hide"])
    return Filter(hide_cancelled=cancelled == "hide", **chosen)


def query_args(selection: Filter, path_values: dict[str, str] | None = None) -> dict[str, Any]:
    """The query string that reproduces ``selection``, in one canonical order, leaving out
    the facet a path segment already fixes (``/projects/umbrella.ics`` needs no ?project=)."""
    fixed = set((path_values or {}).values())
    args: dict[str, Any] = {}
    for name, attribute in FACETS.items():
        values = getattr(selection, attribute)
        if values is not None and not (len(values) == 1 and values <= fixed):
            args[name] = sorted(values)
    if selection.hide_cancelled:
        args["cancelled"] = "hide"
    return args


def page_number() -> int:
    """``?page=``: a whole number from 1 (page 1 when absent); anything else is a 400."""
    page = request.args.get("page", "1")
    if not (page.isascii() and page.isdigit() and 0 < int(page) < 10_000):
        raise BadRequest("page must be a whole number from 1 to 9999, e.g. page=2")
    return int(page)


def known(kind: str, slug: str) -> None:
    """404 for a slug in a path that the schedule does not have."""
    if slug not in facet_values(kind):
        abort(404)


def calendar_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(snapshot().schedule.calendar.timezone)


def today() -> dt.date:
    """Today where the calendar is (freezegun-friendly: reads the clock here and only here)."""
    return dt.datetime.now(calendar_zone()).date()


def base_url() -> str:
    return (current_app.config["CALFEED_BASE_URL"] or request.url_root).rstrip("/")


def absolute(endpoint: str, **values: Any) -> str:
    # url_for's path starts with the script root (a proxy's X-Forwarded-Prefix), which base_url() has already.
    return base_url() + url_for(endpoint, **values)[len(request.script_root) :]


def uid_domain() -> str:
    configured = current_app.config["CALFEED_UID_DOMAIN"]
    if configured:
        return configured
    return urlsplit(current_app.config["CALFEED_BASE_URL"]).hostname or ics.DEFAULT_UID_DOMAIN
