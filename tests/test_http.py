"""HTTP for feed readers: validators and 304s, HEAD, gzip only on request, CORS, no content
negotiation. Calendar fetchers (Google's sends no Accept header) must always get the calendar."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from freezegun import freeze_time
from icalcheck import strict_events
from werkzeug.http import http_date

FEED = "/projects/umbrella.ics"
UTC = dt.UTC


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2030, 1, day, hour, 0, tzinfo=UTC)  # after the file's real mtime: see test_ledger


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("accept", [None, "text/html", "application/json", "text/calendar"])
def test_feeds_are_text_calendar_whatever_the_client_accepts(client, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/calendar.ics", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(strict_events(response.data)) == 8


@pytest.mark.parametrize("url", ["/calendar.ics", FEED, "/en/types/training.ics",
                                 "/events/umbrella-2019-12-05-utbildning-kalmar.ics"])  # fmt: skip
def test_feed_responses_carry_validators_vary_and_cors(client, url):
    response = client.get(url)
    assert response.headers["ETag"].startswith('"') and not response.headers["ETag"].startswith("W/")
    assert response.last_modified is not None
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_matching_etag_gets_a_304_with_no_body(client):
    first = client.get(FEED)
    response = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == first.headers["ETag"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_an_etag_of_another_feed_gets_the_full_feed(client):
    other = client.get("/calendar.ics").headers["ETag"]
    response = client.get(FEED, headers={"If-None-Match": other})
    assert response.status_code == 200 and strict_events(response.data)


def test_a_changed_file_gets_a_200_with_a_new_etag(make_app, events_file):
    with freeze_time(at(1)):
        client = make_app(events_file).test_client()
        first = client.get(FEED)
    edit(events_file, "sv: Studieresa till Guldborgsund", "sv: Studieresa till Falster")
    with freeze_time(at(2)):
        response = client.get(FEED, headers={"If-None-Match": first.headers["ETag"],
                                             "If-Modified-Since": http_date(first.last_modified)})  # fmt: skip
    assert response.status_code == 200
    assert response.headers["ETag"] != first.headers["ETag"]
    assert response.last_modified == at(2) > first.last_modified
    assert "Studieresa till Falster" in {e.summary for e in strict_events(response.data)}


def test_if_modified_since_alone_gets_a_304_until_the_file_changes(make_app, events_file):
    with freeze_time(at(1)):
        client = make_app(events_file).test_client()
        since = http_date(client.get(FEED).last_modified)
        assert client.get(FEED, headers={"If-Modified-Since": since}).status_code == 304
        earlier = http_date(at(1) - dt.timedelta(seconds=1))
        assert client.get(FEED, headers={"If-Modified-Since": earlier}).status_code == 200
    edit(events_file, "start: 2019-12-05", "start: 2019-12-06")
    with freeze_time(at(2)):
        assert client.get(FEED, headers={"If-Modified-Since": since}).status_code == 200


def test_last_modified_never_decreases_across_a_deletion(make_app, events_file):
    with freeze_time(at(1)):
        client = make_app(events_file).test_client()
        first = client.get(FEED).last_modified
    edit(events_file, "sv: Studieresa till Guldborgsund", "sv: Studieresa till Falster")
    with freeze_time(at(2)):
        edited = client.get(FEED).last_modified
    text = events_file.read_text(encoding="utf-8")
    start = text.index("  - id: umbrella-2019-11-13-studieresa-guldborgsund")
    events_file.write_text(text[:start] + text[text.index("  - id: ", start + 1) :], encoding="utf-8")
    with freeze_time(at(3)):
        response = client.get(FEED, headers={"If-Modified-Since": http_date(edited)})
    assert first <= edited <= response.last_modified
    assert response.status_code == 200  # the deletion is news to a client that saw day 2
    assert len(strict_events(response.data)) == 7


def test_a_feed_with_a_window_of_past_days_is_modified_when_the_window_moves(make_app, events_file):
    with freeze_time("2019-11-14 12:00:00"):
        client = make_app(events_file).test_client()
        first = client.get("/calendar.ics?past=0")
        assert len(strict_events(first.data)) == 4  # 13–14 Nov still on
    with freeze_time("2019-11-15 08:00:00"):
        response = client.get("/calendar.ics?past=0", headers={"If-Modified-Since": http_date(first.last_modified)})
    assert response.status_code == 200  # the trip left the feed at midnight, no edit needed
    assert len(strict_events(response.data)) == 3
    assert response.last_modified > first.last_modified


def test_head_gets_the_headers_of_get_and_no_body(client):
    get, head = client.get(FEED), client.head(FEED)
    assert head.status_code == 200 and head.data == b""
    for name in ("ETag", "Last-Modified", "Content-Type", "Content-Length", "Vary", "Access-Control-Allow-Origin"):
        assert head.headers[name] == get.headers[name], name
    assert client.head(FEED, headers={"If-None-Match": get.headers["ETag"]}).status_code == 304


def test_gzip_is_sent_only_when_asked_for_and_inflates_to_the_same_feed(client):
    plain = client.get(FEED)
    assert "Content-Encoding" not in plain.headers
    assert plain.data.startswith(b"BEGIN:VCALENDAR")
    packed = client.get(FEED, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]  # two representations, two strong validators
    assert client.get(FEED, headers={"Accept-Encoding": "gzip",
                                     "If-None-Match": packed.headers["ETag"]}).status_code == 304  # fmt: skip


@pytest.mark.parametrize("header", ["identity", "gzip;q=0", "deflate", "br"])
def test_clients_that_do_not_accept_gzip_get_identity(client, header):
    response = client.get(FEED, headers={"Accept-Encoding": header})
    assert "Content-Encoding" not in response.headers
    assert strict_events(response.data)


def test_an_identity_etag_does_not_validate_the_gzip_form(client):
    plain = client.get(FEED)
    response = client.get(FEED, headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]})
    assert response.status_code == 200
    assert gzip.decompress(response.data) == plain.data


def test_single_event_download_is_an_attachment_named_after_the_event(client):
    response = client.get("/en/events/umbrella-2019-12-05-utbildning-kalmar.ics")
    assert response.headers["Content-Disposition"] == 'attachment; filename="umbrella-2019-12-05-utbildning-kalmar.ics"'
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_each_public_address_gets_feeds_and_json_with_its_own_links(client):
    first = client.get("/calendar.ics", base_url="http://one.example").data
    second = client.get("/calendar.ics", base_url="https://two.example").data
    assert b"http://one.example/events/" in first and b"two.example" not in first
    assert b"https://two.example/events/" in second and b"one.example" not in second
    data = client.get("/events.json", base_url="https://two.example").json
    assert data["events"][0]["page"].startswith("https://two.example/events/")
