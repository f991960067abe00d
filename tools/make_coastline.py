"""Make calfeed/data/southern-baltic.json: the coastline and borders the map draws.

Run once by a developer (the output is committed; nothing here runs in the app or the tests):

    python tools/make_coastline.py                     # fetches world-atlas with `npm pack`
    python tools/make_coastline.py path/to/countries-50m.json

Source: Natural Earth 1:50m (public domain) as TopoJSON in the npm package world-atlas
(ISC, Mike Bostock). The TopoJSON arcs are decoded here, in Python, so no npm package is
needed at run time. Steps: decode arcs -> land polygons (object ``land``) and borders (arcs
shared by two countries) -> clip to the viewport plus a margin (clipped edges fall outside
the SVG's viewBox, so they never show) -> project with ``calfeed.geo.project`` ->
Douglas–Peucker simplify -> SVG path data with relative moves at 0.1-unit precision.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calfeed import geo  # noqa: E402

PACKAGE = "world-atlas@2.0.2"
OUTPUT = ROOT / "calfeed" / "data" / "southern-baltic.json"
MARGIN_LON, MARGIN_LAT = 1.5, 0.8  # degrees beyond the viewport that are kept (hidden by the viewBox)
TOLERANCE = 0.3  # SVG units a simplified line may stray from the original
MIN_AREA = 3.0  # square units: smaller islands are dropped
ATTRIBUTION = (
    "Coastline and borders: Natural Earth 1:50m (public domain), via the world-atlas "
    "package by Mike Bostock (ISC); clipped, simplified and projected by tools/make_coastline.py."
)


def fetch() -> Path:
    """countries-50m.json from the npm registry, with npm's own client."""
    folder = Path(tempfile.mkdtemp(prefix="world-atlas-"))
    name = (
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    with tarfile.open(folder / name) as archive:
        archive.extract("package/countries-50m.json", folder, filter="data")
    return folder / "package" / "countries-50m.json"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) points of every arc (TopoJSON arcs are quantized and delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list) -> list[tuple[float, float]]:
    """A closed ring from arc indices; ~i means arc i reversed; shared end points are not doubled."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def clip_ring(points: list, box: tuple[float, float, float, float]) -> list:
    """Sutherland–Hodgman against an axis-aligned box (west, south, east, north)."""
    west, south, east, north = box
    edges = [(0, west, True), (0, east, False), (1, south, True), (1, north, False)]
    for axis, limit, keep_above in edges:
        if not points:
            break
        out = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            cur_in = (current[axis] >= limit) if keep_above else (current[axis] <= limit)
            prev_in = (previous[axis] >= limit) if keep_above else (previous[axis] <= limit)
            if cur_in != prev_in:
                t = (limit - previous[axis]) / (current[axis] - previous[axis])
                out.append(tuple(previous[k] + t * (current[k] - previous[k]) for k in (0, 1)))
            if cur_in:
                out.append(current)
        points = out
    return points


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker, iterative (long coastlines would overflow a recursive one)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            x0, y0 = points[i]
            if length:
                d = abs((x2 - x1) * (y1 - y0) - (x1 - x0) * (y2 - y1)) / length
            else:
                d = ((x0 - x1) ** 2 + (y0 - y1) ** 2) ** 0.5
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=False) if k]


def area(points: list) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=False))) / 2


def path(lines: list[list], closed: bool) -> str:
    """SVG path data: absolute first point, then relative steps, at 0.1 units (rounded once, so
    the relative steps add up exactly)."""
    parts = []
    for line in lines:
        grid = [(round(x * 10), round(y * 10)) for x, y in line]
        steps = [grid[0]] + [(b[0] - a[0], b[1] - a[1]) for a, b in zip(grid, grid[1:], strict=False) if b != a]
        text = "M" + _pair(steps[0]) + ("l" + " ".join(_pair(s) for s in steps[1:]) if len(steps) > 1 else "")
        parts.append(text + ("z" if closed else ""))
    return "".join(parts)


def _pair(point: tuple[int, int]) -> str:
    return f"{_num(point[0])},{_num(point[1])}"


def _num(tenths: int) -> str:
    return f"{tenths / 10:.1f}".removesuffix(".0")


def projected(points: list) -> list:
    return [geo.project(lat, lon) for lon, lat in points]


def land(topology: dict, arcs: list, box: tuple) -> list[list]:
    rings = []
    for geometry in topology["objects"]["land"]["geometries"]:
        for polygon in polygons(geometry):
            for indices in polygon:
                clipped = clip_ring(ring(indices, arcs), box)
                if len(clipped) < 3:
                    continue
                line = simplify(projected(clipped + clipped[:1]), TOLERANCE)[:-1]
                if len(line) >= 3 and area(line) >= MIN_AREA:
                    rings.append(line)
    return rings


def borders(topology: dict, arcs: list, box: tuple) -> list[list]:
    """Arcs used by two different countries: land borders (coasts belong to one country)."""
    users: Counter[int] = Counter()
    for geometry in topology["objects"]["countries"]["geometries"]:
        used = {i if i >= 0 else ~i for polygon in polygons(geometry) for r in polygon for i in r}
        users.update(used)
    west, south, east, north = box
    lines = []
    for index, count in users.items():
        if count < 2:
            continue
        run: list = []
        for lon, lat in arcs[index] + [(None, None)]:
            if lon is not None and west <= lon <= east and south <= lat <= north:
                run.append((lon, lat))
            elif run:
                if len(run) > 1:
                    lines.append(simplify(projected(run), TOLERANCE))
                run = []
    return lines


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else fetch()
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    box = (geo.WEST - MARGIN_LON, geo.SOUTH - MARGIN_LAT, geo.EAST + MARGIN_LON, geo.NORTH + MARGIN_LAT)
    data = {
        "attribution": ATTRIBUTION,
        "source": f"{PACKAGE} countries-50m.json (objects 'land' and 'countries')",
        "viewport": geo.viewport(),
        "land": path(land(topology, arcs, box), closed=True),
        "borders": path(borders(topology, arcs, box), closed=False),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
