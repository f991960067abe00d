"""Advice: "did you mean …?" for a word the loader does not know, and warnings about a valid schedule.

Layer: loader. Imports ``model`` and the loader's ``problems`` and ``source``; no Flask.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from ..model import LANGUAGE_NAMES, LANGUAGES, Schedule
from .problems import Problems
from .source import value_of

# What staff write for a language instead of its ISO 639-1 code: the country's code (se, dk, pl and lt
# are countries too), the three-letter codes (ger, deu, swe), the language's own and English name.
_LANGUAGE_ALIASES = {
    "sv": ("se", "swe", "sve", "svenska", "swedish", "sw", "sv-se", "sv_se"),
    "en": ("eng", "gb", "uk", "us", "english", "engelska", "en-gb", "en_gb"),
    "da": ("dk", "dan", "dansk", "danish", "danska", "da-dk", "da_dk"),
    "de": ("ger", "deu", "ge", "deutsch", "german", "tyska", "de-de", "de_de"),
    "pl": ("pol", "po", "polski", "polish", "polska", "pl-pl", "pl_pl"),
    "lt": ("lit", "li", "lietuvių", "lietuviu", "lithuanian", "litauiska", "lt-lt", "lt_lt"),
}
_LANGUAGE_KEY = {alias: lang for lang, aliases in _LANGUAGE_ALIASES.items() for alias in (lang, *aliases)}


def suggest(word: str, choices: Any) -> str:
    """The hint "did you mean 'x'?" for the closest of ``choices``, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def language_hint(name: str) -> str:
    """The hint for an unknown language key: the code meant (from an alias or a near miss), and all codes."""
    close = difflib.get_close_matches(name.casefold(), _LANGUAGE_KEY, n=1, cutoff=0.75)
    lang = _LANGUAGE_KEY.get(name.casefold()) or (_LANGUAGE_KEY[close[0]] if close else "")
    hint = f"did you mean '{lang}' ({LANGUAGE_NAMES[lang]})? " if lang else ""
    return hint + f"the languages are {', '.join(LANGUAGES)}"


def advise(problems: Problems, root: Any, schedule: Schedule, today: dt.date | None) -> None:
    """Warnings about a valid schedule that is probably not what was meant. ``today`` (None: unknown)
    enables those that depend on it, such as a past event still marked tentative."""
    items = value_of(root, "events")
    by_line = {item.start_mark.line + 1: item for item in getattr(items, "value", [])}
    seen: set[int] = set()
    for event in schedule.events:
        node = by_line.get(event.line)
        if node is None or event.line in seen:
            continue
        seen.add(event.line)  # a repeating event warns once, not once per occurrence
        what = f"the event on line {event.line}"
        first, last = _day(event.start), _day(event.end)
        project = schedule.projects.get(event.project)
        if project and ((project.start and first < project.start) or (project.end and last > project.end)):
            period = f"{project.start or '…'} – {project.end or '…'}"
            problems.warn(value_of(node, "start") or node, f"{what} is outside the period of project "
                          f"'{project.slug}' ({period})", "check the date, or the project's start and end")  # fmt: skip
        if today is not None and event.status == "tentative" and last < today:
            problems.warn(value_of(node, "status") or node, f"{what} ended on {last} but is still 'tentative'",
                          "write 'status: confirmed' if it took place, 'status: cancelled' if not")  # fmt: skip


def _day(value: dt.date | dt.datetime) -> dt.date:
    """The local calendar day of a date or an aware datetime (already in the event's zone)."""
    return value.date() if isinstance(value, dt.datetime) else value
