"""The query string read: filters (``?type=``, ``?project=``, ``?location=``, ``?cancelled=``), the
language (``?lang=``) and page numbers; a value we do not know is a ``BadRequest`` (a 400 naming the
valid ones), and 404 for a slug in a path that the schedule does not have.

Layer: web.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import abort, request

from ..model import EVENT_TYPES, LANGUAGES, Filter
from .current import snapshot

FACETS = {"project": "projects", "location": "locations", "type": "types"}


class BadRequest(Exception):
    """A query parameter with a value we do not know; rendered as a 400 naming the valid ones."""

    def __init__(self, message: str, valid: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.valid = valid or []


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


def language(lang: str) -> str:
    """The language of a feed: ``?lang=`` where given, else the path's."""
    chosen = request.args.get("lang", lang)
    if chosen not in LANGUAGES:
        raise BadRequest(f"lang must be one of {', '.join(LANGUAGES)}", list(LANGUAGES))
    return chosen


def known(kind: str, slug: str) -> None:
    """404 for a slug in a path that the schedule does not have."""
    if slug not in facet_values(kind):
        abort(404)
