"""Read an events file into a validated ``Schedule``, or report every problem in it.

Layer: loader. Imports ``errors``, ``model``, ``recurrence`` and ``geo``; no Flask.

Where a YAML error is raised: here. The file is *composed* (PyYAML's libyaml
parser builds a node tree with line and column for every value) but never
*constructed*: no YAML type guessing, no tags that build objects. Every scalar
stays the string the person typed, and the loader decides what it means from
where it stands. So ``country: NO`` is Norway, ``start: 09:00`` is nine o'clock,
``title: yes`` is the word yes and ``id: 1e3`` is the text "1e3" — none of the
YAML 1.1 surprises a plain ``yaml.safe_load`` would produce.

The modules, in the order a file is read: ``source`` (bytes, text, the node tree), ``nodes`` (one
value from a node: a mapping's keys, a text, a date), ``projects`` and ``locations`` (keyed entries,
``sections`` for their keys and references to them), ``events`` and ``series`` ('repeat', 'rrule',
'except', 'changes'), ``advice`` (did-you-mean, warnings about a valid schedule) and ``schedule``
(the file as a whole). Every problem goes to one ``problems.Problems``; a field given but refused
is ``problems.INVALID``.
"""

from __future__ import annotations

# The names with an underscore are read by tests: the keys each section accepts (tests/test_schema.py
# compares them with schema.json), and the parser (tests/test_hostile_files.py: libyaml when it bounds nesting).
from .events import EVENT_FIELDS as _EVENT_FIELDS  # noqa: F401
from .events import MAX_TITLE
from .locations import LOCATION_FIELDS as _LOCATION_FIELDS  # noqa: F401
from .locations import country_timezone
from .nodes import DEFAULT_DURATION, MAX_YEAR, MIN_YEAR, URL, slugify
from .projects import PROJECT_FIELDS as _PROJECT_FIELDS  # noqa: F401
from .schedule import CALENDAR_FIELDS as _CALENDAR_FIELDS  # noqa: F401
from .schedule import DEFAULT_TIMEZONE, MAX_BYTES, Result, check, check_file, load
from .schedule import TOP_FIELDS as _TOP_FIELDS  # noqa: F401
from .source import Parser as _Parser  # noqa: F401

__all__ = [
    "DEFAULT_DURATION", "DEFAULT_TIMEZONE", "MAX_BYTES", "MAX_TITLE", "MAX_YEAR", "MIN_YEAR", "URL",
    "Result", "check", "check_file", "country_timezone", "load", "slugify",
]  # fmt: skip
