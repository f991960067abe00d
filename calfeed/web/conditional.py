"""A 200 or a 304 for bytes from the byte cache: gzip when asked for, a strong ETag, Last-Modified and
the caching headers a proxy or CDN in front reuses.

Layer: web.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, request

from .byte_cache import Cached
from .current import snapshot


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
    response.make_conditional(request)  # in place (what it returns is typed as werkzeug's class)
    return response
