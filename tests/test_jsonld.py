"""schema.org Event JSON-LD on event pages: the shape search engines require, read back from the page."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import MINIMAL, SHIPPED, dedent
from pagecheck import Page

from calfeed import jsonld

SHIPPED_IDS = [event["id"] for event in yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["events"]]
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
ISO_DATETIME_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$"
DATE = {"type": "string", "anyOf": [{"pattern": ISO_DATE}, {"pattern": ISO_DATETIME_WITH_OFFSET}]}
TEXT = {"type": "string", "minLength": 1}

# The schema.org Event shape that search engines' event results need (Google's required and recommended
# properties), with schema.org's URL forms for the enumerations.
EVENT_SCHEMA = {
    "type": "object",
    "required": ["@context", "@type", "name", "startDate", "endDate", "eventStatus", "location", "organizer", "url",
                 "eventAttendanceMode"],
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@type": {"const": "Event"},
        "name": TEXT,
        "description": TEXT,
        "startDate": DATE,
        "endDate": DATE,
        "eventStatus": {"enum": ["https://schema.org/EventScheduled", "https://schema.org/EventCancelled",
                                 "https://schema.org/EventPostponed", "https://schema.org/EventRescheduled",
                                 "https://schema.org/EventMovedOnline"]},
        "eventAttendanceMode": {"enum": ["https://schema.org/OfflineEventAttendanceMode",
                                         "https://schema.org/OnlineEventAttendanceMode",
                                         "https://schema.org/MixedEventAttendanceMode"]},
        "location": {
            "type": "object", "required": ["@type", "name", "address"],
            "properties": {
                "@type": {"const": "Place"}, "name": TEXT,
                "address": {"type": "object", "required": ["@type", "addressLocality", "addressCountry"],
                            "properties": {"@type": {"const": "PostalAddress"}, "addressLocality": TEXT,
                                           "addressCountry": {"type": "string", "pattern": "^[A-Z]{2}$"}}},
            },
        },
        "organizer": {"type": "object", "required": ["@type", "name", "url"],
                      "properties": {"@type": {"enum": ["Organization", "Person"]}, "name": TEXT,
                                     "url": {"type": "string", "pattern": "^https?://"}}},
        "url": {"type": "string", "pattern": "^https?://"},
    },
}  # fmt: skip


def parse_date(value: str) -> dt.date | dt.datetime:
    return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)


def page_data(client, url: str) -> dict:
    return Page(client.get(url).get_data(as_text=True)).json_ld()


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("event_id", SHIPPED_IDS)
def test_every_shipped_event_page_has_valid_schema_org_event_data(client, event_id, lang):
    prefix = "/en" if lang == "en" else ""
    data = page_data(client, f"{prefix}/events/{event_id}")
    jsonschema.validate(data, EVENT_SCHEMA)
    start, end = parse_date(data["startDate"]), parse_date(data["endDate"])
    assert type(start) is type(end) and start <= end
    assert data["url"] == f"http://localhost{prefix}/events/{event_id}"


def test_the_schema_rejects_what_search_engines_reject():
    bad = {"@context": "https://schema.org", "@type": "Event", "name": "x", "startDate": "13 november 2019"}
    with pytest.raises(jsonschema.ValidationError) as failure:
        jsonschema.validate(bad, EVENT_SCHEMA)
    assert failure.value.validator in ("required", "anyOf")


def test_an_all_day_event_gives_dates_and_the_last_day_as_end(client):
    data = page_data(client, "/events/umbrella-2019-11-13-studieresa-guldborgsund")
    assert (data["startDate"], data["endDate"]) == ("2019-11-13", "2019-11-14")
    assert data["location"]["address"] == {"@type": "PostalAddress", "addressLocality": "Guldborgsund",
                                           "addressCountry": "DK"}  # fmt: skip
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["description"].startswith("Landsbygdssamordnarnätverket")


def test_page_data_is_in_the_pages_language(client):
    data = page_data(client, "/en/events/umbrella-2019-11-13-studieresa-guldborgsund")
    assert data["name"] == "Study trip to Guldborgsund"
    assert data["organizer"] == {"@type": "Organization", "name": "Region Kalmar län", "url": "http://localhost/en/"}


EDGE_CASES = MINIMAL + dedent("""
      - id: timed-in-klaipeda
        title: 'Möte </script><script>alert(1)</script> & <!-- här'
        description: "Slut: </SCRIPT> och ]]>"
        type: meeting
        location: klaipeda
        start: 2019-12-05 09:00
        end: 12:30
        status: cancelled
      - id: nowhere
        title: Webbinarium
        type: training
        start: 2019-12-06
""")


def test_script_end_tags_in_event_text_cannot_end_the_data_block(make_app):
    html = make_app(EDGE_CASES).test_client().get("/events/timed-in-klaipeda").get_data(as_text=True)
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["name"] == "Möte </script><script>alert(1)</script> & <!-- här"
    assert data["description"] == "Slut: </SCRIPT> och ]]>"
    assert html.count("<script") == 2  # the JSON-LD block and calfeed.js: the title opened none


def test_a_timed_event_gives_local_times_with_their_offset_and_a_cancelled_one_says_so(make_app):
    data = page_data(make_app(EDGE_CASES).test_client(), "/events/timed-in-klaipeda")
    assert (data["startDate"], data["endDate"]) == ("2019-12-05T09:00:00+02:00", "2019-12-05T12:30:00+02:00")
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["location"]["address"]["addressCountry"] == "LT"


def test_an_event_without_a_place_claims_no_place_and_no_attendance_mode(make_app):
    data = page_data(make_app(EDGE_CASES).test_client(), "/events/nowhere")
    assert "location" not in data and "eventAttendanceMode" not in data
    assert data["startDate"] == data["endDate"] == "2019-12-06"


def test_jsonld_is_a_pure_module_without_flask():
    tree = ast.parse(Path(jsonld.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name.split(".")[0] for name in imported} & {"flask", "werkzeug"}
