"""What this request is answered from: the one version of the events file pinned for it, the
calendar's zone, and today there.

Layer: web. The only place the web layer reads the clock (``today``), so freezegun can stop it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import current_app, g, request

from ..store import Snapshot, Store

SNAPSHOT = "calfeed.snapshot"  # the WSGI environ key under which Replay hands its snapshot down


def snapshot() -> Snapshot:
    """The version this request is answered from, pinned when the request starts (by ``Replay``, or
    on first use), so that nothing in one answer comes from two versions of the events file."""
    pinned: Snapshot | None = g.get("calfeed_snapshot")
    if pinned is None:
        store: Store = current_app.extensions["calfeed"]
        pinned = g.calfeed_snapshot = request.environ.get(SNAPSHOT) or store.current()
    return pinned


def calendar_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(snapshot().schedule.calendar.timezone)


def today() -> dt.date:
    """Today where the calendar is (freezegun-friendly: reads the clock here and only here)."""
    return dt.datetime.now(calendar_zone()).date()
