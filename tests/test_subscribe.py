"""Subscribe and "add to calendar" links, read back with urllib the way each service reads them."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from conftest import MINIMAL, SHIPPED, dedent
from hypothesis import given
from hypothesis import strategies as st

from calfeed.loader import check, load
from calfeed.subscribe import _query, event_links, feed_links, webcal

FEED = "https://kalender.example.org/projects/umbrella.ics?type=conference&type=training"


def query(url: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(url).query, keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def test_webcal_swaps_only_the_scheme():
    assert webcal(FEED) == "webcal://kalender.example.org/projects/umbrella.ics?type=conference&type=training"
    assert webcal("http://127.0.0.1:5000/calendar.ics") == "webcal://127.0.0.1:5000/calendar.ics"


def test_feed_links_offer_https_webcal_google_and_outlook():
    links = feed_links(FEED, "Umbrella – konferenser, utbildningar")
    assert links["https"] == FEED
    assert links["webcal"] == webcal(FEED)
    # Google subscribes from the webcal:// form only; the feed's own query must survive inside cid.
    assert where(links["google"]) == "https://calendar.google.com/calendar/render"
    assert query(links["google"]) == {"cid": webcal(FEED)}
    for key, host in (("outlook", "outlook.live.com"), ("office365", "outlook.office.com")):
        assert where(links[key]) == f"https://{host}/owa"
        assert query(links[key]) == {"path": "/calendar/action/compose", "rru": "addsubscription", "url": FEED,
                                     "name": "Umbrella – konferenser, utbildningar"}  # fmt: skip


def test_one_event_links_for_an_all_day_trip_end_the_day_after_its_last_day():
    trip = load(SHIPPED).by_id["umbrella-2019-11-13-studieresa-guldborgsund"]
    links = event_links(trip, "Studieresa & möte?", "Rad ett\nRad två", "Guldborgsund, Danmark")
    google = query(links["google"])
    assert where(links["google"]) == "https://calendar.google.com/calendar/render"
    assert google == {"action": "TEMPLATE", "text": "Studieresa & möte?", "dates": "20191113/20191115",
                      "details": "Rad ett\nRad två", "location": "Guldborgsund, Danmark"}  # fmt: skip
    outlook = query(links["outlook"])
    assert where(links["outlook"]) == "https://outlook.live.com/calendar/0/deeplink/compose"
    assert outlook == {"path": "/calendar/action/compose", "rru": "addevent", "subject": "Studieresa & möte?",
                       "startdt": "2019-11-13", "enddt": "2019-11-15", "allday": "true",
                       "body": "Rad ett\nRad två", "location": "Guldborgsund, Danmark"}  # fmt: skip


def test_one_event_links_for_a_timed_event_give_the_instant_in_utc():
    schedule = check(
        MINIMAL
        + dedent("""
      - id: klaipeda-meeting
        title: Partner meeting
        type: meeting
        location: klaipeda
        start: 2019-12-05 10:00
        end: 12:00
    """)
    ).schedule
    assert schedule is not None
    links = event_links(schedule.events[0], "Partner meeting", "", "Klaipėda, Litauen")
    assert query(links["google"])["dates"] == "20191205T080000Z/20191205T100000Z"  # 10:00 in Vilnius (UTC+2)
    outlook = query(links["outlook"])
    assert (outlook["startdt"], outlook["enddt"]) == ("2019-12-05T08:00:00Z", "2019-12-05T10:00:00Z")
    assert "allday" not in outlook


def test_project_page_shows_every_subscribe_link_for_its_feed(client):
    page = html.unescape(client.get("/projects/umbrella?type=training").get_data(as_text=True))
    https = "http://localhost/projects/umbrella.ics?type=training"
    for link in feed_links(https, "Umbrella – utbildningar – Region Kalmar län").values():
        assert f'href="{link}"' in page, link


def test_event_page_offers_the_ics_download_and_google_and_outlook_links(client):
    page = html.unescape(client.get("/en/events/umbrella-2019-11-13-studieresa-guldborgsund").get_data(as_text=True))
    assert "/en/events/umbrella-2019-11-13-studieresa-guldborgsund.ics" in page
    google = next(part for part in page.split('"') if part.startswith("https://calendar.google.com/"))
    assert query(google)["dates"] == "20191113/20191115" and query(google)["text"] == "Study trip to Guldborgsund"
    outlook = next(part for part in page.split('"') if part.startswith("https://outlook.live.com/calendar/0/deeplink"))
    assert query(outlook)["rru"] == "addevent"


@given(st.dictionaries(st.text(min_size=1), st.text()), st.lists(st.text()))
def test_a_query_with_values_quoted_once_is_what_urlencode_writes(pairs, others):
    quoted = {text: quote(text, safe="") for text in [*list(pairs.values())[:2], *others]}
    assert _query(pairs, quoted) == urlencode(pairs, quote_via=quote)
