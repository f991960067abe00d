"""'locations:' — each place's name, country, time zone and coordinates.

Layer: loader. Imports ``model``, ``geo``, pytz's country tables and the loader's ``nodes`` and
``problems``; no Flask.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import pytz
import yaml

from .. import geo
from ..model import Location
from .nodes import Reader
from .problems import INVALID, Invalid

LOCATION_FIELDS = {"name": True, "country": True, "timezone": False, "coordinates": False}
_NUMBER = re.compile(r"[-+]?\d{1,3}(?:\.\d+)?\Z")


@cache
def country_timezone(country: str) -> str | None:
    """The zone of a country that keeps one clock (all its zones at the same offset), else None."""
    zones = pytz.country_timezones.get(country, [])
    probe = dt.datetime(2020, 1, 15), dt.datetime(2020, 7, 15)
    offsets = {tuple(pytz.timezone(z).utcoffset(t) for t in probe) for z in zones}
    return zones[0] if len(offsets) == 1 else None


def location(r: Reader, slug: str, node: Any, calendar_zone: str) -> Location | Invalid:
    what = f"location '{slug}'"
    values = r.fields(node, what, LOCATION_FIELDS)
    if values is INVALID:
        return INVALID
    name = r.text(values["name"], f"the name of {what}") if "name" in values else INVALID
    code = country(r, values["country"], what) if "country" in values else INVALID
    zone = r.timezone(values["timezone"], f"timezone of {what}") if "timezone" in values else None
    at = f"the coordinates of {what}"
    position = coordinates(r, values["coordinates"], at) if "coordinates" in values else None
    if name is INVALID or code is INVALID or position is INVALID:
        return INVALID
    if zone is None:
        zone = country_timezone(code)
        if zone is None:
            zone = calendar_zone
            r.warn(values["country"], f"{what}: the country has several time zones; using {calendar_zone}",
                   "add 'timezone:' to the location")  # fmt: skip
    return Location(slug, name, code, zone or calendar_zone, position)  # a refused zone: the calendar's


def country(r: Reader, node: Any, what: str) -> str | Invalid:
    """An ISO 3166 code in capitals; the hint names the code when a country's name was written."""
    value = r.string(node, f"the country of {what}")
    if value is INVALID:
        return INVALID
    code = value.upper()
    if code not in pytz.country_names:
        by_name = {n.lower(): c for c, n in pytz.country_names.items()}
        hint = f"use the code {by_name[value.lower()]}" if value.lower() in by_name else (
            "use the two-letter ISO 3166 code, e.g. SE, DK, PL, DE, LT")  # fmt: skip
        return r.error(node, f"unknown country code '{value}'", hint)
    return code


def coordinates(r: Reader, node: Any, what: str) -> tuple[float, float] | Invalid:
    """Latitude and longitude in decimal degrees: [56.66, 16.36] or 56.66, 16.36."""
    if isinstance(node, yaml.SequenceNode):
        parts = [r.string(item, what) for item in r.sequence(node, what) or []]
    else:
        value = r.string(node, what)
        parts = [p.strip() for p in value.split(",")] if value is not INVALID else [INVALID]
    texts = [part for part in parts if part is not INVALID]
    if len(texts) < len(parts):
        return INVALID
    if len(texts) != 2 or not all(_NUMBER.match(p) for p in texts):
        return r.error(node, f"{what} should be two numbers, latitude then longitude",
                       "decimal degrees with a point, e.g. [56.66, 16.36] for Kalmar")  # fmt: skip
    lat, lon = float(texts[0]), float(texts[1])
    swapped = abs(lon) <= 90 and geo.inside(lon, lat)
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        wrong = f"latitude {texts[0]} is not between -90 and 90" if not -90 <= lat <= 90 else (
            f"longitude {texts[1]} is not between -180 and 180")  # fmt: skip
        hint = "latitude (north) comes first, then longitude (east)" if swapped else (
            "decimal degrees: latitude −90 to 90 first, then longitude −180 to 180, e.g. [56.66, 16.36]")  # fmt: skip
        return r.error(node, f"{what}: {wrong}", hint)
    if not geo.inside(lat, lon):
        r.warn(node, f"{what} ({lat}, {lon}) lie outside the map of the southern Baltic "
               f"({geo.WEST:g}–{geo.EAST:g}°E, {geo.SOUTH:g}–{geo.NORTH:g}°N); the place is listed but not drawn",
               "latitude (north) comes first, then longitude (east)" if swapped else "")  # fmt: skip
    return (lat, lon)
