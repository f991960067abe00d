"""What each file of an export is made of, so that the next ``calfeed build`` renders only the
files whose inputs changed (``.calfeed-inputs.json``).

Layer: web (reads the app's settings and the snapshot; no rendering).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections import Counter
from pathlib import Path

from flask import Flask

from .icsbytes import CONTENT
from .model import Schedule
from .store import Snapshot
from .web.feeds import settings


def inputs(app: Flask, snapshot: Snapshot) -> dict:
    """What an event's own page and download are made of: the site's part (the code and its
    templates, the settings, the calendar, projects and locations) and, per event, its content,
    its revision and, for a series, the day (its page lists the next dates). And what a project's,
    place's or type's page and feed are made of: the day (upcoming and past part there; a feed's
    window of past days ends there), how many events each project has at each place (every
    place's map shows them) and the prints of the events it lists, in their order."""
    site = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            site.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    schedule = snapshot.schedule
    site.update(repr((settings(app.config), schedule.calendar, tuple(schedule.projects.items()),
                      tuple(schedule.locations.items()))).encode())  # fmt: skip
    day = dt.datetime.now(zoneinfo.ZoneInfo(schedule.calendar.timezone)).date().isoformat()
    events = {event.id: hashlib.sha256(repr((CONTENT(event), snapshot.revisions.of(event.id),
                                             day if event.recurrence else "")).encode()).hexdigest()[:32]
              for event in schedule.events}  # fmt: skip
    return {"format": 1, "site": site.hexdigest(), "events": events, "facets": _facet_prints(schedule, events, day)}


def _facet_prints(schedule: Schedule, events: dict[str, str], day: str) -> dict[str, str]:
    """``facet/slug`` -> a print of what its page and feed show (the members are the events
    ``Filter().narrow(facet, [slug])`` selects: those whose project, location or type it is)."""
    members: dict[str, list[str]] = {}
    for event in schedule.events:
        for facet, slug in (("projects", event.project), ("locations", event.location), ("types", event.type)):
            if slug:
                members.setdefault(f"{facet}/{slug}", []).append(events[event.id])
    maps = repr(sorted(Counter((e.project, e.location) for e in schedule.events if e.location).items()))
    common = f"{day}\0{maps}\0"
    return {key: hashlib.sha256((common + "".join(prints)).encode()).hexdigest()[:32]
            for key, prints in members.items()}  # fmt: skip


def unchanged_events(before: dict | None, now: dict) -> frozenset[str]:
    """The events and facets (``facet/slug``) whose files a build may keep as they are."""
    if before is None or before.get("site") != now["site"]:
        return frozenset()
    kept: set[str] = set()
    for part in ("events", "facets"):
        earlier = before.get(part)
        if isinstance(earlier, dict):
            kept.update(key for key, print_ in now[part].items() if earlier.get(key) == print_)
    return frozenset(kept)
