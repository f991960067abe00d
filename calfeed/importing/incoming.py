"""What a source says about one event, before it is fitted to the events file's format.

Layer: model (pure values, standard library only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Moment = dt.date | dt.datetime  # a date (all day); an aware datetime; or a naive one: the place's local time


@dataclass(frozen=True)
class Series:
    """How the source repeats an event: its RRULE (UNTIL apart), RDATEs, EXDATEs, moved occurrences."""

    rule: dict[str, str]  # RRULE parts as written, e.g. {"FREQ": "WEEKLY", "BYDAY": "TU"}, without UNTIL
    until: Moment | None = None
    rdates: tuple[Moment, ...] = ()
    exdates: tuple[Moment, ...] = ()
    overrides: tuple[Incoming, ...] = ()  # each with its recurrence_id
    unsupported: str = ""  # why the format cannot say this series, whatever the rule ('' if it may)


@dataclass(frozen=True)
class Incoming:
    """One event of a source. ``key`` is the source's identity for it (an iCalendar UID), from which the
    event's id is derived; ``origin`` says where it is, for messages."""

    key: str
    origin: str
    title: str
    start: Moment
    end: Moment | None = None  # all day: the LAST day, inclusive; None: as long as the format's default
    place: str = ""
    type: str = ""
    project: str = ""
    description: str = ""
    url: str = ""
    status: str = "confirmed"
    zone: str = ""  # the IANA name of the zone the source's times are anchored in, when it has one
    series: Series | None = None
    recurrence_id: Moment | None = None  # an override: the occurrence it replaces
    event_id: str = ""  # an id the source gives itself (a CSV 'id' column)
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)
