"""Interface language: Babel message catalogs (calfeed/translations/<lang>/LC_MESSAGES/messages.po).

Layer: web. Message ids are English; Swedish, the default language, comes from the catalog.
The .po files are read with Babel at start-up, so there is no compile step to forget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import Flask, g, request

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
    lang = getattr(g, "lang", None)
    if lang is None:
        lang = (request.view_args or {}).get("lang", "sv") if request else "sv"
    return lang if lang in LANGUAGES else "sv"


def init_app(app: Flask) -> None:
    catalogs = load_catalogs()

    def gettext(message: str, **variables: Any) -> str:
        text = catalogs.get(current_lang(), {}).get(message, message)
        return text % variables if variables else text

    app.jinja_env.globals.update(
        _=gettext,
        gettext=gettext,
        current_lang=current_lang,
        dates=dates,
        labels=labels,
    )
    app.extensions["calfeed.gettext"] = gettext
