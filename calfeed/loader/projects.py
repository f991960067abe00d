"""'projects:' — each project with its partners, pilot municipalities and contacts.

Layer: loader. Imports ``model`` and the loader's ``nodes``, ``locations``, ``problems`` and
``advice``; no Flask.

A partner or municipality may name its place by a location key. Locations come after projects in
the file, so each such 'place:' is kept in ``Places`` and checked once the locations are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import yaml

from ..model import PARTNER_ROLES, Contact, Municipality, Partner, Project, Text
from .advice import suggest
from .locations import coordinates, country
from .nodes import Reader
from .problems import INVALID, Invalid

PROJECT_FIELDS = {
    "name": True, "short_name": False, "description": False, "lead": False,
    "start": False, "end": False, "url": False,
    "aim": False, "partners": False, "partners_note": False, "pilot_municipalities": False, "contacts": False,
}  # fmt: skip
_PARTNER_FIELDS = {"name": True, "role": True, "country": False, "place": False, "coordinates": False, "url": False}
_MUNICIPALITY_FIELDS = {"name": True, "place": False, "coordinates": False}
_CONTACT_FIELDS = {"name": True, "title": False, "organisation": False, "email": False, "phone": False}
# One address, as a person writes it on a card: no display name, no mailto:, a dotted domain.
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}\Z")
_PHONE = re.compile(r"\+?[\d\s()-]+\Z")

Places = list[tuple[Any, str]]  # each 'place:' node and the location key it names


def project(r: Reader, slug: str, node: Any, places: Places) -> Project | Invalid:
    what = f"project '{slug}'"
    values = r.fields(node, what, PROJECT_FIELDS)
    if values is INVALID:
        return INVALID
    read: dict[str, Callable[[Any, str], Any]] = {
        "name": r.text, "short_name": r.text, "description": r.text,
        "lead": r.string, "start": r.date, "end": r.date, "url": r.url,
        "aim": r.text, "partners_note": r.text,
        "partners": lambda node, what: _partners(r, node, what, places),
        "pilot_municipalities": lambda node, what: _municipalities(r, node, what, places),
        "contacts": lambda node, what: _contacts(r, node, what),
    }  # fmt: skip
    got = {name: read[name](value, f"the {name.replace('_', ' ')} of {what}") for name, value in values.items()}
    if got.get("start") and got.get("end") and got["end"] < got["start"]:
        r.error(values["end"], f"{what} ends before it starts", "check the start and end dates")
    if got.get("name", INVALID) is INVALID:
        return INVALID
    return Project(slug=slug, **{k: v for k, v in got.items() if v is not INVALID})  # a refused detail: left out


def _partners(r: Reader, node: Any, what: str, places: Places) -> tuple[Partner, ...]:
    partners = []
    for where, values in _listed(r, node, what, "partner", _PARTNER_FIELDS):
        name = r.text(values["name"], f"the name of {where}") if "name" in values else INVALID
        role = r.choice(values["role"], "partner role", PARTNER_ROLES) if "role" in values else INVALID
        code = country(r, values["country"], where) if "country" in values else ""
        place, position = _whereabouts(r, values, where, places)
        url = r.url(values["url"], f"the url of {where}") if "url" in values else ""
        if name is not INVALID and role is not INVALID and code is not INVALID:
            partners.append(Partner(name, role, code, place or "", position or None, url or ""))
    return tuple(partners)


def _municipalities(r: Reader, node: Any, what: str, places: Places) -> tuple[Municipality, ...]:
    """Each a name, or a mapping with 'name' and optionally 'place' or 'coordinates'."""
    found = []
    for number, item in enumerate(r.sequence(node, what) or [], 1):
        where = f"pilot municipality {number} of {what.removeprefix('the pilot municipalities of ')}"
        if not isinstance(item, yaml.MappingNode):
            name = r.text(item, f"the name of {where}")
            found.extend([Municipality(name)] if name is not INVALID else [])
            continue
        values = r.fields(item, where, _MUNICIPALITY_FIELDS)
        if values is INVALID:
            continue
        name = r.text(values["name"], f"the name of {where}") if "name" in values else INVALID
        place, position = _whereabouts(r, values, where, places)
        if name is not INVALID:
            found.append(Municipality(name, place or "", position or None))
    return tuple(found)


def _listed(r: Reader, node: Any, what: str, label: str, known: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each entry of the list ``node`` whose fields could be read, with where it is ("partner 2 of …")."""
    for number, item in enumerate(r.sequence(node, what) or [], 1):
        where = f"{label} {number} of {what.removeprefix(f'the {label}s of ')}"
        values = r.fields(item, where, known)
        if values is not INVALID:
            yield where, values


def _whereabouts(
    r: Reader, values: dict[str, Any], where: str, places: Places
) -> tuple[str | Invalid, tuple[float, float] | Invalid | None]:
    """A partner's or municipality's 'place' (a location key) and 'coordinates', each as read."""
    place = _place(r, values.get("place"), where, places)
    at = f"the coordinates of {where}"
    return place, coordinates(r, values["coordinates"], at) if "coordinates" in values else None


def _contacts(r: Reader, node: Any, what: str) -> tuple[Contact, ...]:
    found = []
    for where, values in _listed(r, node, what, "contact", _CONTACT_FIELDS):
        name = r.string(values["name"], f"the name of {where}") if "name" in values else INVALID
        title = r.text(values["title"], f"the title of {where}") if "title" in values else Text()
        organisation = r.string(values["organisation"], f"the organisation of {where}") if (
            "organisation" in values) else ""  # fmt: skip
        email = _email(r, values["email"], f"the email of {where}") if "email" in values else ""
        phone = _phone(r, values["phone"], f"the phone of {where}") if "phone" in values else ""
        if not (name is INVALID or title is INVALID or organisation is INVALID or email is INVALID or phone is INVALID):
            found.append(Contact(name, title, organisation, email, phone))
    return tuple(found)


def _email(r: Reader, node: Any, what: str) -> str | Invalid:
    value = r.string(node, what)
    if value is INVALID or _EMAIL.match(value):
        return value
    hint = "write the address alone, e.g. name@regionkalmar.se"
    if value.lower().startswith("mailto:"):
        hint = "leave out 'mailto:'; the pages and feeds add it"
    elif "@" not in value:
        hint = "an e-mail address has an '@', e.g. name@regionkalmar.se"
    elif "." not in value.rpartition("@")[2]:
        hint = "after the '@' comes a whole domain, e.g. name@regionkalmar.se"
    return r.error(node, f"{what} '{value}' is not an e-mail address", hint)


def _phone(r: Reader, node: Any, what: str) -> str | Invalid:
    value = r.string(node, what)
    if value is INVALID:
        return INVALID
    digits = sum(c.isdigit() for c in value)
    if not _PHONE.match(value) or not 6 <= digits <= 15:
        return r.error(node, f"{what} '{value}' is not a phone number",
                       "use digits, spaces and '-', with the country code, e.g. +46 480 44 83 00")  # fmt: skip
    if not value.startswith("+"):
        r.warn(node, f"{what} '{value}' has no country code",
               "write it as +46 … (without the leading 0) so it can be dialled from abroad")  # fmt: skip
    return value


def _place(r: Reader, node: Any, where: str, places: Places) -> str | Invalid:
    """A location key, kept in ``places`` to check once the locations are read."""
    if node is None:
        return ""
    value = r.string(node, f"the place of {where}")
    if value is not INVALID:
        places.append((node, value))
    return value


def check_places(r: Reader, places: Places, locations: dict[str, Any]) -> None:
    for node, value in places:
        if value not in locations:
            known = f"known locations: {', '.join(locations)}" if locations else "add it under 'locations:' first"
            hint = suggest(value, locations) or known
            joined = f"{hint} Or" if hint.endswith("?") else f"{hint}; or"
            r.error(node, f"unknown place '{value}'", f"{joined} give 'coordinates:' instead")
