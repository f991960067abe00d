"""Every error a visitor or client can get: one JSON shape, one HTML page per status. Never a 500 page
with a trace.

Layer: web.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from .query import BadRequest

log = logging.getLogger("calfeed")


def wants_json() -> bool:
    """Feeds and JSON URLs get JSON errors; pages get HTML."""
    return request.path.endswith((".json", ".ics", ".atom"))


def render(status: int, title: str, message: str, valid: list[str] | None = None) -> Response:
    if wants_json():
        body = {"error": {"status": status, "title": title, "message": message}}
        if valid:
            body["error"]["valid"] = valid
        response = jsonify(body)
    else:
        response = Response(_page(status, title, message, valid or []), mimetype="text/html")
    response.status_code = status
    return response


def _page(status: int, title: str, message: str, valid: list[str]) -> str:
    try:
        return render_template("error.html", status=status, title=title, message=message, valid=valid)
    except Exception:  # e.g. a Host header werkzeug refused leaves no URL adapter for the page's links
        log.exception("the error page for %s could not be rendered", request.path)
        title, message = escape(title), escape(message)
        return f"<!doctype html>\n<title>{status} {title}</title>\n<h1>{title}</h1>\n<p>{message}</p>\n"


def init_app(app: Flask) -> None:
    @app.errorhandler(BadRequest)
    def bad_request(exc: BadRequest) -> Response:
        return render(400, "Bad Request", exc.message, exc.valid)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = render(exc.code or 500, exc.name, exc.description or "")
        for name, value in exc.get_headers():  # e.g. Allow on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.path)
        return render(500, InternalServerError().name, "Something went wrong on our side; it has been logged.")
