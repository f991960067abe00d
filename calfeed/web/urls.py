"""The site's addresses: each view under every language's prefix, and absolute links.

Layer: web.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, request, url_for

from .. import ics
from ..model import LANGUAGES

PREFIX = f"/<any({','.join(LANGUAGES[1:])}):lang>"  # the language prefix of every page and feed but Swedish's


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


def uid_domain() -> str:
    configured = current_app.config["CALFEED_UID_DOMAIN"]
    if configured:
        return configured
    return urlsplit(current_app.config["CALFEED_BASE_URL"]).hostname or ics.DEFAULT_UID_DOMAIN
