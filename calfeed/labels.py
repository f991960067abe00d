"""Words the feeds and pages share: event types, statuses, countries, in each language.

Layer: model (pure data and Babel's locale data; no Flask, no I/O of our own).
"""

from __future__ import annotations

from babel import Locale

from .model import Text

TYPE_NAMES = {
    "training": (Text("Utbildning", "Training"), Text("utbildningar", "trainings")),
    "conference": (Text("Konferens", "Conference"), Text("konferenser", "conferences")),
    "workshop": (Text("Workshop", "Workshop"), Text("workshoppar", "workshops")),
    "meeting": (Text("Projektmöte", "Project meeting"), Text("projektmöten", "project meetings")),
    "study-trip": (Text("Studieresa", "Study trip"), Text("studieresor", "study trips")),
}

CANCELLED_PREFIX = Text("INSTÄLLT: ", "CANCELLED: ")
STATUS_NAMES = {
    "confirmed": Text("Bekräftat", "Confirmed"),
    "tentative": Text("Preliminärt", "Tentative"),
    "cancelled": Text("Inställt", "Cancelled"),
}
BABEL_LOCALES = {"sv": "sv_SE", "en": "en_GB"}  # British English, as used across the EU


def type_name(kind: str, lang: str) -> str:
    return TYPE_NAMES[kind][0].get(lang)


def type_plural(kind: str, lang: str) -> str:
    return TYPE_NAMES[kind][1].get(lang)


def country_name(code: str, lang: str) -> str:
    return Locale.parse(BABEL_LOCALES[lang]).territories.get(code, code)
