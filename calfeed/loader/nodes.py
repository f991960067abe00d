"""Reading one value from the node tree: a mapping's keys, a list, a text, a choice, a date, a time.

Layer: loader. Imports ``model`` and the loader's ``problems``, ``source`` and ``advice``; no Flask.

Each reader returns the value, or ``INVALID`` after reporting why it cannot be used. Callers pass
only nodes that are there: a field left out is ``None`` before any reader sees it.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
import unicodedata
import zoneinfo
from collections.abc import Collection
from functools import cache
from typing import Any, TypeVar

import yaml

from ..model import LANGUAGES, Text
from .advice import language_hint, suggest
from .problems import INVALID, Invalid, Problems
from .source import CORE_TAGS, is_null, kind

MIN_YEAR, MAX_YEAR = 1900, 2200
DEFAULT_DURATION = dt.timedelta(hours=1)

SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\Z")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?\Z")
_DATETIME = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})(?:T|\s+)(.+)\Z")
# C0 controls but tab and line feed, DEL and C1: invalid in iCalendar text (RFC 5545 3.3.11), never typed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
URL = re.compile(r"(https?://[^\s/?#]+[^\s]*|mailto:[^\s@]+@[^\s@]+)\Z", re.IGNORECASE)
_TEXT_FIELDS = dict.fromkeys(LANGUAGES, False)
_FOLD = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "œ": "oe"})

K = TypeVar("K")
V = TypeVar("V")
When = dt.date | dt.datetime


def slugify(text: str) -> str:
    """A URL-safe id from free text: 'Studieresa till Guldborgsund' -> 'studieresa-till-guldborgsund'."""
    text = text.lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class Entries(dict[K, V]):
    """What a reader of many items (a mapping's keys, a list of dates) could use, by key. ``refused`` is
    True when it reported one and left it out: for readers where one such mistake voids the whole."""

    refused = False


class Reader:
    """Reads values from one file's node tree, reporting each problem to ``problems``. A list or mapping
    is read once: one reached again through a YAML alias is refused ("billion laughs" files blow up so)."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self._visited: set[int] = set()

    def error(self, node: Any, message: str, hint: str = "") -> Invalid:
        return self.problems.error(node, message, hint)

    def warn(self, node: Any, message: str, hint: str = "") -> None:
        self.problems.warn(node, message, hint)

    # -- shapes: mappings and lists ---------------------------------------------------------------

    def _first_visit(self, node: Any) -> bool:
        """False for a list or mapping reached a second time, and for tags that would build objects."""
        if not isinstance(node, yaml.ScalarNode):
            if id(node) in self._visited:
                self.error(node, "YAML aliases (*name) are not supported here", "write the value out in full")
                return False
            self._visited.add(id(node))
        if node.tag not in CORE_TAGS:
            self.error(node, f"the YAML tag '{node.tag}' is not allowed", "remove the tag; write a plain value")
            return False
        return True

    def mapping(self, node: Any, what: str) -> Entries[str, tuple[Any, Any]] | Invalid:
        """Each key's (key node, value node)."""
        if not self._first_visit(node):
            return INVALID
        if not isinstance(node, yaml.MappingNode):
            return self.error(node, f"{what} should be a set of 'key: value' lines, not {kind(node)}")
        entries: Entries[str, tuple[Any, Any]] = Entries()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                self.error(key, f"a key in {what} must be a plain word")
                entries.refused = True
            elif key.value in entries:
                first = entries[key.value][0].start_mark.line + 1
                self.error(key, f"'{key.value}' is given twice in {what} (first on line {first})", "keep one of them")
                entries.refused = True
            else:
                entries[key.value] = (key, value)
        return entries

    def fields(self, node: Any, what: str, spec: dict[str, bool]) -> Entries[str, Any] | Invalid:
        """The value nodes of a mapping with known keys (``spec``: name -> required); empty ones left out."""
        entries = self.mapping(node, what)
        if entries is INVALID:
            return INVALID
        return self._known(entries, what, spec, node=node)

    def _known(self, entries: Entries[str, tuple[Any, Any]], what: str, spec: dict[str, bool],
               allowed: str = "allowed here", node: Any = None) -> Entries[str, Any]:  # fmt: skip
        values: Entries[str, Any] = Entries()
        values.refused = entries.refused
        for name, (key, value) in entries.items():
            if value is None:  # already reported
                continue
            if name not in spec:
                hint = suggest(name, spec) or f"{allowed}: {', '.join(spec)}"
                self.error(key, f"unknown key '{name}' in {what}", hint)
                values.refused = True
            elif not is_null(value):
                values[name] = value
        for name, required in spec.items():
            if required and name not in values:
                if name in entries:
                    self.error(entries[name][0], f"'{name}' in {what} is empty", "give it a value")
                else:
                    self.error(node, f"{what} is missing '{name}'", f"add a line '{name}: …'")
        return values

    def sequence(self, node: Any, what: str) -> list[Any] | Invalid:
        if not self._first_visit(node):
            return INVALID
        if not isinstance(node, yaml.SequenceNode):
            return self.error(node, f"{what} should be a list of items, each starting with '- '")
        return list(node.value)

    # -- words and texts ------------------------------------------------------------------------

    def string(self, node: Any, what: str) -> str | Invalid:
        """A single value as typed, trimmed, with LF line breaks."""
        if not self._first_visit(node):
            return INVALID
        if not isinstance(node, yaml.ScalarNode):
            return self.error(node, f"{what} should be a single value, not {kind(node)}")
        value = node.value.replace("\r\n", "\n").replace("\r", "\n")  # one kind of line break: LF
        value = value.replace("\ufeff", "")  # a byte order mark pasted in with text: invisible, and parsers drop it
        control = _CONTROL.search(value)
        if control:
            return self.error(node, f"{what} contains the control character U+{ord(control.group()):04X}, which "
                              "calendars cannot show", "delete it; in a \"quoted\" value look for escapes such as "
                              "\\x01 or \\e")  # fmt: skip
        value = value.strip()
        if not value:
            return self.error(node, f"{what} is empty")
        return value

    def text(self, node: Any, what: str) -> Text | Invalid:
        """Plain text (Swedish), or a mapping from language codes (sv, en, da, de, pl, lt) to the text
        in each language. A language left empty or unknown is reported and left out."""
        if not isinstance(node, yaml.MappingNode):
            value = self.string(node, what)
            return INVALID if value is INVALID else Text(sv=value)
        entries = self.mapping(node, what)
        if entries is INVALID:
            return INVALID
        unknown = [name for name in entries if name not in _TEXT_FIELDS]
        for name in unknown:
            key = entries[name][0]
            self.error(key, f"unknown language '{name}' in {what}", language_hint(name))
            entries[name] = (key, None)  # reported
        parts = self._known(entries, what, _TEXT_FIELDS, "languages", node)
        if not parts:
            if not unknown:  # an empty mapping, or every language left empty
                self.error(node, f"{what} has no text in any language",
                           f"write it as {{sv: …, en: …}} with one or more of: {', '.join(LANGUAGES)}")  # fmt: skip
            return INVALID
        texts = {lang: self.string(value, f"{what} ({lang})") for lang, value in parts.items()}
        return Text(**{lang: text or "" for lang, text in texts.items()})

    def choice(self, node: Any, what: str, choices: Collection[str]) -> str | Invalid:
        value = self.string(node, what)
        if value is INVALID or value in choices:
            return value
        return self.error(node, f"unknown {what} '{value}'", suggest(value, choices) or
                          f"use one of: {', '.join(sorted(choices))}")  # fmt: skip

    def slug(self, node: Any, what: str) -> str | Invalid:
        value = self.string(node, what)
        if value is INVALID or SLUG.match(value):
            return value
        suggestion = slugify(value)
        hint = f"use lower-case letters, digits and '-', e.g. '{suggestion}'" if suggestion else ""
        return self.error(node, f"{what} '{value}' cannot be used in a web address", hint)

    def url(self, node: Any, what: str) -> str | Invalid:
        value = self.string(node, what)
        if value is INVALID or URL.match(value):
            return value
        return self.error(node, f"{what} '{value}' is not a web or e-mail address",
                          "it must start with https://, http:// or mailto:")  # fmt: skip

    def timezone(self, node: Any, what: str) -> str | Invalid:
        value = self.string(node, what)
        if value is INVALID or value in _timezones():
            return value
        return self.error(node, f"unknown time zone '{value}'",
                          suggest(value, _timezones()) or "use a name like Europe/Stockholm")  # fmt: skip

    # -- dates and times ------------------------------------------------------------------------

    def date(self, node: Any, what: str) -> dt.date | Invalid:
        value = self.string(node, what)
        if value is INVALID:
            return INVALID
        if not _DATE.match(value):
            return self.error(node, f"{what} '{value}' is not a date", "write it as YYYY-MM-DD, e.g. 2019-11-13")
        return self._real_date(node, what, value)

    def _real_date(self, node: Any, what: str, value: str) -> dt.date | Invalid:
        year, month, day = map(int, value.split("-"))
        if not MIN_YEAR <= year <= MAX_YEAR:  # also keeps date arithmetic and time zones off their limits
            return self.error(node, f"{what} is in the year {year}",
                              f"years from {MIN_YEAR} to {MAX_YEAR} are accepted")  # fmt: skip
        if not 1 <= month <= 12:
            return self.error(node, f"{what} has month {month}; months run from 1 to 12")
        days = _calendar.monthrange(year, month)[1] if year >= 1 else 31
        if not 1 <= day <= days:
            name = dt.date(2000, month, 1).strftime("%B")
            return self.error(node, f"{what} {year:04}-{month:02}-{day:02} does not exist: "
                              f"{name} {year} has {days} days")  # fmt: skip
        return dt.date(year, month, day)

    def _time(self, node: Any, what: str, value: str) -> dt.time | Invalid:
        match = _TIME.match(value)
        if not match:
            return self.error(node, f"{what} '{value}' is not a time", "write it as HH:MM, e.g. 09:30")
        hour, minute, second = (int(g or 0) for g in match.groups())
        if hour > 23 or minute > 59 or second > 59:
            return self.error(node, f"{what} {value} is not a time of day", "hours run 00–23 and minutes 00–59")
        return dt.time(hour, minute, second)

    def when(self, node: Any, what: str, day: dt.date | None = None) -> When | Invalid:
        """A date (all day), a date and time, or — when ``day`` is given — a time on that day."""
        value = self.string(node, what)
        if value is INVALID:
            return INVALID
        if _DATE.match(value):
            return self._real_date(node, what, value)
        if day is not None and _TIME.match(value):
            clock = self._time(node, what, value)
            return INVALID if clock is INVALID else dt.datetime.combine(day, clock)
        match = _DATETIME.match(value)
        if not match or not _DATE.match(match.group(1)):
            return self.error(node, f"{what} '{value}' is not a date or a date and time",
                              "write YYYY-MM-DD for a whole day or YYYY-MM-DD HH:MM for a time")  # fmt: skip
        date = self._real_date(node, what, match.group(1))
        clock = self._time(node, what, match.group(2).strip())
        return INVALID if date is INVALID or clock is INVALID else dt.datetime.combine(date, clock)

    def end(self, node: Any, start: When | Invalid | None) -> When | Invalid:
        """The end of an event or a changed occurrence: ``node`` (None: left out) after ``start``."""
        if start is None or start is INVALID:
            if node is not None:
                self.when(node, "end", dt.date(2000, 1, 1))  # still report a malformed end; a time alone is fine
            return INVALID
        if node is None:
            return start + DEFAULT_DURATION if isinstance(start, dt.datetime) else start
        end = self.when(node, "end", start.date() if isinstance(start, dt.datetime) else None)
        if end is INVALID:
            return INVALID
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            if isinstance(start, dt.datetime):
                return self.error(node, "the event starts at a time but its end is a date",
                                  "give the end a time too, e.g. 2019-12-05 16:00, or just 16:00")  # fmt: skip
            return self.error(node, "the event starts on a date but its end has a time",
                              "give both a time, or both only a date for a whole-day event")  # fmt: skip
        if end < start:  # both dates or both datetimes, checked above
            return self.error(node, f"the event ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})"
                              if isinstance(end, dt.datetime) else f"the event ends ({end}) before it starts ({start})",
                              "check the dates; for a whole-day event 'end' is the last day")  # fmt: skip
        return end

    def localize(self, node: Any, naive: dt.datetime, zone_name: str) -> dt.datetime | Invalid:
        """``naive`` in the zone, refused when the clocks skip it (the hour lost in spring)."""
        zone = zoneinfo.ZoneInfo(zone_name)
        aware = naive.replace(tzinfo=zone)
        if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
            return self.error(node, f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: "
                              "the clocks are moved forward then", "pick a time an hour later")  # fmt: skip
        return aware
