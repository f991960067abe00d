"""Feeds, parsed back by independent parsers (``ical`` strict and ``vobject``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from conftest import MINIMAL, dedent
from icalcheck import local, strict_events, vobject_events

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def test_everything_feed_has_all_eight_events_with_exclusive_all_day_ends(client):
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = strict_events(response.data)
    assert len(events) == 8
    trip = next(e for e in events if "guldborgsund" in e.uid and e.dtstart == dt.date(2019, 11, 13))
    assert trip.dtend == dt.date(2019, 11, 15)  # 13–14 November, DTEND exclusive
    for parsed in vobject_events(response.data):
        if parsed.dtstart.value == dt.date(2019, 11, 13):
            assert parsed.dtend.value == dt.date(2019, 11, 15)
    assert {e.uid for e in events} == {
        f"{event_id}@calfeed.regionkalmar.se"
        for event_id in [
            "umbrella-2019-10-21-utbildning-kristianstad", "umbrella-2019-10-25-konferens-gdansk",
            "umbrella-2019-11-04-workshop-hassleholm", "umbrella-2019-11-05-projekttraff-hassleholm",
            "umbrella-2019-11-13-studieresa-guldborgsund", "umbrella-2019-12-05-utbildning-kalmar",
            "umbrella-2020-01-10-utbildning-alvesta", "umbrella-2020-02-25-konferens-guldborgsund",
        ]
    }  # fmt: skip


def test_feed_carries_location_category_and_calendar_name(client):
    body = client.get("/projects/umbrella.ics?type=training").data
    events = strict_events(body)
    assert [e.dtstart for e in events] == [dt.date(2019, 10, 21), dt.date(2019, 12, 5), dt.date(2020, 1, 10)]
    assert events[0].location == "Kristianstad, Sverige"
    assert events[0].categories == ["Utbildning"]
    calendar = __import__("vobject").readOne(body.decode())
    assert calendar.contents["x-wr-calname"][0].value == "Umbrella – utbildningar – Region Kalmar län"
    assert calendar.contents["name"][0].value == "Umbrella – utbildningar – Region Kalmar län"


def test_timed_event_in_vilnius_is_nine_in_stockholm(make_app):
    app = make_app(
        MINIMAL
        + dedent("""
      - id: klaipeda-meeting
        title: Partner meeting
        type: meeting
        location: klaipeda
        start: 2019-12-05 10:00
        end: 2019-12-05 12:00
    """)
    )
    body = app.test_client().get("/calendar.ics").data
    (strict,) = strict_events(body)
    assert local(strict.dtstart, STOCKHOLM).hour == 9
    assert strict.dtstart.tzinfo is not None
    (parsed,) = vobject_events(body)
    assert parsed.dtstart.value.astimezone(STOCKHOLM) == dt.datetime(2019, 12, 5, 9, 0, tzinfo=STOCKHOLM)
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Vilnius" in body


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/locations/guldborgsund.ics", 2),
        ("/types/conference.ics", 2),
        ("/calendar.ics?type=training&type=workshop", 4),
        ("/calendar.ics?type=training&location=kalmar", 1),
        ("/calendar.ics?location=hassleholm&location=kalmar", 3),
        ("/projects/umbrella.ics?location=alvesta", 1),
        ("/types/training.ics?location=gdansk", 0),
    ],
)
def test_path_and_query_filters_combine(client, url, count):
    response = client.get(url)
    assert response.status_code == 200
    assert len(strict_events(response.data)) == count


def test_single_event_download_has_no_calendar_name(client):
    response = client.get("/events/umbrella-2019-11-13-studieresa-guldborgsund.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert b"X-WR-CALNAME" not in response.data and b"\r\nNAME:" not in response.data
    (event,) = strict_events(response.data)
    assert event.summary == "Studieresa till Guldborgsund"


@pytest.mark.parametrize(
    "url",
    ["/calendar.ics?type=party", "/calendar.ics?project=nope", "/calendar.ics?location=", "/calendar.ics?lang=fr"],
)
def test_unknown_filter_value_is_a_400_naming_valid_values(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400


def test_400_for_type_lists_the_types(client):
    assert "training" in client.get("/calendar.ics?type=party").json["error"]["valid"]


@pytest.mark.parametrize("url", ["/projects/nope.ics", "/locations/nope.ics", "/types/party.ics", "/events/nope.ics"])
def test_unknown_slug_in_a_feed_path_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_english_feed_has_english_titles_and_same_uids(client):
    sv = strict_events(client.get("/calendar.ics").data)
    en = strict_events(client.get("/en/calendar.ics").data)
    assert [e.uid for e in sv] == [e.uid for e in en]
    assert en[0].summary == "Training in international project development"
    assert strict_events(client.get("/calendar.ics?lang=en").data)[0].summary == en[0].summary
