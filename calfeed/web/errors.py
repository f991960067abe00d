"""Every error a visitor or client can get: one JSON shape, one HTML page per status. Never a 500 page
with a trace.

Layer: web.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .context import BadRequest

log = logging.getLogger("calfeed")


def wants_json() -> bool:
    """Feeds and JSON URLs get JSON errors; pages get HTML."""
    return request.path.endswith((".json", ".ics"))


def render(status: int, title: str, message: str, valid: list[str] | None = None) -> Response:
    if wants_json():
        body = {"error": {"status": status, "title": title, "message": message}}
        if valid:
            body["error"]["valid"] = valid
        response = jsonify(body)
    else:
        response = Response(render_template("error.html", status=status, title=title, message=message,
                                            valid=valid or []), mimetype="text/html")  # fmt: skip
    response.status_code = status
    return response


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
        return render(500, InternalServerError.name, "Something went wrong on our side; it has been logged.")
