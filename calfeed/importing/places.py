"""A source's place text ("Gdańsk, Poland", "Kalmar") matched to the events file's locations.

Matching ignores case and accents and tries the whole text, then each comma-separated part, against
every location's key and names; ``--place TEXT=KEY`` settings come first. A place that matches none
becomes a new location when its country can be read from the text (a trailing ", Poland", ", Polen",
", PL" — country names in the languages around the Baltic); otherwise, or with
``--no-new-locations``, the event gets no place and the report says so, with a did-you-mean.

Layer: loader (like the rest of ``calfeed.importing``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import pytz
from babel import Locale

from ..loader import country_timezone, slugify
from ..model import Location

_COUNTRY_LANGUAGES = ("sv", "en", "de", "pl", "da", "lt", "lv", "et", "fi", "nb", "nn")


@dataclass(frozen=True)
class NewLocation:
    key: str
    name: str
    country: str  # ISO 3166 code
    timezone: str
    text: str  # the source's place text it was made from


@cache
def _countries() -> dict[str, str]:
    """Folded country name or code -> ISO code."""
    names = {slugify(code): code for code in pytz.country_names}
    names.update({slugify(name): code for code, name in pytz.country_names.items()})
    for language in _COUNTRY_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in pytz.country_names:
                names.setdefault(slugify(name), code)
    return names


def split_country(text: str) -> tuple[str, str]:
    """('Gdynia', 'PL') for 'Gdynia, Poland'; (text, '') when the last part names no country."""
    head, comma, last = text.rpartition(",")
    code = _countries().get(slugify(last)) if comma and head.strip() else None
    return (head.strip(), code) if code else (text.strip(), "")


class Places:
    """Resolves place texts to location keys, collecting the new locations and what to report."""

    def __init__(self, locations: Mapping[str, Location], calendar_zone: str, *, create: bool = True,
                 mapping: Mapping[str, str] | None = None) -> None:  # fmt: skip
        self.locations = locations
        self.calendar_zone = calendar_zone
        self.create = create
        self.mapping = {slugify(text): key for text, key in (mapping or {}).items()}
        self.new: dict[str, NewLocation] = {}
        self.notes: list[str] = []
        self._noted: set[str] = set()
        self._names: dict[str, str] = {}
        for key, location in locations.items():
            for name in (key, *location.name.given().values()):  # a place is known by its name in any language
                if name:
                    self._names.setdefault(slugify(name), key)

    def zone(self, key: str) -> str:
        if key in self.locations:
            return self.locations[key].timezone
        if key in self.new:
            return self.new[key].timezone
        return self.calendar_zone

    def says_more(self, text: str, key: str) -> bool:
        """Whether the place text says more than the location's name and country ('Regionhuset, Kalmar')."""
        name = split_country(" ".join(text.split()))[0]
        known = self.locations.get(key) or self.new.get(key)
        if known is None:
            return bool(name)
        names = (key, *known.name.given().values()) if isinstance(known, Location) else (key, known.name)
        return slugify(name) not in {slugify(n) for n in names if n}

    def resolve(self, text: str, origin: str, *, add: bool = True) -> str:
        """The location key for ``text``, or '' when the event is left without a place."""
        text = " ".join(text.split())
        if not text:
            return ""
        folded = slugify(text)
        if folded in self.mapping:
            return self.mapping[folded]
        name, country = split_country(text)
        for candidate in (text, name, *(part for part in name.split(",")), *reversed(text.split(","))):
            key = self._names.get(slugify(candidate))
            if key:
                return key
        for location in self.new.values():
            if slugify(location.name) == slugify(name):
                return location.key
        similar = difflib.get_close_matches(slugify(name), list(self._names), n=1, cutoff=0.75)
        close = self._names[similar[0]] if similar else ""
        hint = f" Did you mean '{close}'? Then run again with --place '{text}={close}'." if close else ""
        if not self.create or not country:
            if add and text not in self._noted:
                self._noted.add(text)
                why = ("--no-new-locations" if self.create is False else
                       "no country can be read from it (end the place with e.g. ', Poland' or ', PL')")  # fmt: skip
                self.notes.append(f"{origin}: the place '{text}' is not a location of the file and is not added "
                                  f"({why}); the event has no place, its description keeps the text."
                                  f"{hint}")  # fmt: skip
            return ""
        key = self._free_key(slugify(name) or "plats")
        if add:
            self.new[key] = NewLocation(key, name, country, country_timezone(country) or self.calendar_zone, text)
            self._names[slugify(name)] = key
            self.notes.append(f"new location '{key}' ({name}, {country}) for '{text}': add its coordinates."
                              f"{hint}")  # fmt: skip
        return key

    def _free_key(self, base: str) -> str:
        key, number = base, 2
        while key in self.locations or key in self.new:
            key, number = f"{base}-{number}", number + 1
        return key
