"""Each event's line on the lists (the agenda, past events, a project's, place's and type's page) as
the last ``calfeed build`` rendered it, so that the next build renders only the lines of the events
that changed: at 10,000 events, rendering them is a second of Jinja per language.

Layer: site (file I/O). One JSON Lines file per language in the export's ``.calfeed-items/``: a
first line with what every item depends on outside its event (the site's print: the code, the
settings, the calendar, projects and places; and the day: "today" moves), then one line per item:
the event's id, its occurrence, the heading level, the event's print (``export_inputs.inputs``)
and the HTML. The file is data, never code; a line whose event has another print now is not read
(``ItemShelf`` appends the new lines of an edit and says when the file is written afresh).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from .atomic import Signature, stat_signature, write_atomically

FORMAT = 1
ItemKey = tuple[str, str, int]  # the event's id, its occurrence's start (isoformat; "" for a single event), the level
log = logging.getLogger(__name__)


class ItemShelf:
    """One language's file. Items rendered since it was read are appended to it when it is still
    as read and for the same site print and day (after a one-event edit, that event's lines instead
    of a language's 5 MB); it is written afresh on another day, after another process changed it,
    or when lines no longer read would pass half of it. A line that does not parse (a torn append)
    is skipped; the lines after it are still read."""

    def __init__(self, folder: Path, lang: str) -> None:
        self.folder, self.path = folder, folder / f"{lang}.jsonl"
        self._seen: tuple[bytes, Signature, int, set[ItemKey]] | None = None  # head, signature, lines, keys

    def read(self, site: str, prints: Mapping[str, str]) -> tuple[dt.date, dict[ItemKey, str]] | None:
        """The day the items were rendered for and those of events with the same print now (None: none to reuse)."""
        items: dict[ItemKey, str] = {}
        try:
            with open(self.path, "rb") as file:
                first = file.readline()
                head = json.loads(first)
                if not isinstance(head, dict) or head.get("format") != FORMAT or head.get("site") != site:
                    return None  # another calfeed, other settings or another calendar wrote it
                day = dt.date.fromisoformat(head["day"])
                count = 0
                for line in file:
                    count += 1
                    item = _item(line)
                    if item is not None and prints.get(item[0][0]) == item[1]:
                        items[item[0]] = item[2]
                self._seen = (first, stat_signature(os.fstat(file.fileno())), count, set(items))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.warning("ignoring %s: %s", self.path, exc)
            return None
        return day, items

    def write(self, site: str, day: dt.date, items: Iterable[tuple[ItemKey, str, str]]) -> None:
        """Keep ``items`` (each key, its event's print and the HTML) for the next build."""
        head = json.dumps({"format": FORMAT, "site": site, "day": day.isoformat()}).encode() + b"\n"
        every = list(items)
        try:
            seen = self._seen
            if seen is not None and seen[0] == head and stat_signature(self.path.stat()) == seen[1]:
                fresh = [item for item in every if item[0] not in seen[3]]  # those lines have today's print
                if seen[2] + len(fresh) <= 2 * len(every):
                    with open(self.path, "ab") as file:
                        file.write(b"".join(map(_line, fresh)))
                    self._seen = None  # written: read again before another append
                    return

            def lines(file: BinaryIO) -> None:
                file.write(head)
                for item in every:  # one line at a time: not the language's 5 MB as one string
                    file.write(_line(item))

            self.folder.mkdir(exist_ok=True)
            write_atomically(self.path, lines)
            self._seen = None
        except OSError as exc:  # a cache: the next build renders the items again
            log.warning("cannot keep the list items in %s: %s", self.folder, exc)


def _item(line: bytes) -> tuple[ItemKey, str, str] | None:
    try:
        row = json.loads(line)
    except ValueError:
        return None
    if type(row) is not list or len(row) != 5:
        return None
    event_id, occurrence, level, print_, html = row
    if all(type(v) is str for v in (event_id, occurrence, print_, html)) and type(level) is int:
        return (event_id, occurrence, level), print_, html
    return None


def _line(item: tuple[ItemKey, str, str]) -> bytes:
    (event_id, occurrence, level), print_, html = item
    return json.dumps([event_id, occurrence, level, print_, html], ensure_ascii=False).encode() + b"\n"
