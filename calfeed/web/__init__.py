"""The web layer: Flask app factory. Blueprints: ``feeds`` (.ics), ``pages`` (HTML), ``api`` (JSON),
``embed`` (the agenda on other sites), ``updates`` (Atom feeds, the change log).

Layer: web. Imports everything below it; nothing below imports this.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import jinja2
import jinja2.bccache
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from ..errors import ConfigError
from ..ics_shelf import IcsShelf, KeptFeeds
from ..store import Store

DEFAULTS: dict[str, Any] = {
    "CALFEED_EVENTS": "events.yaml",  # the events file
    "CALFEED_LEDGER": "",  # SEQUENCE memory; empty: <events file stem>.ledger.json beside it
    "CALFEED_STATE_DIR": "",  # last accepted version, shared by the workers; empty: .calfeed/ beside the events file
    "CALFEED_BASE_URL": "",  # public address, e.g. https://kalender.regionkalmar.se; empty: from the request
    "CALFEED_UID_DOMAIN": "",  # right-hand side of every UID; empty: host of CALFEED_BASE_URL
    "CALFEED_REFRESH": "PT6H",  # how often clients should poll (REFRESH-INTERVAL, X-PUBLISHED-TTL)
    "CALFEED_PAST_DAYS": -1,  # how far back feeds reach, in days; -1: all past events
    "CALFEED_MAX_BYTES": 5_000_000,  # largest events file accepted
    "CALFEED_RELOAD_SECONDS": 0.25,  # how often each worker looks for a changed events file (0: on every request)
    "CALFEED_PROXY_HOPS": 0,  # reverse proxies in front whose X-Forwarded-* headers to trust
    "CALFEED_FRAME_ORIGINS": "",  # sites that may show /embed in an iframe, e.g. "https://www.regionkalmar.se"
    "CALFEED_CHANGES_DAYS": 180,  # how long the change log (/changes) keeps a change, in days
}


class _SharedBytecode(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _SharedBytecode()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; raises ``EventsFileError`` (with every problem) on an invalid events file that
    has no last accepted version in the state folder to fall back on. ``CALFEED_STATE_DIR=None``
    keeps no state at all (``calfeed build``: an export is of the file as it is, or nothing).
    Raises ``ConfigError`` on a setting it cannot start with."""
    app = Flask(__name__)
    # One compiled form of each template per process, shared by every app the factory makes (keyed
    # by the template's source, so an edited template is compiled again).
    app.jinja_options = {**app.jinja_options, "bytecode_cache": _TEMPLATES}
    app.config.update(DEFAULTS)
    app.config.update(_from_environment())
    app.config.update(test_config or {})
    json_provider = app.json
    assert isinstance(json_provider, DefaultJSONProvider)  # Flask's own, whose options are attributes
    json_provider.ensure_ascii = False
    json_provider.sort_keys = False
    from .security import frame_origins

    app.extensions["calfeed.frame_origins"] = frame_origins(str(app.config["CALFEED_FRAME_ORIGINS"]))
    if int(app.config["CALFEED_CHANGES_DAYS"]) < 1:
        raise ConfigError("CALFEED_CHANGES_DAYS must be a whole number of days, at least 1 (e.g. 180)")

    app.extensions["calfeed"] = Store(
        app.config["CALFEED_EVENTS"],
        ledger=app.config["CALFEED_LEDGER"] or True,
        state=True if app.config["CALFEED_STATE_DIR"] == "" else app.config["CALFEED_STATE_DIR"],
        max_bytes=int(app.config["CALFEED_MAX_BYTES"]),
        check_every=float(app.config["CALFEED_RELOAD_SECONDS"]),
        changes_days=int(app.config["CALFEED_CHANGES_DAYS"]),
    )
    if int(app.config["CALFEED_PROXY_HOPS"]):
        hops = int(app.config["CALFEED_PROXY_HOPS"])
        # Flask's documented way to add WSGI middleware; its stubs declare wsgi_app a method, not an attribute
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]

    from . import api, embed, errors, feeds, i18n, page_cache, pages, replay, security, updates
    from .urls import link

    state_folder = getattr(app.extensions["calfeed"].state, "path", None)
    if state_folder is not None:  # each event's feed bytes kept there too, for a fast restart
        app.extensions[feeds.SHELF] = IcsShelf(state_folder / "vevents")
        app.extensions[feeds.KEPT] = KeptFeeds(state_folder / "feeds")
    i18n.init_app(app)
    app.jinja_env.globals["link"] = link  # a list's thousands of links (templates/macros.html)
    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(updates.bp)
    page_cache.cache_pages(app)  # after registering: wraps the page views with the feeds' cache
    page_cache.cache_pages(app, "embed")
    page_cache.cache_pages(app, "updates")  # /changes; the Atom views cache their own bytes and pass through
    app.wsgi_app = replay.Replay(app.wsgi_app, app.extensions["calfeed"])  # type: ignore[method-assign]  # as above
    return app


def warm_up(app: Flask) -> None:
    """Build the default feed once, before gunicorn forks its workers: they inherit its bytes
    (copy-on-write), so after a restart the first subscriber is answered at once, and no worker
    serialises the same 10,000 events as its neighbour. Only with CALFEED_BASE_URL: without it
    the answer depends on the Host each request names."""
    base = app.config["CALFEED_BASE_URL"]
    if base:
        app.test_client().get("/calendar.ics", base_url=base).close()


def _from_environment() -> dict[str, Any]:
    """CALFEED_* variables, typed like their defaults."""
    config: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        if key in os.environ:
            config[key] = type(default)(os.environ[key])
    return config
