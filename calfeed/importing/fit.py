"""``Incoming`` events fitted to the events file: ids, places, types, local times and series.

Times are written as the local time of the event's place (or the calendar's zone), the way staff
write them, after the README's time-zone precedence. A series becomes ``repeat:`` (or ``rrule:``),
``except:`` and ``changes:`` only when calfeed's own expansion of what would be written gives the
very same occurrences (instants, status, place) as the source's rule (``source_times`` works those
out); otherwise it is imported as its single occurrences and the report says why. Nothing the source
says about an event is lost silently: what the file cannot hold is named in ``notes``.

Layer: loader (like the rest of ``calfeed.importing``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..loader import MAX_YEAR, URL  # URL: the loader's own rule for a url value
from ..model import EVENT_TYPES, STATUSES, Change, Event, Recurrence, Text
from ..recurrence import MAX_COUNT, occurrences, occurs_on, wall_clock
from ..vocabulary import TYPE_NAMES
from .incoming import Incoming, Moment, Series
from .places import Places
from .source_times import aware, exact, floating, in_rule, instants, local_day, same, source_occurrences

UTC = dt.UTC
CHECKED = 200  # occurrences of a long series, or one without end, compared with the source
TYPE_WORDS = {
    **{kind: kind for kind in EVENT_TYPES},
    **{names[0].sv.lower(): kind for kind, names in TYPE_NAMES.items()},
    **{names[0].en.lower(): kind for kind, names in TYPE_NAMES.items()},
    "study trip": "study-trip", "möte": "meeting", "utbildningar": "training", "kurs": "training",
    "konferenser": "conference", "seminar": "workshop", "seminarium": "workshop",
}  # fmt: skip
STATUS_WORDS = {
    **{status: status for status in STATUSES},
    "bekräftat": "confirmed", "bekräftad": "confirmed", "preliminärt": "tentative", "preliminär": "tentative",
    "inställt": "cancelled", "inställd": "cancelled", "canceled": "cancelled",
}  # fmt: skip
_EVERY = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_DAYS = {"MO": "monday", "TU": "tuesday", "WE": "wednesday", "TH": "thursday", "FR": "friday",
         "SA": "saturday", "SU": "sunday"}  # fmt: skip
_ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)\Z")


@dataclass(frozen=True)
class Entry:
    """One event as it will be written: its id and its fields in the file's order."""

    id: str
    fields: dict[str, Any]  # text, a list of texts, or a nested mapping
    origin: str


def event_id(incoming: Incoming) -> str:
    """Stable across imports: from the source's UID (or the id the source gives), nothing else."""
    if incoming.event_id:
        return incoming.event_id
    return "import-" + hashlib.sha256(incoming.key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def word(text: str, words: Mapping[str, str]) -> str:
    """The value of the first of the comma-separated words in ``text`` that ``words`` knows, or ''."""
    for part in text.split(","):
        found = words.get(" ".join(part.lower().split()))
        if found:
            return found
    return ""


class Fitter:
    def __init__(self, places: Places, *, project: str = "", kind: str = "") -> None:
        self.places = places
        self.project = project
        self.kind = kind
        self.notes: list[str] = []
        self.defaulted: list[str] = []  # events that got the default type
        self.why = ""  # why the last series could not be written as one

    # -- one event -----------------------------------------------------------------------------

    def entries(self, incoming: Incoming, *, add: bool = True) -> list[Entry]:
        """The entries for ``incoming``: one, or one per occurrence of a series the format cannot say.
        With ``add=False`` nothing is recorded (no new location, no note): a look at what would be."""
        location = self.places.resolve(incoming.place, incoming.origin, add=add)
        if isinstance(incoming.start, dt.datetime) and incoming.start.tzinfo is None:
            incoming = floating(incoming, zoneinfo.ZoneInfo(self.places.zone(location)))
        if incoming.series is None:
            return [self.single(incoming, location, add)]
        found = self.series(incoming, location, add)
        if found is not None:
            return found
        return self.singles(incoming, add)

    def common(self, incoming: Incoming, location: str, add: bool) -> dict[str, Any]:
        kind = word(incoming.type, TYPE_WORDS)
        if not kind:
            kind = self.kind or "meeting"
            if add and not self.kind:
                self.defaulted.append(incoming.origin)
        fields: dict[str, Any] = {"id": event_id(incoming), "title": incoming.title, "type": kind}
        if incoming.project or self.project:
            fields["project"] = incoming.project or self.project
        if location:
            fields["location"] = location
        return fields

    def rest(self, incoming: Incoming, location: str, add: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if incoming.status != "confirmed":
            fields["status"] = incoming.status
        description = incoming.description
        if incoming.place and (not location or self.places.says_more(incoming.place, location)):
            # the room, the building, or a place the file does not know: kept where a reader sees it
            description = f"{description}\n\nPlats: {' '.join(incoming.place.split())}".strip()
        url = incoming.url
        if url and not URL.match(url):
            if add:
                self.notes.append(f"{incoming.origin}: the link '{url[:80]}' is not https://, http:// or mailto:; "
                                  "it is kept in the description")  # fmt: skip
            description, url = f"{description}\n\n{url}".strip(), ""
        if description:
            fields["description"] = description
        if url:
            fields["url"] = url
        return fields

    def single(self, incoming: Incoming, location: str, add: bool) -> Entry:
        fields = self.common(incoming, location, add)
        zone = self.places.zone(location)
        if incoming.all_day:
            fields["start"] = incoming.start.isoformat()
            if incoming.end is not None and incoming.end != incoming.start:
                fields["end"] = incoming.end.isoformat()
        else:
            tz = zoneinfo.ZoneInfo(zone)
            start, end = aware(incoming.start, tz), aware(incoming.end or incoming.start, tz)
            if not (exact(start, tz) and exact(end, tz)):  # the hour that repeats when clocks go back
                tz = zoneinfo.ZoneInfo("UTC")
                fields["timezone"] = "UTC"
            fields.update(times(start.astimezone(tz), end.astimezone(tz)))
        fields.update(self.rest(incoming, location, add))
        return Entry(fields["id"], _ordered(fields), incoming.origin)

    # -- a series --------------------------------------------------------------------------------

    def series(self, incoming: Incoming, location: str, add: bool) -> list[Entry] | None:
        """The series as repeat/except/changes (plus its reworded occurrences as single events), or
        None when the format cannot say it."""
        series = incoming.series
        assert series is not None
        why = series.unsupported or rule_unsupported(series.rule, series.until)
        if why:
            self._note_singles(incoming, why, add)
            return None
        # An occurrence with another title, text, link or kind of day is its own event; the series skips it.
        # So is one whose RECURRENCE-ID is no occurrence of the rule: no 'changes:' date can name it.
        apart = [o for o in series.overrides if (o.title, o.description, o.url, o.all_day) !=
                 (incoming.title, incoming.description, incoming.url, incoming.all_day)
                 or not in_rule(incoming, o.recurrence_id)]  # fmt: skip
        kept = tuple(o for o in series.overrides if o not in apart)
        skipped = series.exdates + tuple(o.recurrence_id for o in apart
                                         if o.recurrence_id is not None
                                         and in_rule(incoming, o.recurrence_id))  # fmt: skip
        main = replace(incoming, series=replace(series, overrides=kept, exdates=skipped))
        zones = [self.places.zone(location)]
        if not incoming.all_day and incoming.zone and incoming.zone not in zones and incoming.zone != "UTC":
            zones.append(incoming.zone)  # the source's own zone, written as the event's 'timezone:'
        for zone in zones:
            fields = self.express(main, location, zone, add=False)
            if fields is not None:
                fields = self.express(main, location, zone, add=add)
                assert fields is not None
                if zone != self.places.zone(location):
                    fields["timezone"] = zone
                others = [self.single(replace(o, key=f"{o.key}/{stamp(o.recurrence_id)}", recurrence_id=None),
                                      self.places.resolve(o.place, o.origin, add=add), add) for o in apart]  # fmt: skip
                if apart and add:
                    self.notes.append(f"{incoming.origin}: {len(apart)} occurrence(s) with their own title or text "
                                      "are single events; the series skips those dates")  # fmt: skip
                return [Entry(fields["id"], _ordered(fields), incoming.origin), *others]
        self._note_singles(incoming, "its occurrences cannot be written as a repeat in this file's time zones", add)
        return None

    def _note_singles(self, incoming: Incoming, why: str, add: bool) -> None:
        self.why = why  # said by singles(), with what became of the series

    def express(self, main: Incoming, location: str, zone: str, *, add: bool) -> dict[str, Any] | None:
        """The fields of the series written in ``zone``, if they mean exactly the source's occurrences."""
        series = main.series
        assert series is not None
        tz = zoneinfo.ZoneInfo(zone)
        if isinstance(series.until, dt.date) and series.until.year > MAX_YEAR:  # "UNTIL=99991231": no end
            series = replace(series, until=None)
            main = replace(main, series=series)
        source = source_occurrences(main, CHECKED, cut=True)  # enough to tell two rules apart
        if not source:
            return None
        shortened = source_occurrences(main, CHECKED) is None
        start: Moment
        end: Moment
        if main.all_day:
            start, end = main.start, main.end or main.start
        else:
            start, end = aware(main.start, tz), aware(main.end or main.start, tz)
            if not (exact(start, tz) and exact(end, tz)):
                return None
        rule = ";".join(f"{k}={v}" for k, v in sorted(series.rule.items(), key=lambda kv: kv[0] != "FREQ"))
        until = None
        if series.until is not None:
            bare = source_occurrences(replace(main, series=Series(series.rule, series.until)), 10 * MAX_COUNT)
            if not bare:
                return None
            until = local_day(bare[-1].recurrence_id, tz)
        recurrence = Recurrence(rule, until)
        try:
            exceptions = tuple(sorted({day for day in (local_day(x, tz) for x in series.exdates)
                                       if occurs_on(recurrence, start, day)}))  # fmt: skip
        except (ValueError, TypeError):
            return None
        changes = []
        for override in series.overrides:
            change = self.change(main, override, start, end, location, tz, add)
            if change is not None:
                changes.append(change)
        recurrence = Recurrence(rule, until, exceptions, tuple(sorted(changes, key=lambda c: c.date)))
        probe = Event("probe", Text(main.title), "meeting", start, end, location=location, status=main.status,
                      recurrence=recurrence)  # fmt: skip
        first = local_day(source[0].start, tz) - dt.timedelta(days=2)
        last = max(local_day(o.end or o.start, tz) for o in source) + dt.timedelta(days=2)
        if shortened:
            last = max(local_day(o.recurrence_id, tz) for o in source)
            source = [o for o in source if local_day(o.recurrence_id, tz) <= last]
        ours = occurrences(probe, first, last, tz)
        if shortened:
            ours = [o for o in ours if o.recurrence_id is not None and local_day(o.recurrence_id, tz) <= last]
        theirs = [(o.start, o.end or o.start, o.status, self.places.resolve(o.place, o.origin, add=False) if
                   o.place != main.place else location) for o in source]  # fmt: skip
        if sorted(map(instants, theirs)) != sorted(instants((o.start, o.end, o.status, o.location)) for o in ours):
            return None
        fields = self.common(main, location, add)
        if main.all_day:
            fields["start"] = start.isoformat()
            if end != start:
                fields["end"] = end.isoformat()
        else:
            assert isinstance(start, dt.datetime) and isinstance(end, dt.datetime)
            fields.update(times(start, end))
        fields.update(self.rest(main, location, add))
        fields.update(repeat_fields(series.rule, until))
        if exceptions:
            fields["except"] = [day.isoformat() for day in exceptions]
        if recurrence.changes:
            fields["changes"] = {c.date.isoformat(): change_fields(c, start) for c in recurrence.changes}
        return fields

    def change(self, main: Incoming, override: Incoming, start: Moment, end: Moment, location: str,
               tz: dt.tzinfo, add: bool) -> Change | None:  # fmt: skip
        day = local_day(override.recurrence_id, tz)
        if main.all_day:
            assert not isinstance(start, dt.datetime) and not isinstance(end, dt.datetime)
            original: Moment = day
            new_start: Moment = override.start
            new_end: Moment = override.end or override.start
            default_end = new_start + (end - start)
        else:
            assert isinstance(start, dt.datetime) and isinstance(end, dt.datetime)
            original = dt.datetime.combine(day, wall_clock(start).time(), tz)
            new_start = aware(override.start, tz)
            new_end = aware(override.end or override.start, tz)
            default_end = (new_start.astimezone(UTC) + (end.astimezone(UTC) - start.astimezone(UTC))).astimezone(tz)
        place = location
        if override.place != main.place:
            place = self.places.resolve(override.place, override.origin, add=add)
        change = Change(
            day,
            start=None if same(new_start, original) else new_start,
            end=None if same(new_end, default_end) else new_end,
            location=place if place and place != location else None,
            status=override.status if override.status != main.status else None,
        )
        return None if change == Change(day) else change

    def singles(self, incoming: Incoming, add: bool) -> list[Entry]:
        found = source_occurrences(incoming, MAX_COUNT)
        if found is None:
            if add:
                self.notes.append(f"{incoming.origin}: NOT IMPORTED: {self.why}, and it has no end (or over "
                                  f"{MAX_COUNT} occurrences) to import one by one; add it by hand")  # fmt: skip
            return []
        if add:
            self.notes.append(f"{incoming.origin}: {self.why}; imported as its {len(found)} single occurrences")
        return [self.single(replace(o, key=f"{incoming.key}/{stamp(o.recurrence_id)}", series=None, recurrence_id=None),
                            self.places.resolve(o.place, o.origin, add=add), add) for o in found]  # fmt: skip


# -- the file's format: what it can say, and how staff write it -----------------------------------


def rule_unsupported(rule: dict[str, str], until: Moment | None) -> str:
    """Why calfeed's format cannot hold this RRULE ('' when it can), as the loader's rules say."""
    if rule.get("FREQ") not in _EVERY:
        return f"it repeats {rule.get('FREQ', 'without FREQ').lower()}, more often than once a day"
    if {"BYHOUR", "BYMINUTE", "BYSECOND"} & set(rule):
        return "it repeats several times a day"
    if "COUNT" in rule and until is not None:
        return "its RRULE has both COUNT and UNTIL"
    if "COUNT" in rule and not (rule["COUNT"].isdigit() and 1 <= int(rule["COUNT"]) <= MAX_COUNT):
        return f"it repeats more than {MAX_COUNT} times"
    return ""


def clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d} {clock(moment)}"


def times(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    """start and end as staff write them: the end as a time alone when it is on the start day."""
    return {"start": when(start), "end": clock(end) if end.date() == start.date() else when(end)}


def change_fields(change: Change, start: Moment) -> dict[str, str]:
    fields: dict[str, str] = {}
    if change.start is not None:
        fields["start"] = when(change.start) if isinstance(change.start, dt.datetime) else change.start.isoformat()
    if change.end is not None:
        day = change.start or change.date
        first = day.date() if isinstance(day, dt.datetime) else day
        on_day = isinstance(change.end, dt.datetime) and change.end.date() == first
        fields["end"] = (clock(change.end) if on_day else when(change.end)) if isinstance(change.end, dt.datetime) \
            else change.end.isoformat()  # fmt: skip
    if change.location:
        fields["location"] = change.location
    if change.status:
        fields["status"] = change.status
    return fields


def repeat_fields(rule: dict[str, str], until: dt.date | None) -> dict[str, Any]:
    """``repeat:`` as staff write it when it can say the rule, else the rule itself as ``rrule:``."""
    days = [_BYDAY.match(d) for d in rule.get("BYDAY", "").split(",")] if "BYDAY" in rule else []
    ordinal_ok = rule["FREQ"] in ("MONTHLY", "YEARLY")
    plain = (
        set(rule) <= {"FREQ", "INTERVAL", "BYDAY", "COUNT", "WKST"}
        and all(d and (not d.group(1) or (ordinal_ok and d.group(1).lstrip("+") in _ORDINALS)) for d in days)
        # the week start only matters for a series every n weeks on several days
        and (rule.get("WKST", "MO") == "MO" or rule["FREQ"] != "WEEKLY" or rule.get("INTERVAL", "1") == "1"
             or len(days) < 2)
    )  # fmt: skip
    if not plain:
        text = ";".join(f"{k}={v}" for k, v in sorted(rule.items(), key=lambda kv: kv[0] != "FREQ"))
        return {"rrule": text + (f";UNTIL={until:%Y%m%d}" if until else "")}
    repeat: dict[str, Any] = {"every": _EVERY[rule["FREQ"]]}
    if rule.get("INTERVAL", "1") != "1":
        repeat["interval"] = rule["INTERVAL"]
    if days:
        repeat["on"] = [" ".join(filter(None, (_ORDINALS.get((d.group(1) or "").lstrip("+")), _DAYS[d.group(2)])))
                        for d in days if d]  # fmt: skip
    if until is not None:
        repeat["until"] = until.isoformat()
    if "COUNT" in rule:
        repeat["count"] = rule["COUNT"]
    return {"repeat": repeat}


def stamp(moment: Moment | None) -> str:
    if isinstance(moment, dt.datetime):
        return (moment.astimezone(UTC) if moment.tzinfo else moment).strftime("%Y%m%dT%H%M%S")
    return moment.strftime("%Y%m%d") if moment else ""


_ORDER = ("id", "title", "type", "project", "location", "start", "end", "timezone", "status", "description", "url",
          "repeat", "rrule", "except", "changes")  # fmt: skip


def _ordered(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: fields[key] for key in _ORDER if key in fields}
