"""Reading feeds back with libical, the C library of Evolution, GNOME Calendar and KDE's ancestors.

Called through ``ctypes`` on Debian's ``libical3`` (``make install-test`` installs it): the GObject
binding only imports into Debian's own Python, and the suite runs in a venv of another one. Each
event comes back in the shape of the Node.js readers in ``tests/js`` (uid, summary, description,
location, status, start/end for dates, startUtc/endUtc for times, recurrenceId, rrule, geo), the
instants computed by libical from the feed's own VTIMEZONEs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
from functools import cache

LIBRARY = "libical.so.3"


class IcalTime(ctypes.Structure):
    """``struct icaltimetype`` of libical 3."""

    _fields_ = [(name, ctypes.c_int) for name in ("year", "month", "day", "hour", "minute", "second",
                                                   "is_date", "is_daylight")] + [("zone", ctypes.c_void_p)]  # fmt: skip


@cache
def library() -> ctypes.CDLL:
    """libical, with the signatures used here; OSError when Debian's libical3 is not installed."""
    lib = ctypes.CDLL(ctypes.util.find_library("ical") or LIBRARY)
    signatures = {
        "icalparser_parse_string": ([ctypes.c_char_p], ctypes.c_void_p),
        "icalcomponent_string_to_kind": ([ctypes.c_char_p], ctypes.c_int),
        "icalproperty_string_to_kind": ([ctypes.c_char_p], ctypes.c_int),
        "icalcomponent_get_first_component": ([ctypes.c_void_p, ctypes.c_int], ctypes.c_void_p),
        "icalcomponent_get_next_component": ([ctypes.c_void_p, ctypes.c_int], ctypes.c_void_p),
        "icalcomponent_get_first_property": ([ctypes.c_void_p, ctypes.c_int], ctypes.c_void_p),
        "icalcomponent_count_errors": ([ctypes.c_void_p], ctypes.c_int),
        "icalcomponent_free": ([ctypes.c_void_p], None),
        "icalcomponent_get_dtstart": ([ctypes.c_void_p], IcalTime),
        "icalcomponent_get_dtend": ([ctypes.c_void_p], IcalTime),
        "icalcomponent_get_recurrenceid": ([ctypes.c_void_p], IcalTime),
        "icaltime_as_timet_with_zone": ([IcalTime, ctypes.c_void_p], ctypes.c_int64),
        "icalproperty_get_value_as_string": ([ctypes.c_void_p], ctypes.c_char_p),
        "icalproperty_status_to_string": ([ctypes.c_int], ctypes.c_char_p),
        "icalcomponent_get_status": ([ctypes.c_void_p], ctypes.c_int),
        **{
            f"icalcomponent_get_{name}": ([ctypes.c_void_p], ctypes.c_char_p)
            for name in ("uid", "summary", "description", "location")
        },  # fmt: skip
    }
    for name, (arguments, result) in signatures.items():
        function = getattr(lib, name)
        function.argtypes, function.restype = arguments, result
    return lib


def _moment(lib: ctypes.CDLL, value: IcalTime) -> tuple[str | None, str | None]:
    """(date, None) for a DATE, (None, UTC instant) for a DATE-TIME, (None, None) when absent."""
    if value.year == 0:  # icaltime_null_time
        return None, None
    if value.is_date:
        return dt.date(value.year, value.month, value.day).isoformat(), None
    if not value.zone:  # floating (no TZID, or one libical could not resolve): no instant, say so
        return None, dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second).isoformat()
    seconds = lib.icaltime_as_timet_with_zone(value, value.zone)
    return None, dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(raw: bytes | None) -> str | None:
    return raw.decode("utf-8") if raw is not None else None


def events(body: bytes) -> list[dict]:
    """The events of one feed as libical reads them; ValueError when it finds errors in it."""
    lib = library()
    root = lib.icalparser_parse_string(body)
    if not root:
        raise ValueError("libical could not parse the feed")
    try:
        if lib.icalcomponent_count_errors(root):
            raise ValueError("libical found errors (X-LIC-ERROR) in the feed")
        vevent = lib.icalcomponent_string_to_kind(b"VEVENT")
        rrule = lib.icalproperty_string_to_kind(b"RRULE")
        geo = lib.icalproperty_string_to_kind(b"GEO")
        found = []
        component = lib.icalcomponent_get_first_component(root, vevent)
        while component:
            start_day, start_utc = _moment(lib, lib.icalcomponent_get_dtstart(component))
            end_day, end_utc = _moment(lib, lib.icalcomponent_get_dtend(component))
            changed_day, changed_utc = _moment(lib, lib.icalcomponent_get_recurrenceid(component))
            rule = lib.icalcomponent_get_first_property(component, rrule)
            place = lib.icalcomponent_get_first_property(component, geo)
            found.append({
                "uid": _text(lib.icalcomponent_get_uid(component)),
                "summary": _text(lib.icalcomponent_get_summary(component)),
                "description": _text(lib.icalcomponent_get_description(component)),
                "location": _text(lib.icalcomponent_get_location(component)),
                "status": _text(lib.icalproperty_status_to_string(lib.icalcomponent_get_status(component))),
                "start": start_day, "end": end_day, "startUtc": start_utc, "endUtc": end_utc,
                "recurrenceId": changed_utc or changed_day,
                "rrule": _text(lib.icalproperty_get_value_as_string(rule)) if rule else None,
                "geo": [float(x) for x in lib.icalproperty_get_value_as_string(place).split(b";")] if place else None,
            })  # fmt: skip
            component = lib.icalcomponent_get_next_component(root, vevent)
        return found
    finally:
        lib.icalcomponent_free(root)
