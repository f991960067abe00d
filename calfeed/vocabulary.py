"""The calendar's vocabulary in each language: the names of event types, statuses and countries, and
the few words a feed writes around an event's own text. Shared by the feeds and the pages.

Layer: model (pure data and Babel's locale data; no Flask, no I/O of our own).
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

from .model import Text

TYPE_NAMES = {
    "training": (
        Text("Utbildning", "Training", da="Uddannelse", de="Schulung", pl="Szkolenie", lt="Mokymai"),
        Text("utbildningar", "trainings", da="uddannelser", de="Schulungen", pl="szkolenia", lt="mokymai"),
    ),
    "conference": (
        Text("Konferens", "Conference", da="Konference", de="Konferenz", pl="Konferencja", lt="Konferencija"),
        Text("konferenser", "conferences", da="konferencer", de="Konferenzen", pl="konferencje", lt="konferencijos"),
    ),
    "workshop": (
        Text("Workshop", "Workshop", da="Workshop", de="Workshop", pl="Warsztaty", lt="Praktinis seminaras"),
        Text("workshoppar", "workshops", da="workshops", de="Workshops", pl="warsztaty", lt="praktiniai seminarai"),
    ),
    "meeting": (
        Text(
            "Projektmöte",
            "Project meeting",
            da="Projektmøde",
            de="Projekttreffen",
            pl="Spotkanie projektowe",
            lt="Projekto susitikimas",
        ),
        Text(
            "projektmöten",
            "project meetings",
            da="projektmøder",
            de="Projekttreffen",
            pl="spotkania projektowe",
            lt="projekto susitikimai",
        ),
    ),
    "study-trip": (
        Text("Studieresa", "Study trip", da="Studietur", de="Studienreise", pl="Wizyta studyjna", lt="Studijų vizitas"),
        Text(
            "studieresor",
            "study trips",
            da="studieture",
            de="Studienreisen",
            pl="wizyty studyjne",
            lt="studijų vizitai",
        ),
    ),
}

CANCELLED_PREFIX = Text("INSTÄLLT: ", "CANCELLED: ", da="AFLYST: ", de="ABGESAGT: ", pl="ODWOŁANE: ",
                        lt="ATŠAUKTAS: ")  # fmt: skip
STATUS_NAMES = {
    "confirmed": Text("Bekräftat", "Confirmed", da="Bekræftet", de="Bestätigt", pl="Potwierdzone", lt="Patvirtintas"),
    "tentative": Text("Preliminärt", "Tentative", da="Foreløbigt", de="Vorläufig", pl="Wstępne", lt="Preliminarus"),
    "cancelled": Text("Inställt", "Cancelled", da="Aflyst", de="Abgesagt", pl="Odwołane", lt="Atšauktas"),
}
# The words a feed's DESCRIPTION carries around the event's own text (the feed layer has no catalogs).
MORE_INFORMATION = Text("Mer information", "More information", da="Mere information", de="Weitere Informationen",
                        pl="Więcej informacji", lt="Daugiau informacijos")  # fmt: skip
CONTACT = Text("Kontakt", "Contact", da="Kontakt", de="Kontakt", pl="Kontakt", lt="Kontaktai")
# British English, as used across the EU; each partner language as written in its own country.
BABEL_LOCALES = {"sv": "sv_SE", "en": "en_GB", "da": "da_DK", "de": "de_DE", "pl": "pl_PL", "lt": "lt_LT"}


def type_name(kind: str, lang: str) -> str:
    return TYPE_NAMES[kind][0].get(lang)


def type_plural(kind: str, lang: str) -> str:
    return TYPE_NAMES[kind][1].get(lang)


@lru_cache(maxsize=1024)  # a few countries in six languages; Babel parses the locale on every call (~10 us)
def country_name(code: str, lang: str) -> str:
    return Locale.parse(BABEL_LOCALES[lang]).territories.get(code, code)
