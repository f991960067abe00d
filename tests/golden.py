"""Golden feeds: the exact bytes of a few feeds, so that any change of output is seen at once.

An upgrade of icalendar, a refactor of ``ics.py``/``icsbytes.py`` or a new tz database that
changes a byte of these feeds fails ``tests/test_golden.py``. When the change is meant, write the
files again and review the diff:

    make golden            # = .venv/bin/python tests/golden.py --update

The feeds are built from the files alone: no ledger (every event at revision 0 of 2000-01-01),
no clock, a fixed base URL, so the bytes never depend on the day or the machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

from calfeed import ics
from calfeed.loader import load
from calfeed.model import Filter, select
from calfeed.revisions import EPOCH, Revisions

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
BASE = "https://kalender.example.org"
DOMAIN = "kalender.example.org"

# file name -> (events file, language, selection)
FEEDS = {
    "shipped.ics": (ROOT / "events.yaml", "sv", Filter()),
    "shipped-en.ics": (ROOT / "events.yaml", "en", Filter()),
    "hard-cases.ics": (ROOT / "tests" / "fixtures" / "hard-cases.yaml", "sv", Filter()),
    "recurring.ics": (ROOT / "tests" / "fixtures" / "recurring.yaml", "sv", Filter()),
}


def build(name: str) -> bytes:
    source, lang, selection = FEEDS[name]
    schedule = load(source)
    prefix = "/en" if lang == "en" else ""
    ctx = ics.Context(schedule, Revisions({}, EPOCH), lang, DOMAIN, lambda e: f"{BASE}{prefix}/events/{e.id}")
    title = schedule.calendar.name.get(lang)
    info = ics.FeedInfo(title, schedule.calendar.description.get(lang) or title, f"{BASE}{prefix}/calendar.ics")
    return ics.calendar(select(schedule.events, selection), ctx, info)


def main(argv: list[str]) -> int:
    update = "--update" in argv
    stale = []
    for name in FEEDS:
        path, body = GOLDEN / name, build(name)
        if update:
            path.write_bytes(body)
        elif not path.exists() or path.read_bytes() != body:
            stale.append(name)
    for name in stale:
        print(f"tests/golden/{name} differs from the feed built now (make golden writes it again)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
