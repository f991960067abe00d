"""The change log: what changed in the schedule, kept in the ledger beside SEQUENCE and LAST-MODIFIED.

Layer: loader (works on the ledger's JSON state; no I/O of its own, no Flask). ``ledger`` calls
``note`` whenever it gives an event a new revision, so each change record carries the sequence that
the calendar feeds publish for it: the log and the feeds tell the same story.

Each ledger entry keeps what subscribers were last shown of the event (``shown``: start, end, place,
status, title, and type and project for filtering); a new revision is compared with it and one record
is written: added, moved (start, end or place), cancelled, reinstated, changed (other details) or
removed, with the values before and after. Records live under ``"changes"`` in the ledger, keyed by
time and id (so they sort by time, one per line), and are dropped once older than the days kept.
The first load of a new ledger records nothing: nothing had been published before it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from .model import LANGUAGES, Event, Text
from .revisions import KINDS, ChangeRecord

WHERE = ("start", "end", "location")  # a change of any of these is a move
KEEP_DAYS = 180


def shown(event: Event) -> dict[str, Any]:
    """What a subscriber sees of ``event`` that the log reports, as JSON values."""
    values: dict[str, Any] = {"start": event.start.isoformat(), "end": event.end.isoformat(),
                              "location": event.location, "status": event.status,
                              "title": _title(event.title),
                              "type": event.type, "project": event.project}  # fmt: skip
    if isinstance(event.start, dt.datetime):
        values["zone"] = getattr(event.start.tzinfo, "key", "UTC")
    return values


def _title(title: Text) -> dict[str, str]:
    """Swedish and English always, the partners' languages when given: a record written before they
    came reads the same, so an unchanged event shows no change."""
    extra = {lang: text for lang, text in title.given().items() if lang not in ("sv", "en")}
    return {"sv": title.sv, "en": title.en, **extra}


def as_event(event_id: str, values: Mapping[str, Any]) -> Event:
    """The shown values as an Event again, so pages write their dates exactly as for a live event."""
    zone = values.get("zone")
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    if zone:
        tz = zoneinfo.ZoneInfo(zone)
        start = dt.datetime.fromisoformat(values["start"]).astimezone(tz)
        end = dt.datetime.fromisoformat(values["end"]).astimezone(tz)
    else:
        start, end = dt.date.fromisoformat(values["start"]), dt.date.fromisoformat(values["end"])
    title = values.get("title") or {}
    text = Text(**{lang: title.get(lang, "") for lang in LANGUAGES if isinstance(title.get(lang, ""), str)})
    return Event(event_id, text, values.get("type", "meeting"), start, end,
                 project=values.get("project", ""), location=values.get("location", ""),
                 status=values.get("status", "confirmed"))  # fmt: skip


def kind_of(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    if before.get("status") != "cancelled" and after.get("status") == "cancelled":
        return "cancelled"
    if before.get("status") == "cancelled" and after.get("status") != "cancelled":
        return "reinstated"
    if any(before.get(name) != after.get(name) for name in WHERE):
        return "moved"
    return "changed"


def is_fresh(state: Mapping[str, Any]) -> bool:
    """A ledger that has never seen a version of the file: its first load publishes, it changes nothing."""
    return not state.get("events") and not state.get("deleted")


def note(state: dict[str, Any], event_id: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
         sequence: int, now: str, kind: str = "") -> None:  # fmt: skip
    """Record one new revision of ``event_id`` at ``now`` (the ledger's UTC text) in ``state``. ``kind``
    is given where the values cannot tell it (an entry written before the log kept ``shown``)."""
    record = {"kind": kind or kind_of(before, after), "sequence": sequence, "before": before, "after": after}
    changes = state.get("changes")
    if not isinstance(changes, dict):
        changes = state["changes"] = {}
    changes[f"{now} {event_id}"] = record


def prune(state: dict[str, Any], now: dt.datetime, keep_days: int = KEEP_DAYS) -> None:
    """Forget records older than ``keep_days`` before ``now``."""
    changes = state.get("changes")
    if not isinstance(changes, dict):
        return
    oldest = (now - dt.timedelta(days=keep_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for key in [key for key in changes if key < oldest]:
        del changes[key]


def as_json(change: ChangeRecord) -> list[Any]:
    """One record as the state folder's current.json keeps it beside the revisions it goes with."""
    return [change.at.strftime("%Y-%m-%dT%H:%M:%SZ"), change.event_id, change.kind, change.sequence,
            change.before, change.after]  # fmt: skip


def from_json(items: Any) -> tuple[ChangeRecord, ...]:
    """``as_json`` records back; a damaged list raises ValueError, TypeError or KeyError (the state folder's cue)."""
    found = []
    for at, event_id, kind, sequence, before, after in items:
        if kind not in KINDS:
            raise ValueError(f"not a kind of change: {kind!r}")
        found.append(ChangeRecord(dt.datetime.fromisoformat(at), str(event_id), kind, int(sequence), before, after))
    return tuple(found)


def read(state: Mapping[str, Any]) -> tuple[ChangeRecord, ...]:
    """Every record in ``state``, newest first; records the log cannot read are left out, not fatal."""
    found = []
    changes = state.get("changes")
    for key, record in changes.items() if isinstance(changes, dict) else ():
        try:
            moment, event_id = key.split(" ", 1)
            at = dt.datetime.fromisoformat(moment)
            if record["kind"] not in KINDS or at.tzinfo is None:
                continue
            for values in (record.get("before"), record.get("after")):
                if values is not None:
                    as_event(event_id, values)  # a hand-edited value a page could not show: skip the record
            found.append(ChangeRecord(at, event_id, record["kind"], int(record.get("sequence", 0)),
                                record.get("before"), record.get("after")))  # fmt: skip
        except (AttributeError, KeyError, TypeError, ValueError, zoneinfo.ZoneInfoNotFoundError):
            continue
    return tuple(sorted(found, key=lambda c: (c.at, c.event_id), reverse=True))
