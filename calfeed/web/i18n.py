"""Interface language: Babel message catalogs (calfeed/translations/<lang>/LC_MESSAGES/messages.po).

Layer: web. Message ids are English; Swedish, the default language, comes from the catalog.
The .po files are read with Babel at start-up, so there is no compile step to forget.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request

from .. import dates, labels
from ..model import LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def load_catalogs() -> dict[str, dict[str, str]]:
    catalogs: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if path.exists():
            with open(path, "rb") as f:
                catalog = read_po(f, locale=lang)
            catalogs[lang] = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    return catalogs


def current_lang() -> str:
    """The page's language: the route's ``lang``; for a URL no route matched (a 404), its ``/en`` prefix."""
    if not has_request_context():
        return LANGUAGES[0]
    lang = getattr(g, "lang", None) or (request.view_args or {}).get("lang") or language_of_path(request.path)
    return lang if lang in LANGUAGES else LANGUAGES[0]


def language_of_path(path: str) -> str:
    """'/en/…' and '/en' are English; everything else is Swedish, the default."""
    return "en" if path == "/en" or path.startswith("/en/") else LANGUAGES[0]


_UNKNOWN = re.compile(r"unknown (project|location|type) '(.*)'", re.S)
_FACETS = {"project": "Project", "location": "Place", "type": "Type"}


def explain(message: str, gettext: Any) -> str:
    """A 400's message (written in English for JSON clients) in the page's language."""
    unknown = _UNKNOWN.fullmatch(message)
    if unknown:
        facet, value = unknown.groups()
        if value == "(empty)":
            return gettext("%(facet)s: no value was given.", facet=gettext(_FACETS[facet]))
        return gettext("%(facet)s “%(value)s” is not in the calendar.", facet=gettext(_FACETS[facet]), value=value)
    name = message.split(" ", 1)[0]
    return gettext("The value of “%(name)s” is not valid.", name=name)


def init_app(app: Flask) -> None:
    catalogs = load_catalogs()

    def gettext(message: str, **variables: Any) -> str:
        text = catalogs.get(current_lang(), {}).get(message, message)
        return text % variables if variables else text

    app.jinja_env.globals.update(
        explain=lambda message: explain(message, gettext),
        _=gettext,
        gettext=gettext,
        current_lang=current_lang,
        dates=dates,
        labels=labels,
    )
    app.extensions["calfeed.gettext"] = gettext
