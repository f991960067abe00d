"""Security headers on every response, and the requests refused before any view runs.

Layer: web.

Pages get a strict Content-Security-Policy: every script, style and image comes from this site,
with no inline script or style at all (the one ``<script>`` with content is JSON-LD data, which
browsers never execute, so CSP does not apply to it). Feeds and JSON are data for anyone's
calendar widget: they carry ``Access-Control-Allow-Origin: *`` and a policy that allows nothing.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request

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


def is_data(path: str) -> bool:
    """Feeds and JSON (errors included): public data that web calendar widgets on other sites may read."""
    return path.endswith((".ics", ".json")) or path == "/healthz"


def refuse_bad_host() -> None:
    """Werkzeug blanks a Host header that is not a host name or address ('a b', 'x/y', '[::1'); links
    built from it would be broken, so say so instead of serving a page full of them."""
    if not request.host:
        abort(400, description="Host must be a host name, e.g. kalender.example.org")


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    page = response.mimetype == "text/html" or response.status_code == 304 and not is_data(request.path)
    response.headers["Content-Security-Policy"] = PAGE_POLICY if page else DATA_POLICY
    if is_data(request.path):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def init_app(app: Flask) -> None:
    app.before_request(refuse_bad_host)
    app.after_request(add_headers)
