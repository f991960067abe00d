"""Security headers on every response, and the requests refused before any view runs.

Layer: web.

Pages get a strict Content-Security-Policy: every script, style and image comes from this site,
with no inline script or style at all (the one ``<script>`` with content is JSON-LD data, which
browsers never execute, so CSP does not apply to it). Feeds and JSON are data for anyone's
calendar widget: they carry ``Access-Control-Allow-Origin: *`` and a policy that allows nothing.

No page may be framed (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``) except the embeddable
agenda, ``/embed`` and its twin in each other language (``/en/embed``, ``/pl/embed``, …): those may be
framed by exactly the origins in ``CALFEED_FRAME_ORIGINS``, and then send no X-Frame-Options, which
cannot name an origin and would contradict the policy in browsers that read only it.
"""

from __future__ import annotations

import re

from flask import Flask, Response, abort, current_app, request

from ..errors import ConfigError
from ..model import LANGUAGES

PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])  # fmt: skip
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
PERMISSIONS = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
))  # fmt: skip

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS,
    "Cross-Origin-Opener-Policy": "same-origin",
}


EMBEDDABLE = ("/embed", *(f"/{lang}/embed" for lang in LANGUAGES[1:]))  # the only paths another site may frame
# An origin as CSP writes it: scheme, host (a leading "*." for every subdomain), optional port; no path.
_ORIGIN = re.compile(r"https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?")


def is_data(path: str) -> bool:
    """Feeds and JSON (errors included): public data that web calendar widgets on other sites may read."""
    return path.endswith((".ics", ".json", ".atom")) or path == "/healthz"


def frame_origins(setting: str) -> tuple[str, ...]:
    """The origins of ``CALFEED_FRAME_ORIGINS`` (space-separated), checked: a typo here would either
    block the region's page or, worse, let a policy through that says something else."""
    origins = []
    for origin in setting.split():
        origin = origin.lower().rstrip("/")
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(f"CALFEED_FRAME_ORIGINS: {origin!r} is not an origin; write each as scheme and host,"
                              " e.g. https://www.regionkalmar.se (no path), separated by spaces")  # fmt: skip
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


def page_policy(path: str) -> str:
    """The policy of a page: frameable by the configured origins on the embed paths, by nobody elsewhere."""
    origins = current_app.extensions.get("calfeed.frame_origins", ())
    if path in EMBEDDABLE and origins:
        return PAGE_POLICY.replace("frame-ancestors 'none'", "frame-ancestors " + " ".join(origins))
    return PAGE_POLICY


def refuse_bad_host() -> None:
    """Werkzeug blanks a Host header that is not a host name or address ('a b', 'x/y', '[::1'); links
    built from it would be broken, so say so instead of serving a page full of them."""
    if not request.host:
        abort(400, description="Host must be a host name, e.g. kalender.example.org")


def add_headers(response: Response) -> Response:
    page = response.mimetype == "text/html" or response.status_code == 304 and not is_data(request.path)
    policy = page_policy(request.path) if page else DATA_POLICY
    for name, value in HEADERS.items():
        if name != "X-Frame-Options" or "frame-ancestors 'none'" in policy:
            response.headers.setdefault(name, value)
    response.headers["Content-Security-Policy"] = policy
    if is_data(request.path):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def init_app(app: Flask) -> None:
    app.before_request(refuse_bad_host)
    app.after_request(add_headers)
