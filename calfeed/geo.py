"""The map of the southern Baltic: a fixed projection and the markers a page draws on it.

Layer: model (pure). Imports ``model`` and ``vocabulary``; no Flask, no I/O of the events file.
The one file it reads is its own package data, the coastline made once by
``tools/make_coastline.py`` and shipped in ``calfeed/data/`` (read once, then cached).

Projection: equirectangular with a standard parallel at 56°N (the middle of the view), so
x = (lon − WEST) · cos(56°) · SCALE and y = (NORTH − lat) · SCALE, in SVG user units with
the origin at the top left. At these latitudes that keeps shapes recognisable and lets
anyone recompute a marker's position by hand.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from .model import Location, Project, Schedule, Text

WEST, EAST, SOUTH, NORTH = 8.0, 24.0, 53.0, 59.0  # degrees: the viewport
STANDARD_PARALLEL = 56.0  # degrees north: where the scale is true
WIDTH = 800.0  # SVG user units across
SCALE = WIDTH / ((EAST - WEST) * math.cos(math.radians(STANDARD_PARALLEL)))  # units per degree of latitude
HEIGHT = round((NORTH - SOUTH) * SCALE, 1)

# What a marker can stand for, in the order a place's glyphs are drawn and listed.
KINDS = ("activity", "lead", "partner", "associated", "pilot")
KIND_NAMES = {
    "activity": Text(
        "Aktiviteter", "Activities", da="Aktiviteter", de="Veranstaltungen", pl="Wydarzenia", lt="Renginiai"
    ),
    "lead": Text(
        "Huvudpartner",
        "Lead partner",
        da="Leadpartner",
        de="Lead-Partner",
        pl="Partner wiodący",
        lt="Pagrindinis partneris",
    ),
    "partner": Text("Partner", "Partner", da="Partner", de="Partner", pl="Partner", lt="Partneris"),
    "associated": Text(
        "Associerad partner",
        "Associated partner",
        da="Associeret partner",
        de="Assoziierter Partner",
        pl="Partner stowarzyszony",
        lt="Asocijuotasis partneris",
    ),
    "pilot": Text(
        "Pilotkommun",
        "Pilot municipality",
        da="Pilotkommune",
        de="Pilotkommune",
        pl="Gmina pilotażowa",
        lt="Bandomoji savivaldybė",
    ),
}
GLYPH_SPACING = 11.0  # units between the glyphs of one place, so none hides another
_LABEL_SIZE = 13.0  # font size of place names, in units (the CSS uses the same)


def project(lat: float, lon: float) -> tuple[float, float]:
    """SVG x, y of a point (degrees north, degrees east)."""
    x = (lon - WEST) * math.cos(math.radians(STANDARD_PARALLEL)) * SCALE
    y = (NORTH - lat) * SCALE
    return x, y


def inside(lat: float, lon: float) -> bool:
    """Whether the point is within the viewport."""
    return SOUTH <= lat <= NORTH and WEST <= lon <= EAST


@dataclass(frozen=True)
class Coastline:
    """The shipped outline, already projected: SVG path data for land and for borders."""

    land: str
    borders: str
    attribution: str
    viewport: Mapping[str, float]


@cache
def coastline() -> Coastline:
    """The outline shipped in ``calfeed/data/southern-baltic.json``."""
    data = json.loads((resources.files("calfeed") / "data" / "southern-baltic.json").read_text("utf-8"))
    return Coastline(data["land"], data["borders"], data["attribution"], data["viewport"])


def viewport() -> dict[str, float]:
    """The parameters the coastline must have been made with (checked by the tests)."""
    return {"west": WEST, "east": EAST, "south": SOUTH, "north": NORTH,
            "standard_parallel": STANDARD_PARALLEL, "width": WIDTH, "height": HEIGHT}  # fmt: skip


# -- the markers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of a place in the text list: what happens or who is there."""

    kind: str
    name: Text
    project: str  # the project it belongs to ("" for a bare location)
    anchor: str = ""  # id on the project page, for organisations without a location page
    count: int = 1  # for activities: how many events take place there


@dataclass(frozen=True)
class Glyph:
    kind: str
    x: float
    y: float


@dataclass(frozen=True)
class Place:
    """One point on the map with everything there. ``location`` is its page, if it has one."""

    key: str
    name: Text
    lat: float | None
    lon: float | None
    location: str = ""
    entries: tuple[Entry, ...] = ()
    highlighted: bool = False
    glyphs: tuple[Glyph, ...] = ()
    label: tuple[float, float, str] | None = None  # x, y, text-anchor

    @property
    def kinds(self) -> tuple[str, ...]:
        present = {e.kind for e in self.entries}
        return tuple(k for k in KINDS if k in present)

    @property
    def on_map(self) -> bool:
        return self.lat is not None and self.lon is not None and inside(self.lat, self.lon)

    @property
    def link(self) -> tuple[str, str, str]:
        """Where the marker leads: ('location', slug, '') for a place with its own page, else
        ('project', slug, anchor) for the organisation's line on its project's page."""
        if self.location:
            return ("location", self.location, "")
        first = next(e for e in self.entries if e.anchor)
        return ("project", first.project, first.anchor)


@dataclass(frozen=True)
class Map:
    places: tuple[Place, ...]
    width: float = WIDTH
    height: float = HEIGHT
    kinds: tuple[str, ...] = field(default=())

    @property
    def drawn(self) -> tuple[Place, ...]:
        return tuple(p for p in self.places if p.on_map)


class _Collector:
    """Gathers entries per place: a location by its key, loose coordinates by their value."""

    def __init__(self, locations: Mapping[str, Location]) -> None:
        self.locations = locations
        self.places: dict[str, dict] = {}

    def at_location(self, slug: str, entry: Entry) -> None:
        place = self.locations[slug]
        coords = place.coordinates
        self._add(f"location:{slug}", place.name, coords, slug, entry)

    def at(self, name: Text, place: str, coordinates: tuple[float, float] | None, entry: Entry) -> None:
        if place and place in self.locations:
            self.at_location(place, entry)
        elif coordinates is not None:
            self._add(f"point:{coordinates[0]:.3f},{coordinates[1]:.3f}", name, coordinates, "", entry)
        else:
            self._add(f"nowhere:{entry.project}:{entry.anchor}", name, None, "", entry)

    def _add(self, key: str, name: Text, coords: tuple[float, float] | None, slug: str, entry: Entry) -> None:
        item = self.places.setdefault(key, {"name": name, "coords": coords, "location": slug, "entries": []})
        entries = item["entries"]
        for i, seen in enumerate(entries):
            if (seen.kind, seen.project, seen.anchor, seen.name) == (
                entry.kind,
                entry.project,
                entry.anchor,
                entry.name,
            ):
                entries[i] = replace(seen, count=seen.count + entry.count)
                return
        entries.append(entry)


def build(schedule: Schedule, projects: Iterable[str], locations: Iterable[str] = (), highlight: str = "") -> Map:
    """The map of ``projects`` (their activities, partners, pilot municipalities) plus bare
    ``locations``; ``highlight`` is a location key drawn emphasised."""
    collector = _Collector(schedule.locations)
    # One pass over the events, in their order (a place's entries keep the order they first appear in).
    activities = Counter((e.project, e.location) for e in schedule.events if e.location)
    for slug in projects:
        _collect_project(collector, activities, schedule.projects[slug])
    at: Counter[str] = Counter()
    for (_, location), count in activities.items():
        at[location] += count
    for slug in locations:
        if f"location:{slug}" not in collector.places:
            collector.at_location(slug, Entry("activity", Text(), "", count=at[slug]))
    places = [_place(key, item, highlight) for key, item in collector.places.items()]
    places.sort(key=lambda p: (-(p.lat or -90), p.name.get()))  # north to south: reading order of the map
    laid_out = _lay_out(places)
    present = {k for p in laid_out for k in p.kinds}
    return Map(tuple(laid_out), kinds=tuple(k for k in KINDS if k in present))


def _place(key: str, item: dict, highlight: str) -> Place:
    lat, lon = item["coords"] or (None, None)
    return Place(key, item["name"], lat, lon, location=item["location"],
                 entries=tuple(sorted(item["entries"], key=lambda e: KINDS.index(e.kind))),
                 highlighted=bool(highlight) and item["location"] == highlight)  # fmt: skip


def _collect_project(collector: _Collector, activities: Counter[tuple[str, str]], project: Project) -> None:
    for (slug, location), count in activities.items():
        if slug == project.slug:
            collector.at_location(location, Entry("activity", Text(), project.slug, count=count))
    for number, partner in enumerate(project.partners, 1):
        entry = Entry(partner.role, partner.name, project.slug, f"partner-{number}")
        if partner.place or partner.coordinates:
            collector.at(partner.name, partner.place, partner.coordinates, entry)
    for number, pilot in enumerate(project.pilot_municipalities, 1):
        entry = Entry("pilot", pilot.name, project.slug, f"pilot-{number}")
        if pilot.place or pilot.coordinates:
            collector.at(pilot.name, pilot.place, pilot.coordinates, entry)


def _lay_out(places: list[Place]) -> list[Place]:
    """Glyphs side by side around each point; each name where it overlaps no other name or glyph."""
    taken: list[tuple[float, float, float, float]] = []
    drawn: list[Place | tuple[Place, float, float, float, tuple[Glyph, ...]]] = []
    for place in places:
        if not place.on_map:
            drawn.append(place)
            continue
        assert place.lat is not None and place.lon is not None  # on the map: it has both
        x, y = project(place.lat, place.lon)
        kinds = place.kinds
        offset = (len(kinds) - 1) / 2
        glyphs = tuple(Glyph(k, round(x + (i - offset) * GLYPH_SPACING, 1), round(y, 1)) for i, k in enumerate(kinds))
        half = len(kinds) * GLYPH_SPACING / 2
        taken.append((x - half, y - 6, x + half, y + 6))
        drawn.append((place, x, y, half, glyphs))
    result = []
    for item in drawn:
        if isinstance(item, Place):
            result.append(item)
            continue
        place, x, y, half, glyphs = item
        label = _place_label(place.name.get(), x, y, half, taken)
        result.append(Place(**{**place.__dict__, "glyphs": glyphs, "label": label}))
    return result


def _place_label(text: str, x: float, y: float, half: float, taken: list) -> tuple[float, float, str]:
    width = 0.6 * _LABEL_SIZE * len(text)
    baseline = y + _LABEL_SIZE / 3
    candidates = [
        (x + half + 3, baseline, "start", (x + half + 3, y - 8, x + half + 3 + width, y + 8)),
        (x - half - 3, baseline, "end", (x - half - 3 - width, y - 8, x - half - 3, y + 8)),
        (x, y - 10, "middle", (x - width / 2, y - 10 - _LABEL_SIZE, x + width / 2, y - 10)),
        (x, y + 8 + _LABEL_SIZE, "middle", (x - width / 2, y + 8, x + width / 2, y + 8 + _LABEL_SIZE)),
    ]
    for lx, ly, anchor, box in candidates:
        if not any(_overlap(box, other) for other in taken) and box[0] >= 0 and box[2] <= WIDTH:
            taken.append(box)
            return (round(lx, 1), round(ly, 1), anchor)
    lx, ly, anchor, box = candidates[0] if x < WIDTH / 2 else candidates[1]
    taken.append(box)
    return (round(lx, 1), round(ly, 1), anchor)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
