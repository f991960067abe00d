"""The site's addresses: each view under every language's prefix, and absolute links.

Layer: web.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, request, url_for

from .. import ics
from ..model import LANGUAGES

PREFIX = f"/<any({','.join(LANGUAGES[1:])}):lang>"  # the language prefix of every page and feed but Swedish's
_PROBE = "calfeed-link-probe"
_MAX_LINK_TEMPLATES = 4096
_VERBATIM = re.compile(r"[A-Za-z0-9._~-]+\Z")  # RFC 3986's unreserved characters: url_for writes them as they are


def lang_route(bp: Blueprint, rule: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view at ``rule`` (Swedish) and at ``/en``, ``/da``, ``/de``, ``/pl``, ``/lt`` + ``rule``
    (each other language), one endpoint."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        bp.add_url_rule(rule, view_func=view, defaults={"lang": LANGUAGES[0]}, **options)
        bp.add_url_rule(PREFIX + rule, view_func=view, **options)
        return view

    return register


def base_url() -> str:
    return (current_app.config["CALFEED_BASE_URL"] or request.url_root).rstrip("/")


def absolute(endpoint: str, **values: Any) -> str:
    # url_for's path starts with the script root (a proxy's X-Forwarded-Prefix), which base_url() has already.
    return base_url() + url_for(endpoint, **values)[len(request.script_root) :]


def link(endpoint: str, lang: str, **one: Any) -> str:
    """``url_for(endpoint, lang=lang, name=value)`` for the thousands of links of a list or an export
    (an event's page and feed, its place's and project's pages): url_for once per script root,
    endpoint, language and name, then each value (an id or slug, written as it is) in place of a probe."""
    ((name, value),) = one.items()
    head, probe, tail = _template(endpoint, lang, name)
    if not probe or not _VERBATIM.match(value):
        return url_for(endpoint, lang=lang, **one)
    return head + value + tail


def _template(endpoint: str, lang: str, name: str) -> tuple[str, str, str]:
    """``url_for(endpoint, lang=lang, name=probe)`` split at the probe (no probe in the middle: a
    converter changed it, and ``link`` asks url_for for each value)."""
    # The app's, not a request's: a path depends only on the URL map and the script root. A proxy's
    # X-Forwarded-Prefix sets the script root, so the memo is emptied when full rather than grown.
    templates = current_app.extensions.setdefault("calfeed.links", {})
    key = (request.script_root, endpoint, lang, name)
    parts = templates.get(key)
    if parts is None:
        if len(templates) >= _MAX_LINK_TEMPLATES:
            templates.clear()
        probe: dict[str, Any] = {name: _PROBE}
        parts = templates[key] = url_for(endpoint, lang=lang, **probe).rpartition(_PROBE)
    return parts


def absolute_link(endpoint: str, lang: str, **one: Any) -> str:
    """``absolute`` for a list's many links (see ``link``)."""
    return base_url() + link(endpoint, lang, **one)[len(request.script_root) :]


def links(endpoint: str, lang: str, name: str) -> Callable[[str], str]:
    """``link(endpoint, lang, name=value)`` as a function of the value: the template is looked up
    once (an export's 20,000 seed URLs per language)."""
    head, probe, tail = _template(endpoint, lang, name)

    def made(value: str) -> str:
        return head + value + tail if probe and _VERBATIM.match(value) else link(endpoint, lang, **{name: value})

    return made


def absolute_links(endpoint: str, lang: str, name: str) -> Callable[[str], str]:
    """``absolute_link(endpoint, lang, name=value)`` as a function of the value, for one request's
    list of 10,000 events: the base address and the template are looked up once, not per event."""
    path, base, root = links(endpoint, lang, name), base_url(), len(request.script_root)
    return lambda value: base + path(value)[root:]


def uid_domain() -> str:
    configured = current_app.config["CALFEED_UID_DOMAIN"]
    if configured:
        return configured
    return urlsplit(current_app.config["CALFEED_BASE_URL"]).hostname or ics.DEFAULT_UID_DOMAIN
