"""/upcoming.atom: Atom 1.0 of the upcoming activities, read back with feedparser (an independent parser),
one entry per event or date of a series, the agenda's filters, ``updated`` from the ledger, cached and
conditional like the calendar feeds, and linked from the pages that show the same."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import parse_qsl, urlsplit

import feedparser
import pytest
from freezegun import freeze_time
from pagecheck import Page

DAY = "2019-11-01 10:00"  # upcoming: 4 November (workshop) … 25–26 February 2020 (conference)
UPCOMING_IDS = ["umbrella-2019-11-04-workshop-hassleholm", "umbrella-2019-11-05-projekttraff-hassleholm",
                "umbrella-2019-11-13-studieresa-guldborgsund", "umbrella-2019-12-05-utbildning-kalmar",
                "umbrella-2020-01-10-utbildning-alvesta", "umbrella-2020-02-25-konferens-guldborgsund"]  # fmt: skip


def parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def event_id(entry) -> str:
    return entry.link.rsplit("/", 1)[1]


@freeze_time(DAY)
def test_upcoming_atom_has_one_entry_per_upcoming_activity_linking_to_its_page(client):
    feed = parse(client.get("/upcoming.atom"))
    assert [event_id(e) for e in feed.entries] == UPCOMING_IDS
    assert feed.feed.title.startswith("Kommande aktiviteter")
    assert feed.feed.language == "sv"
    assert {link.rel: link.href for link in feed.feed.links} == {
        "self": "http://localhost/upcoming.atom",
        "alternate": "http://localhost/",
    }
    assert len({e.id for e in feed.entries}) == len(feed.entries)  # ids are unique
    for entry in feed.entries:
        assert entry.link.startswith("http://localhost/events/")
        assert client.get(entry.link.removeprefix("http://localhost")).status_code == 200


@freeze_time(DAY)
def test_summary_says_date_place_and_type(client):
    sv = {event_id(e): e for e in parse(client.get("/upcoming.atom")).entries}
    en = {event_id(e): e for e in parse(client.get("/en/upcoming.atom")).entries}
    trip = "umbrella-2019-11-13-studieresa-guldborgsund"
    assert sv[trip].summary == "13–14 november 2019 · Guldborgsund, Danmark · Studieresa"
    assert en[trip].summary == "13–14 November 2019 · Guldborgsund, Denmark · Study trip"
    assert en[trip].title == "Study trip to Guldborgsund"
    assert sv[trip].tags[0].term == "study-trip"


@freeze_time(DAY)
@pytest.mark.parametrize(("query", "expected"), [
    ("type=training", ["umbrella-2019-12-05-utbildning-kalmar", "umbrella-2020-01-10-utbildning-alvesta"]),
    ("location=guldborgsund", ["umbrella-2019-11-13-studieresa-guldborgsund",
                               "umbrella-2020-02-25-konferens-guldborgsund"]),
    ("type=training&type=conference&location=guldborgsund", ["umbrella-2020-02-25-konferens-guldborgsund"]),
    ("project=umbrella", UPCOMING_IDS),
])  # fmt: skip
def test_filters_are_the_agendas(client, query, expected):
    feed = parse(client.get(f"/upcoming.atom?{query}"))
    assert [event_id(e) for e in feed.entries] == expected
    page = urlsplit(next(link.href for link in feed.feed.links if link.rel == "alternate"))
    assert page.path == "/" and sorted(parse_qsl(page.query)) == sorted(parse_qsl(query))


@pytest.mark.parametrize("url", ["/upcoming.atom?type=nope", "/en/upcoming.atom?cancelled=maybe",
                                 "/upcoming.atom?lang=fi"])  # fmt: skip
def test_a_bad_filter_is_a_400_in_the_feeds_json_shape(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert set(response.get_json()["error"]) >= {"status", "title", "message"}


SERIES = """\
calendar: {name: Test, timezone: Europe/Stockholm}
locations:
  kalmar: {name: Kalmar, country: SE}
events:
  - id: samordnarmote
    title: Samordnarmöte
    type: meeting
    location: kalmar
    start: 2030-01-07 10:00
    end: 11:30
    repeat: {every: week, count: 4}
    changes:
      2030-01-14: {status: cancelled}
  - {id: kurs, title: Kurs, type: training, start: 2030-01-10}
"""


def test_a_series_gives_one_entry_per_date_and_hide_cancelled_drops_one(make_app):
    client = make_app(SERIES).test_client()
    with freeze_time("2030-01-01"):
        entries = parse(client.get("/upcoming.atom")).entries
        assert [(event_id(e), e.summary.split(" · ")[0]) for e in entries] == [
            ("samordnarmote", "7 januari 2030, 10:00–11:30"), ("kurs", "10 januari 2030"),
            ("samordnarmote", "14 januari 2030, 10:00–11:30"), ("samordnarmote", "21 januari 2030, 10:00–11:30"),
            ("samordnarmote", "28 januari 2030, 10:00–11:30")]  # fmt: skip
        assert entries[2].title == "INSTÄLLT: Samordnarmöte" and entries[2].summary.endswith("Inställt")
        assert len({e.id for e in entries}) == 5
        hidden = parse(client.get("/upcoming.atom?cancelled=hide")).entries
        assert [e.summary.split(",")[0] for e in hidden if event_id(e) == "samordnarmote"] == [
            "7 januari 2030",
            "21 januari 2030",
            "28 januari 2030",
        ]


def test_updated_comes_from_the_ledger_and_moves_for_the_edited_event_only(make_app, events_file):
    with freeze_time("2019-10-01 08:00"):
        make_app(events_file)  # the first version is published
    text = events_file.read_text(encoding="utf-8")
    events_file.write_text(text.replace("sv: Studieresa till Guldborgsund", "sv: Studieresa till Lolland", 1),
                           encoding="utf-8")  # fmt: skip
    with freeze_time("2019-10-05 09:30"):
        client = make_app(events_file).test_client()
        feed = parse(client.get("/upcoming.atom"))
    updated = {event_id(e): dt.datetime(*e.updated_parsed[:6]) for e in feed.entries}
    assert updated.pop("umbrella-2019-11-13-studieresa-guldborgsund") == dt.datetime(2019, 10, 5, 9, 30)
    assert set(updated.values()) == {dt.datetime(2019, 10, 1, 8, 0)}
    assert time.strftime("%Y-%m-%dT%H:%M", feed.feed.updated_parsed) == "2019-10-05T09:30"


@freeze_time(DAY)
def test_the_feed_is_cached_and_conditional_like_the_calendar_feeds(client):
    first = client.get("/upcoming.atom")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/upcoming.atom").data == first.data
    assert client.get("/upcoming.atom", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    since = client.get("/upcoming.atom", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    gzipped = client.get("/upcoming.atom", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and gzipped.headers["ETag"] != first.headers["ETag"]
    assert client.head("/upcoming.atom").data == b""


@freeze_time(DAY)
@pytest.mark.parametrize(("page", "feed"), [
    ("/", "/upcoming.atom"), ("/en/?type=training", "/en/upcoming.atom?type=training"),
    ("/projects/umbrella", "/upcoming.atom?project=umbrella"),
    ("/en/locations/kalmar?type=training", "/en/upcoming.atom?location=kalmar&type=training"),
])  # fmt: skip
def test_pages_that_show_upcoming_activities_link_their_atom_feed(client, page, feed):
    links = Page(client.get(page).get_data(as_text=True)).find("link", rel="alternate", type="application/atom+xml")
    assert feed in [link.get("href") for link in links]
    assert client.get(feed).status_code == 200
