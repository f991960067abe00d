"""Subscribe and "add to calendar" links for each calendar service.

Layer: model (pure functions of URLs and events; no Flask).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from .model import Event


def webcal(https_url: str) -> str:
    """webcal:// makes the operating system open its calendar app with a subscription dialog."""
    return "webcal://" + https_url.split("://", 1)[1]


def feed_links(https_url: str, name: str) -> dict[str, str]:
    """The four forms a feed is offered in: https, webcal, Google Calendar, Outlook.com/Microsoft 365."""
    # Google only subscribes when given the webcal:// form; with https:// it shows an error.
    google = "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal(https_url)})
    outlook = urlencode({"path": "/calendar/action/compose", "rru": "addsubscription", "url": https_url, "name": name},
                        quote_via=quote)  # fmt: skip
    return {
        "https": https_url,
        "webcal": webcal(https_url),
        "google": google,
        "outlook": "https://outlook.live.com/owa?" + outlook,
        "office365": "https://outlook.office.com/owa?" + outlook,
    }


def event_links(event: Event, title: str, details: str, place: str) -> dict[str, str]:
    """One-event links: Google Calendar's template and Outlook.com's compose deep link."""
    if event.all_day:
        google_dates = f"{event.start:%Y%m%d}/{event.end_exclusive:%Y%m%d}"
        start, end = event.start.isoformat(), event.end_exclusive.isoformat()
    else:
        utc = dt.UTC
        first, last = event.times
        google_dates = f"{first.astimezone(utc):%Y%m%dT%H%M%SZ}/{last.astimezone(utc):%Y%m%dT%H%M%SZ}"
        start = first.astimezone(utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = last.astimezone(utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    google = {"action": "TEMPLATE", "text": title, "dates": google_dates, "details": details, "location": place}
    outlook = {"path": "/calendar/action/compose", "rru": "addevent", "subject": title, "startdt": start,
               "enddt": end, "body": details, "location": place}  # fmt: skip
    if event.all_day:
        outlook["allday"] = "true"
    quoted = {text: quote(text, safe="") for text in (title, details, place)}  # both links carry them: quoted once
    return {
        "google": "https://calendar.google.com/calendar/render?" + _query(google, quoted),
        "outlook": "https://outlook.live.com/calendar/0/deeplink/compose?" + _query(outlook, quoted),
    }


def _query(pairs: dict[str, str], quoted: dict[str, str]) -> str:
    """``urlencode(pairs, quote_via=quote)``, taking the values already in ``quoted`` from there."""
    return "&".join(f"{quote(k, safe='')}={quoted.get(v) or quote(v, safe='')}" for k, v in pairs.items())
