"""Responses built once per snapshot and answered from memory: strong ETag, gzip, 304s.

Layer: web. Feeds and JSON call ``cached``/``send``; HTML pages are cached by ``cache_pages``,
which wraps the page views: one rendering per (URL, day, public address) and version of the file.
``Replay`` answers a request seen before from the status, headers and body Flask gave it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import zoneinfo
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from flask import Flask, Response, current_app, request

from ..speed import gc_paused
from ..store import Snapshot, Store
from .context import FACETS, SNAPSHOT, BadRequest, base_url, calendar_zone, query_args, query_filter, snapshot, today

MAX_ENTRIES = 1024
# Bytes kept per version, bodies and their gzip together: a 10,000-event site's default feeds in
# both languages take ~25 MB; beyond the budget the oldest entries go (and are built again if asked).
MAX_CACHED_BYTES = 96_000_000
CACHED_BYTES = "cached bytes"  # the key, in a snapshot's cache, of the bytes its Cached entries hold (counted on insert)


def gzip_bytes(body: bytes) -> bytes:
    """The gzip form the app sends, also written beside each exported file (``calfeed build``)."""
    return gzip.compress(body, compresslevel=6, mtime=0)  # mtime=0: same bytes every build


class Cached:
    __slots__ = ("body", "_gzipped", "etag")

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._gzipped: bytes | None = None  # made on the first gzip request: not every answer is asked for in gzip
        self.etag = hashlib.sha256(body).hexdigest()[:32]

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip_bytes(self.body)
        return self._gzipped

    @property
    def size(self) -> int:
        return len(self.body) + len(self._gzipped or b"")


def cached(key: Hashable, build: Callable[[], bytes]) -> Cached:
    """The bytes for ``key`` in the current snapshot, built on first use. Every answer carries
    absolute links, so the public address is part of the key."""
    cache = snapshot().cache
    key = _addressed(key)
    entry = cache.get(key)
    if entry is None:
        with gc_paused():  # a feed is thousands of short-lived objects: see calfeed/speed.py
            entry = Cached(build())
        if len(cache) >= MAX_ENTRIES:
            cache.pop(next(iter(cache)))
        cache[key] = entry
        cache[CACHED_BYTES] = cache.get(CACHED_BYTES, 0) + entry.size
        if cache[CACHED_BYTES] > MAX_CACHED_BYTES:
            _trim(cache)
    return entry


def forget_answers(current: Snapshot) -> None:
    """Drop the answers kept for ``current`` (its Cached bytes and replays), keeping what they
    were built from: ``calfeed build`` asks for each URL once, so keeping them only costs memory."""
    for key in [key for key, value in current.cache.items() if isinstance(value, Cached)]:
        del current.cache[key]
    current.cache.pop(REPLAYS, None)
    current.cache.pop(CACHED_BYTES, None)


def _addressed(key: Hashable) -> Hashable:
    return (key, base_url())


def _trim(cache: dict[Any, Any]) -> None:
    """Drop the oldest entries while the cache holds more than ``MAX_CACHED_BYTES`` (never the newest)."""
    sizes = {key: e.size for key, e in cache.items() if isinstance(e, Cached)}
    total = sum(sizes.values())
    for key in list(sizes)[:-1]:
        if total <= MAX_CACHED_BYTES:
            break
        total -= sizes[key]
        cache.pop(key, None)
        cache.pop(REPLAYS, None)  # they hold bodies too; rebuilt on the next requests
    cache[CACHED_BYTES] = total


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
        entry = snapshot().cache.get(_addressed(key))
        if entry is None:
            response = current_app.make_response(view(**values))
            if response.status_code != 200 or response.mimetype != "text/html" or response.is_streamed:
                return response  # a download, a redirect or an error: sent as the view made it
            entry = cached(key, response.get_data)
        # Pages change at midnight without an edit: Last-Modified is at least that midnight.
        midnight = dt.datetime.combine(day, dt.time(0), calendar_zone()).astimezone(dt.timezone.utc)
        response = send(entry, "text/html; charset=utf-8", last_modified=max(snapshot().revisions.last_modified, midnight))
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
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return response.make_conditional(request)


# -- replaying whole responses ------------------------------------------------------------------

REPLAYS = "replays"  # the key, in a snapshot's cache, of the responses Replay keeps
MAX_REPLAYS = 4096
_REQUEST = (  # everything in a request that can change the answer, besides the headers it Varies on
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME",
    "SERVER_PORT", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED", "HTTP_COOKIE", "HTTP_AUTHORIZATION",
    "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE",
    "HTTP_RANGE",
)  # fmt: skip
StartResponse = Callable[..., Any]


class Replay:
    """WSGI middleware: a request that was answered before — same URL, host, conditional headers
    and the headers the answer Varies on, in the same version of the events file and on the same
    day — gets the very same status, headers and body again without running Flask at all.

    Only answers that say they may be reused are kept: a 200 or 304 with an ETag and a public
    Cache-Control, no cookie, no ``Vary: *``. So everything that can be cached by a proxy or CDN in
    front is also cached here, by the same rules (RFC 9111), and the per-request cost of a feed poll
    or a 304 is a dictionary lookup: framework speed without the framework."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]], store: Store) -> None:
        self.app = app
        self.store = store

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        current = environ[SNAPSHOT] = self.store.current()  # the one version this whole answer comes from
        replays = current.cache.get(REPLAYS)
        key = (*map(environ.get, _REQUEST), _day(current))
        found = replays.get(key) if replays is not None else None
        if found is not None:
            names, variants = found
            kept = variants.get(tuple(map(environ.get, names)))
            if kept is not None:
                status, headers, body = kept
                start_response(status, list(headers))
                return [body] if body else []
        seen: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        answer = self.app(environ, capture)
        names = _reusable(*seen) if seen else None
        if names is None:
            return answer
        try:
            body = b"".join(answer)  # one stored bytes object: joined without a copy
        finally:
            if hasattr(answer, "close"):
                answer.close()
        replays = current.cache.setdefault(REPLAYS, {})
        if len(replays) >= MAX_REPLAYS:
            replays.clear()
        variants = replays.setdefault(key, (names, {}))[1]
        variants[tuple(map(environ.get, names))] = (seen[0], tuple(seen[1]), body)
        return [body]


def _reusable(status: str, headers: list[tuple[str, str]]) -> tuple[str, ...] | None:
    """The WSGI names of the headers an answer Varies on, or ``None`` when it must not be reused."""
    if not status.startswith(("200", "304")):
        return None
    found = {name.lower(): value for name, value in headers}
    control = found.get("cache-control", "").lower()
    vary = [v.strip() for v in found.get("vary", "").split(",") if v.strip()]
    if "etag" not in found or "public" not in control or "no-store" in control or "private" in control:
        return None
    if "set-cookie" in found or "*" in vary:
        return None
    return tuple("HTTP_" + v.upper().replace("-", "_") for v in vary)


def _day(current: Snapshot) -> dt.date:
    """Today where the calendar is: pages and windowed feeds move on at midnight."""
    return dt.datetime.now(zoneinfo.ZoneInfo(current.schedule.calendar.timezone)).date()
