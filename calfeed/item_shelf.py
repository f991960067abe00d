"""Each event's line on the lists (the agenda, past events, a project's, place's and type's page) as
the last ``calfeed build`` rendered it, so that the next build renders only the lines of the events
that changed: at 10,000 events, rendering them is a second of Jinja per language.

Layer: site (file I/O). One JSON Lines file per language in the export's ``.calfeed-items/``: a
first line with what every item depends on outside its event (the site's print: the code, the
settings, the calendar, projects and places; and the day: "today" moves), then one line per item:
the event's id, its occurrence, the heading level, the event's print (``export_inputs.inputs``)
and the HTML. The file is data, never code; a line whose event has another print now is not read.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from .atomic import write_atomically

FORMAT = 1
ItemKey = tuple[str, str, int]  # the event's id, its occurrence's start (isoformat; "" for a single event), the level
log = logging.getLogger(__name__)


def read(folder: Path, lang: str, site: str, prints: Mapping[str, str]) -> tuple[dt.date, dict[ItemKey, str]] | None:
    """The day the items were rendered for and those of events with the same print now (None: none to reuse)."""
    items: dict[ItemKey, str] = {}
    try:
        with open(folder / f"{lang}.jsonl", encoding="utf-8") as file:
            head = json.loads(file.readline())
            if not isinstance(head, dict) or head.get("format") != FORMAT or head.get("site") != site:
                return None  # another calfeed, other settings or another calendar wrote it
            day = dt.date.fromisoformat(head["day"])
            for line in file:
                event_id, occurrence, level, print_, html = json.loads(line)
                fits = type(occurrence) is str and type(level) is int and type(html) is str
                if fits and prints.get(event_id) == print_:
                    items[(event_id, occurrence, level)] = html
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("ignoring %s/%s.jsonl: %s", folder, lang, exc)
        return None
    return day, items


def write(folder: Path, lang: str, site: str, day: dt.date, items: Iterable[tuple[ItemKey, str, str]]) -> None:
    """Keep ``items`` (each key, its event's print and the HTML) for the next build, one line at a time."""

    def lines(file: BinaryIO) -> None:
        file.write(json.dumps({"format": FORMAT, "site": site, "day": day.isoformat()}).encode() + b"\n")
        for (event_id, occurrence, level), print_, html in items:
            file.write(json.dumps([event_id, occurrence, level, print_, html], ensure_ascii=False).encode() + b"\n")

    try:
        folder.mkdir(exist_ok=True)
        write_atomically(folder / f"{lang}.jsonl", lines)
    except OSError as exc:  # a cache: the next build renders the items again
        log.warning("cannot keep the list items in %s: %s", folder, exc)
