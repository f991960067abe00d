"""Responses built once per snapshot and answered from memory: strong ETag, gzip, 304s.

Layer: web. Feeds and JSON call ``cached``/``send``; HTML pages are cached by ``cache_pages``,
which wraps the page views: one rendering per (URL, day, public address) and version of the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, Response, current_app, request

from ..speed import gc_paused
from .context import base_url, calendar_zone, snapshot, today

MAX_ENTRIES = 1024
# Bytes kept per version, bodies and their gzip together: a 10,000-event site's default feeds in
# both languages take ~25 MB; beyond the budget the oldest entries go (and are built again if asked).
MAX_CACHED_BYTES = 96_000_000


class Cached:
    __slots__ = ("body", "gzipped", "etag")

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.gzipped = gzip.compress(body, compresslevel=6, mtime=0)  # mtime=0: same bytes every build
        self.etag = hashlib.sha256(body).hexdigest()[:32]


def cached(key: Hashable, build: Callable[[], bytes]) -> Cached:
    """The bytes for ``key`` in the current snapshot, built on first use."""
    cache = snapshot().cache
    entry = cache.get(key)
    if entry is None:
        with gc_paused():  # a feed is thousands of short-lived objects: see calfeed/speed.py
            entry = Cached(build())
        if len(cache) >= MAX_ENTRIES:
            cache.pop(next(iter(cache)))
        cache[key] = entry
        _trim(cache)
    return entry


def _trim(cache: dict[Any, Any]) -> None:
    """Drop the oldest entries while the cache holds more than ``MAX_CACHED_BYTES`` (never the newest)."""
    sizes = {key: len(e.body) + len(e.gzipped) for key, e in cache.items() if isinstance(e, Cached)}
    total = sum(sizes.values())
    for key in list(sizes)[:-1]:
        if total <= MAX_CACHED_BYTES:
            break
        total -= sizes[key]
        cache.pop(key, None)


def cache_pages(app: Flask, blueprint: str = "pages") -> None:
    """Answer the HTML pages of ``blueprint`` from memory like the feeds (ETag, gzip, 304): each is
    rendered once per URL, day and public address in each version of the events file. The day is
    in the key because "upcoming" moves at midnight; a 10,000-event agenda takes seconds to render
    and microseconds to send."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(blueprint + "."):
            app.view_functions[endpoint] = _cached_page(view)


def _cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def cached_view(**values: Any) -> Any:
        day = today()
        key = ("page", request.endpoint, tuple(sorted(values.items())),
               tuple(sorted(request.args.items(multi=True))), day, base_url())  # fmt: skip
        entry = snapshot().cache.get(key)
        if entry is None:
            response = current_app.make_response(view(**values))
            if response.status_code != 200 or response.mimetype != "text/html" or response.is_streamed:
                return response  # a download, a redirect or an error: sent as the view made it
            entry = cached(key, response.get_data)
        # Pages change at midnight without an edit: Last-Modified is at least that midnight.
        midnight = dt.datetime.combine(day, dt.time(0), calendar_zone()).astimezone(dt.timezone.utc)
        response = send(entry, "text/html; charset=utf-8", last_modified=max(snapshot().revisions.last_modified, midnight))
        response.headers.pop("Access-Control-Allow-Origin", None)  # pages are not data for other sites
        return response

    return cached_view


def send(
    entry: Cached,
    content_type: str,
    *,
    max_age: int = 300,
    download: str | None = None,
    last_modified: dt.datetime | None = None,
) -> Response:
    """A 200 (or 304) for ``entry``, gzip-encoded when the client asks for it.

    ``Last-Modified`` is the ledger's time of the last change to the file, deletions included,
    so it never moves backwards; ``last_modified`` overrides it for output that also changes
    without an edit (a feed whose window of past days moved on).
    The ETag is a hash of the exact bytes sent (``-gz`` for the gzip form), and decides a 304
    ahead of If-Modified-Since whenever the client sends one.
    """
    use_gzip = request.accept_encodings["gzip"] > 0  # named with q > 0 (or "*"); never by default
    response = Response(entry.gzipped if use_gzip else entry.body, content_type=content_type)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(entry.etag + ("-gz" if use_gzip else ""))
    response.last_modified = last_modified or snapshot().revisions.last_modified
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return response.make_conditional(request)
