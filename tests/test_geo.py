"""The map's projection, the shipped coastline and the markers built from a schedule (calfeed.geo)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from conftest import MINIMAL, SHIPPED, dedent

from calfeed import geo, loader

DATA = Path(geo.__file__).parent / "data" / "southern-baltic.json"


def expected_position(lat: float, lon: float) -> tuple[float, float]:
    """Equirectangular, standard parallel 56°N, 8–24°E across 800 units, computed here from the
    definition: x is the share of the 16° of longitude, y the degrees below 59°N at the same
    scale per degree as x, which is cos(56°) times smaller for a degree of longitude."""
    units_per_degree_of_longitude = 800 / (24 - 8)
    units_per_degree_of_latitude = units_per_degree_of_longitude / math.cos(math.radians(56))
    return (lon - 8) * units_per_degree_of_longitude, (59 - lat) * units_per_degree_of_latitude


def test_kalmar_at_56_66_n_16_36_e_lands_where_the_projection_says():
    x, y = geo.project(56.66, 16.36)
    ex, ey = expected_position(56.66, 16.36)
    assert (round(ex), round(ey)) == (418, 209)  # worked by hand: 8.36 × 50, 2.34 × 89.4
    assert abs(x - ex) < 2 and abs(y - ey) < 2


def test_the_corners_of_the_viewport_are_the_corners_of_the_svg():
    assert geo.project(geo.NORTH, geo.WEST) == pytest.approx((0, 0))
    assert geo.project(geo.SOUTH, geo.EAST) == pytest.approx((geo.WIDTH, geo.HEIGHT), abs=0.1)


def test_the_shipped_coastline_was_made_for_this_projection_and_is_small():
    outline = geo.coastline()
    assert outline.viewport == geo.viewport()
    assert DATA.stat().st_size < 300_000
    assert "Natural Earth" in outline.attribution
    assert re.fullmatch(r"(M-?[\d.]+,-?[\d.]+(l[-\d., ]+)?z)+", outline.land)


def rings(path_data: str) -> list[list[tuple[float, float]]]:
    """The closed rings of our path data (an absolute M, then relative l steps, then z)."""
    found = []
    for part in re.findall(r"M([^z]+)z", path_data):
        start, _, steps = part.partition("l")
        x, y = map(float, start.split(","))
        ring = [(x, y)]
        for step in steps.split():
            dx, dy = map(float, step.split(","))
            x, y = x + dx, y + dy
            ring.append((x, y))
        found.append(ring)
    return found


def on_land(x: float, y: float, all_rings: list) -> bool:
    """Even–odd rule: a point is land when a ray crosses the land outlines an odd number of times."""
    inside = False
    for ring in all_rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


@pytest.mark.parametrize(("place", "lat", "lon", "land"), [
    ("Alvesta, inland Småland", 56.90, 14.56, True),
    ("the middle of Gotland", 57.45, 18.50, True),
    ("the sea between Bornholm and Öland", 55.80, 16.20, False),
    ("the Gulf of Gdańsk", 54.55, 19.00, False),
])  # fmt: skip
def test_coastline_and_markers_share_one_projection(place, lat, lon, land):
    assert on_land(*geo.project(lat, lon), rings(geo.coastline().land)) is land, place


def shipped_map(**kwargs) -> geo.Map:
    schedule = loader.load(SHIPPED)
    return geo.build(schedule, ["umbrella"], **kwargs)


def test_the_umbrella_map_has_every_activity_place_and_the_partners_with_a_position():
    places = {p.name.get(): p for p in shipped_map().places}
    assert set(places) >= {"Kristianstad", "Gdańsk", "Hässleholm", "Guldborgsund", "Kalmar", "Alvesta"}
    assert places["Kalmar"].kinds == ("activity", "partner", "associated", "pilot")
    assert places["Gdańsk"].kinds == ("activity",)
    assert all(p.on_map for p in places.values())


def test_an_organisation_named_twice_at_one_point_is_one_place_linking_to_the_project_page():
    torsas = [p for p in shipped_map().places if p.name.get().startswith("Torsås")]
    assert len(torsas) == 1
    assert torsas[0].kinds == ("associated", "pilot")
    assert torsas[0].link == ("project", "umbrella", "partner-3")


def test_the_glyphs_of_a_place_sit_side_by_side_centred_on_its_point():
    kalmar = next(p for p in shipped_map().places if p.location == "kalmar")
    x, y = geo.project(56.66, 16.36)
    xs = [g.x for g in kalmar.glyphs]
    assert sum(xs) / len(xs) == pytest.approx(x, abs=0.5)
    assert all(g.y == pytest.approx(y, abs=0.1) for g in kalmar.glyphs)
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= geo.GLYPH_SPACING - 0.2


def label_box(place: geo.Place) -> tuple[float, float, float, float]:
    x, y, anchor = place.label
    width = 0.6 * 13 * len(place.name.get())
    left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
    return (left, y - 11, left + width, y + 2)


def test_no_two_place_names_overlap_on_the_shipped_map():
    boxes = [label_box(p) for p in shipped_map().drawn]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_a_location_map_highlights_exactly_that_place():
    schedule = loader.load(SHIPPED)
    chosen = geo.build(schedule, list(schedule.projects), list(schedule.locations), highlight="gdansk")
    assert [p.location for p in chosen.places if p.highlighted] == ["gdansk"]


def test_a_place_outside_the_viewport_is_listed_but_not_drawn():
    text = MINIMAL.replace(
        "    timezone: Europe/Vilnius\n", "    timezone: Europe/Vilnius\n    coordinates: [59.44, 24.75]\n"
    )
    assert "59.44" in text
    result = loader.check(text + dedent("""
      - id: a
        title: A
        type: meeting
        project: umbrella
        location: klaipeda
        start: 2019-11-14
    """))  # fmt: skip
    chosen = geo.build(result.schedule, ["umbrella"])
    assert [p.location for p in chosen.places if p not in chosen.drawn] == ["klaipeda"]
    assert chosen.drawn == ()
    assert any("outside the map" in w.message for w in result.warnings)


def test_the_shipped_coastline_file_records_where_it_came_from():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["source"].startswith("world-atlas@")
    assert (Path(geo.__file__).parent.parent / "tools" / "make_coastline.py").exists()
