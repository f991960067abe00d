"""HTML pages answered from memory like the feeds: strong ETag, gzip, 304s.

Layer: web. ``cache_pages`` wraps a blueprint's page views: one rendering per (URL, day, public
address) and version of the events file, kept in the byte cache.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request

from .byte_cache import cached, kept
from .conditional import send
from .current import calendar_zone, snapshot, today
from .query import FACETS, BadRequest, query_args, query_filter


def cache_pages(app: Flask, blueprint: str = "pages") -> None:
    """Answer the HTML pages of ``blueprint`` from memory like the feeds (ETag, gzip, 304): each is
    rendered once per URL, day and public address in each version of the events file. The day is
    in the key because "upcoming" moves at midnight; a 10,000-event agenda takes seconds to render
    and microseconds to send."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(blueprint + "."):
            app.view_functions[endpoint] = _cached_page(view)


def _query_key() -> tuple[Any, ...]:
    """The query string as a page cache key: the filter in its canonical form (?type=TRAINING,
    ?type=training,Training and ?type=training are one page), the other arguments as given."""
    other = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k not in (*FACETS, "cancelled")))
    try:
        chosen = query_args(query_filter())
    except BadRequest:  # the view answers it (a 400 where it reads the filter): keep the values apart
        return tuple(sorted(request.args.items(multi=True)))
    return other + tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(chosen.items()))


def _cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def cached_view(**values: Any) -> Any:
        day = today()
        key = ("page", request.endpoint, tuple(sorted(values.items())), _query_key(), day)
        entry = kept(key)
        if entry is None:
            response = current_app.make_response(view(**values))
            if response.status_code != 200 or response.mimetype != "text/html" or response.is_streamed:
                return response  # a download, a redirect or an error: sent as the view made it
            entry = cached(key, response.get_data)
        # Pages change at midnight without an edit: Last-Modified is at least that midnight.
        midnight = dt.datetime.combine(day, dt.time(0), calendar_zone()).astimezone(dt.UTC)
        return send(entry, "text/html; charset=utf-8", last_modified=max(snapshot().revisions.last_modified, midnight))

    return cached_view
