"""Filter values in the query string: matched whatever their case, held and linked in one form."""

from __future__ import annotations

import re

import pytest
from icalcheck import strict_events


@pytest.mark.parametrize(("written", "canonical"), [
    ("type=TRAINING", "type=training"),
    ("type=Training", "type=training"),
    ("type=%20training%20", "type=training"),
    ("project=UMBRELLA", "project=umbrella"),
    ("location=Kalmar,GDANSK", "location=kalmar,gdansk"),
    ("type=STUDY-TRIP&location=Guldborgsund", "type=study-trip&location=guldborgsund"),
])  # fmt: skip
def test_a_feed_filter_in_capitals_is_the_same_feed_as_in_lower_case(client, written, canonical):
    shouted, plain = client.get(f"/calendar.ics?{written}"), client.get(f"/calendar.ics?{canonical}")
    assert shouted.status_code == plain.status_code == 200
    assert shouted.data == plain.data  # the same bytes, the feed's own URL included
    assert shouted.headers["ETag"] == plain.headers["ETag"]
    assert strict_events(shouted.data)


def test_the_feed_names_its_own_address_in_lower_case(client):
    body = client.get("/en/calendar.ics?type=TRAINING&location=KALMAR").data.decode().replace("\r\n ", "")
    url = re.findall(r"^URL;VALUE=URI:([^\r\n]*)", body, re.M)[0]  # the calendar's URL comes first
    assert url.endswith("/en/calendar.ics?location=kalmar&type=training")


def test_a_page_filter_in_capitals_shows_the_same_page_with_lower_case_links(client):
    shouted = client.get("/en/?type=TRAINING").get_data(as_text=True)
    plain = client.get("/en/?type=training").get_data(as_text=True)
    assert shouted == plain
    assert "type=TRAINING" not in shouted and "calendar.ics?type=training" in shouted  # subscribe links
    assert 'href="/?type=training"' in shouted  # the page in Swedish


def test_the_json_filter_matches_whatever_the_case(client):
    shouted = client.get("/events.json?project=Umbrella&type=WORKSHOP").get_json()
    plain = client.get("/events.json?project=umbrella&type=workshop").get_json()
    assert shouted == plain and shouted["events"]


@pytest.mark.parametrize("query", ["type=TRAININGS", "project=UMBRELL", "location=KALMAR2"])
def test_an_unknown_value_in_any_case_is_still_a_400_naming_the_valid_ones(client, query):
    response = client.get(f"/calendar.ics?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["valid"]


@pytest.mark.parametrize("path", ["/calendar.ics", "/en/", "/events.json", "/past"])
def test_a_filter_in_capitals_is_kept_once_in_the_cache(app, path):
    client = app.test_client()
    cache = app.extensions["calfeed"].current().cache
    client.get(f"{path}?type=training")
    before = len(cache)
    for shouted in ("TRAINING", "Training", "training,TRAINING"):
        assert client.get(f"{path}?type={shouted}").status_code == 200
    assert len(cache) == before
