"""The HTML agenda and JSON, through Flask's test client, with the clock frozen where it matters."""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/(?:en/)?events/([^"]+)">', html)


@freeze_time("2019-11-01 12:00:00")
def test_agenda_on_1_november_2019_shows_events_3_to_8_by_month(client):
    html = client.get("/").get_data(as_text=True)
    assert titles(html) == [
        "umbrella-2019-11-04-workshop-hassleholm", "umbrella-2019-11-05-projekttraff-hassleholm",
        "umbrella-2019-11-13-studieresa-guldborgsund", "umbrella-2019-12-05-utbildning-kalmar",
        "umbrella-2020-01-10-utbildning-alvesta", "umbrella-2020-02-25-konferens-guldborgsund",
    ]  # fmt: skip
    months = re.findall(r"<h2 id=\"m-[^\"]+\">([^<]+)</h2>", html)
    assert months == ["november 2019", "december 2019", "januari 2020", "februari 2020"]
    assert "13–14 november 2019" in html


@freeze_time("2019-11-01 12:00:00")
def test_english_agenda_names_months_in_english(client):
    html = client.get("/en/").get_data(as_text=True)
    assert re.findall(r"<h2 id=\"m-[^\"]+\">([^<]+)</h2>", html) == [
        "November 2019", "December 2019", "January 2020", "February 2020"]  # fmt: skip
    assert '<html lang="en">' in html


@freeze_time("2026-11-27")
def test_agenda_with_only_past_events_says_so_and_links_past_and_feeds(client):
    html = client.get("/").get_data(as_text=True)
    assert "Det finns inga kommande aktiviteter just nu." in html
    assert 'href="/past"' in html
    assert "/calendar.ics" in html and "webcal://" in html


@freeze_time("2019-11-14 10:00:00")
def test_an_event_running_today_is_still_upcoming_and_marked(client):
    html = client.get("/").get_data(as_text=True)
    assert titles(html)[0] == "umbrella-2019-11-13-studieresa-guldborgsund"
    assert "I dag" in html


@freeze_time("2019-11-01")
def test_past_lists_newest_first(client):
    assert titles(client.get("/past").get_data(as_text=True)) == [
        "umbrella-2019-10-25-konferens-gdansk", "umbrella-2019-10-21-utbildning-kristianstad"]  # fmt: skip


def test_event_page_shows_type_project_place_date_and_feed(client):
    html = client.get("/events/umbrella-2019-10-21-utbildning-kristianstad").get_data(as_text=True)
    for text in ("Utbildning", "Umbrella", "Kristianstad", "21 oktober 2019",
                 "/events/umbrella-2019-10-21-utbildning-kristianstad.ics"):  # fmt: skip
        assert text in html


@pytest.mark.parametrize(
    ("url", "feed"),
    [("/projects/umbrella", "/projects/umbrella.ics"), ("/locations/guldborgsund", "/locations/guldborgsund.ics"),
     ("/", "/calendar.ics"), ("/projects/umbrella?type=training", "/projects/umbrella.ics?type=training")],
)  # fmt: skip
def test_each_page_links_to_its_matching_feed(client, url, feed):
    html = client.get(url).get_data(as_text=True)
    assert f'value="http://localhost{feed}"' in html


@pytest.mark.parametrize("url", ["/events/nope", "/projects/nope", "/locations/nope", "/en/events/nope", "/nothing"])
def test_unknown_pages_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "text/html" in response.headers["Content-Type"]


def test_bad_filter_on_a_page_is_a_400_page_naming_valid_values(client):
    response = client.get("/?location=oslo")
    assert response.status_code == 400
    assert "guldborgsund" in response.get_data(as_text=True)


def test_events_json_filters_like_the_feeds(client):
    body = client.get("/events.json?type=training&location=kalmar").json
    assert [e["id"] for e in body["events"]] == ["umbrella-2019-12-05-utbildning-kalmar"]
    assert body["events"][0]["start"] == "2019-12-05"


def test_healthz_reports_status_count_and_file(client, app):
    body = client.get("/healthz").json
    assert body["status"] == "ok"
    assert body["events"] == 8
    assert body["file"] == app.config["CALFEED_EVENTS"]
    assert body["loaded_at"]
