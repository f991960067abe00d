"""``calfeed check`` measures exactly the feeds the site serves: feedsize's paths are the app's routes."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from conftest import SHIPPED

from calfeed import feedsize
from calfeed.loader import load
from calfeed.model import EVENT_TYPES, LANGUAGES, Event, Schedule, Text

ONE_EVENT_DOWNLOAD = "feeds.event"  # a single event's .ics, not a feed anyone subscribes to


def measured_paths(schedule: Schedule) -> set[str]:
    return {feedsize.language_prefix(lang) + path for lang in LANGUAGES for path, _ in feedsize.served_feeds(schedule)}


def test_every_measured_feed_is_a_feed_route_of_the_app_and_every_feed_route_is_measured(app):
    schedule = load(SHIPPED)
    adapter = app.url_map.bind("calfeed.test")
    matched = set()
    for path in measured_paths(schedule):
        endpoint, values = adapter.match(path)
        matched.add((endpoint, values.pop("lang"), tuple(values.values())))
    feed_routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("feeds.")}
    assert {endpoint for endpoint, _, _ in matched} == feed_routes - {ONE_EVENT_DOWNLOAD}
    slugs = {
        "feeds.everything": [()],
        "feeds.project": [(s,) for s in schedule.projects],
        "feeds.location": [(s,) for s in schedule.locations],
        "feeds.event_type": [(t,) for t in EVENT_TYPES],
    }
    every = {(endpoint, lang, values) for endpoint, all_values in slugs.items() for values in all_values
             for lang in LANGUAGES}  # fmt: skip
    assert matched == every


def test_every_measured_feed_answers_as_a_calendar(client):
    for path in sorted(measured_paths(load(SHIPPED))):
        response = client.get(path)
        assert (response.status_code, response.mimetype) == (200, "text/calendar"), path


def test_the_event_links_in_measured_feeds_are_the_app_s_event_pages(app):
    event = Event("kick-off", Text("Kick-off"), "meeting", dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    adapter = app.url_map.bind("calfeed.test")
    for lang in LANGUAGES:
        url = feedsize.page_url("https://calfeed.test" + feedsize.language_prefix(lang))(event)
        assert adapter.match(urlsplit(url).path) == ("pages.event", {"lang": lang, "event_id": "kick-off"})
