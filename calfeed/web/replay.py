"""Whole responses answered again without running Flask: WSGI middleware in front of the app.

Layer: web. It pins the version of the events file each request is answered from (``current``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any

from ..store import Snapshot, Store
from .byte_cache import REPLAYS
from .current import SNAPSHOT

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
