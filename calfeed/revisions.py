"""What subscribers have been published: each event's revision (SEQUENCE, LAST-MODIFIED) and the
change log's records, as values.

Layer: model. Imports only the standard library; no I/O. ``ledger`` remembers these values in its
file and ``changelog`` writes the records; the feed writer and the pages only read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # the time of revisions nothing remembers
KINDS = ("added", "moved", "cancelled", "reinstated", "changed", "removed")
TRACKED = ("start", "end", "location", "status", "title", "type", "project")  # what a change record compares


@dataclass(frozen=True)
class ChangeRecord:
    """One published change of one event. ``before``/``after`` are ``changelog.shown`` values (None when
    added/removed)."""

    at: dt.datetime  # UTC, when the version of the file that made it was loaded
    event_id: str
    kind: str  # one of KINDS
    sequence: int  # the event's SEQUENCE in the feeds from this change on (the last one, when removed)
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    @property
    def fields(self) -> tuple[str, ...]:
        """The tracked values that differ, in TRACKED order (all of the other's when added or removed)."""
        if self.before is None or self.after is None:
            return ()
        return tuple(name for name in TRACKED if self.before.get(name) != self.after.get(name))

    def matches(self, projects: frozenset[str] | None, locations: frozenset[str] | None,
                types: frozenset[str] | None) -> bool:  # fmt: skip
        """A filter of the feeds, on the event before or after the change: a move out of Kalmar concerns Kalmar."""
        for values in (self.before, self.after):
            if values is not None and all(
                chosen is None or values.get(name, "") in chosen
                for name, chosen in (("project", projects), ("location", locations), ("type", types))
            ):
                return True
        return False


@dataclass(frozen=True)
class Revision:
    sequence: int
    modified: dt.datetime  # UTC


@dataclass(frozen=True)
class Revisions:
    events: Mapping[str, Revision]
    last_modified: dt.datetime  # of the whole file, deletions included
    changes: tuple[ChangeRecord, ...] = ()  # the change log, newest first (calfeed/changelog.py)

    def of(self, event_id: str) -> Revision:
        return self.events.get(event_id, Revision(0, self.last_modified))
