"""Hostile requests: each is a 4xx with a short message (or an ordinary answer), never a 5xx, never a trace.

The table ``HOSTILE`` is the corpus: method, URL, headers, the status expected and a piece of the body.
The URL space is also fuzzed with hypothesis, from the OpenAPI description the site publishes.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calfeed.web import create_app

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = json.loads((ROOT / "calfeed" / "openapi.json").read_text(encoding="utf-8"))
TYPES = ["training", "conference", "workshop", "meeting", "study-trip"]
EVENT = "umbrella-2019-11-04-workshop-hassleholm"
TEN_KB = "a" * 10_240

# (method, url, headers, status, a piece of the body)
HOSTILE = [
    # unknown and empty filter values: 400 naming the valid ones
    ("GET", "/calendar.ics?type=party", {}, 400, '"valid":["training","conference","workshop","meeting","study-trip"]'),
    ("GET", "/calendar.ics?type=", {}, 400, "unknown type '(empty)'"),
    ("GET", "/events.json?project=", {}, 400, '"valid":["umbrella"]'),
    ("GET", "/?location=atlantis", {}, 400, "kalmar"),
    ("GET", "/en/?project=nope", {}, 400, "umbrella"),
    ("GET", "/locations/kalmar.ics?type=training,,workshop", {}, 400, "unknown type '(empty)'"),
    ("GET", "/calendar.ics?cancelled=maybe", {}, 400, '"valid":["show","hide"]'),
    ("GET", "/calendar.ics?lang=fr", {}, 400, '"valid":["sv","en","da","de","pl","lt"]'),
    ("GET", "/calendar.ics?past=-5", {}, 400, "past must be a whole number of days"),
    ("GET", "/calendar.ics?past=99999999999999999999999", {}, 400, "past must be a whole number of days"),
    # overlong values: the message shows a short prefix, not 10 kB back
    ("GET", f"/calendar.ics?type={TEN_KB}", {}, 400, "unknown type 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'"),
    ("GET", f"/?project={TEN_KB}", {}, 400, "umbrella"),
    ("GET", f"/events/{TEN_KB}", {}, 404, ""),
    ("GET", f"/events/{TEN_KB}.ics", {}, 404, '"status":404'),
    ("GET", f"/calendar.ics?{TEN_KB}={TEN_KB}", {}, 200, "BEGIN:VCALENDAR"),
    # NUL and bytes that are not UTF-8, percent-encoded
    ("GET", "/calendar.ics?type=%00", {}, 400, "unknown type '\\u0000'"),
    ("GET", "/events.json?location=kal%00mar", {}, 400, '"valid":'),
    ("GET", "/calendar.ics?type=%ff%fe", {}, 400, "unknown type"),
    ("GET", "/events.json?project=%c3%28", {}, 400, "unknown project"),
    ("GET", "/past?page=%ff", {}, 400, "<!doctype html>"),
    ("GET", "/past?page=%00", {}, 400, "page"),
    ("GET", "/en/past?page=0", {}, 400, "page"),
    ("GET", "/events/%00", {}, 404, ""),
    ("GET", "/events/%ff%fe.ics", {}, 404, '"status":404'),
    ("GET", "/projects/%c0%af", {}, 404, ""),
    # path traversal
    ("GET", "/static/../setup.cfg", {}, 404, ""),
    ("GET", "/static/%2e%2e/setup.cfg", {}, 404, ""),
    ("GET", "/static/..%2fsetup.cfg", {}, 404, ""),
    ("GET", "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd", {}, 404, ""),
    ("GET", "/static/..%5c..%5csetup.cfg", {}, 404, ""),
    ("GET", "/static/%252e%252e/setup.cfg", {}, 404, ""),
    ("GET", "/events/..%2f..%2fsetup.cfg.ics", {}, 404, ""),
    ("GET", "/locations/..%2f..%2fevents.yaml", {}, 404, ""),
    # methods: 405 with Allow
    ("POST", "/calendar.ics", {}, 405, '"status":405'),
    ("PUT", "/", {}, 405, "<!doctype html>"),
    ("DELETE", "/events.json", {}, 405, '"status":405'),
    ("PATCH", "/healthz", {}, 405, ""),
    ("TRACE", "/", {}, 405, ""),
    ("PROPFIND", "/calendar.ics", {}, 405, ""),
    ("BREW", "/", {}, 405, ""),
    # odd Accept headers: the address decides the format
    ("GET", "/", {"Accept": "application/json"}, 200, "<!doctype html>"),
    ("GET", "/calendar.ics", {"Accept": "text/html"}, 200, "BEGIN:VCALENDAR"),
    ("GET", "/events.json", {"Accept": "*/*;q=banana, text/*;q=-1"}, 200, '"events"'),
    ("GET", "/calendar.ics?type=nope", {"Accept": "text/html"}, 400, '"status":400'),
    ("GET", "/", {"Accept-Language": "xx;q=nope," * 1000}, 200, "<!doctype html>"),
    ("GET", "/calendar.ics", {"Accept-Encoding": "gzip;q=x, br;q=2, *;q=0"}, 200, ""),
    # huge and odd headers
    ("GET", "/", {"X-Padding": "x" * 65_536}, 200, "<!doctype html>"),
    ("GET", "/calendar.ics", {"If-Modified-Since": "not a date"}, 200, "BEGIN:VCALENDAR"),
    ("GET", "/calendar.ics", {"If-None-Match": '"' + "x" * 10_000 + '"'}, 200, "BEGIN:VCALENDAR"),
    ("GET", "/calendar.ics", {"Range": "bytes=99999999999-"}, 200, "BEGIN:VCALENDAR"),
    ("GET", "/", {"Cookie": "session=" + "x" * 10_000}, 200, "<!doctype html>"),
    # Host headers
    ("GET", "/", {"Host": "a b"}, 400, "Host"),
    ("GET", "/calendar.ics", {"Host": "[::1"}, 400, "Host must be a host name"),
    ("GET", "/", {"Host": "evil.example/<script>"}, 400, "Host"),
    ("GET", "/events.json", {"Host": "x" * 300}, 400, '"status":400'),
    ("GET", "/", {"Host": "x" * 300}, 400, "Bad Request"),
    ("GET", "/calendar.ics", {"Host": "localhost:99999"}, 400, "Host must be a host name"),
    # query arguments named like path values or url_for options (found by the fuzzer: were 500s)
    ("GET", "/?lang=", {}, 200, "<!doctype html>"),
    ("GET", f"/events/{EVENT}?event_id=other&lang=en", {}, 200, "<!doctype html>"),
    ("GET", "/past?_external=1&_anchor=x&_method=POST&_scheme=javascript", {}, 200, "<!doctype html>"),
    # odd paths
    ("GET", "/en/en/", {}, 404, ""),
    ("GET", "/fr/", {}, 404, ""),
    ("GET", "/calendar.ics/", {}, 404, ""),
    ("GET", "/types/party.ics", {}, 404, '"status":404'),
    ("GET", "/projects/umbrella/contacts/99999999999999999999.vcf", {}, 404, ""),
]


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory):
    """One app for the whole table: these requests only read."""
    events = tmp_path_factory.mktemp("hostile-requests") / "events.yaml"
    events.write_bytes((ROOT / "events.yaml").read_bytes())
    return create_app({"TESTING": True, "CALFEED_EVENTS": str(events), "CALFEED_RELOAD_SECONDS": 3600.0}).test_client()


def test_the_corpus_has_at_least_40_hostile_requests():
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize(("method", "url", "headers", "status", "expected"), HOSTILE,
                         ids=[f"{m} {u[:50]} {list(h)[:1]}" for m, u, h, *_ in HOSTILE])  # fmt: skip
def test_hostile_request_gets_its_expected_answer(shared_client, method, url, headers, status, expected):
    response = shared_client.open(url, method=method, headers=headers)
    body = response.get_data().decode("utf-8", "replace")  # gzip, if an odd Accept-Encoding is read as asking
    assert response.status_code == status, body[:300]
    assert expected in body
    assert "Traceback" not in body and 'File "' not in body
    if status == 405:
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    if status >= 400:
        assert len(body) < 20_000  # a short message, not the request echoed back
        assert TEN_KB not in body


def test_path_traversal_never_serves_a_file_outside_static(shared_client):
    for url in ("/static/../setup.cfg", "/static/%2e%2e/setup.cfg", "/static/..%2f..%2fsetup.cfg"):
        assert b"[metadata]" not in shared_client.get(url).data


def test_error_messages_are_json_for_feeds_and_json_and_html_for_pages(shared_client):
    feed = shared_client.get("/calendar.ics?type=nope")
    page = shared_client.get("/?type=nope")
    assert feed.get_json()["error"]["valid"] == TYPES
    assert page.mimetype == "text/html" and "study-trip" in page.get_data(as_text=True)


# --- unexpected exceptions: a generic 500, no trace, even with DEBUG on --------------------------------------


def _app_with_a_broken_view(make_app, **config):
    app = make_app(**config)

    def broken(**_):
        raise RuntimeError("secret detail /srv/calfeed/internal.py line 42")

    app.add_url_rule("/broken", "broken", broken)
    app.add_url_rule("/broken.json", "broken_json", broken)
    return app


@pytest.mark.parametrize("config", [{}, {"TESTING": False}, {"DEBUG": True}, {"PROPAGATE_EXCEPTIONS": False}])
def test_an_exception_in_a_view_is_a_generic_500_without_a_trace(make_app, caplog, config):
    client = _app_with_a_broken_view(make_app, **config).test_client()

    page = client.get("/broken")
    data = client.get("/broken.json")

    assert page.status_code == data.status_code == 500
    for body in (page.get_data(as_text=True), data.get_data(as_text=True)):
        assert "secret detail" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert data.get_json()["error"]["title"] == "Internal Server Error"
    assert "secret detail" in caplog.text  # the detail goes to the log, for the operator


def test_the_app_is_not_in_debug_mode_unless_asked(make_app, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert make_app().debug is False


# --- fuzzing the URL space from the published OpenAPI description --------------------------------------------

FUZZ = settings(max_examples=300, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
KNOWN = {"slug": ["umbrella", "kalmar", "gdansk", "training", "study-trip"], "event_id": [EVENT], "number": ["0", "1"]}
nasty = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.printable, max_size=30),
    st.sampled_from(
        ["", "%00", "%ff", "..", "%2e%2e%2f", "a,b", ",", "umbrella", "training", "hide", "en", "-1", "9" * 30]
    ),
    st.binary(max_size=20).map(lambda b: "".join(f"%{x:02x}" for x in b)),
)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return value if re.fullmatch(r"(%[0-9a-f]{2})*", value) and value else quote(value, safe="")


@st.composite
def openapi_requests(draw):
    path, item = draw(st.sampled_from(sorted(OPENAPI["paths"].items())))
    parameters = [_resolve(p) for p in item["get"].get("parameters", [])]
    url = path
    for p in (p for p in parameters if p["in"] == "path"):
        value = draw(st.one_of(st.sampled_from(KNOWN[p["name"]]), nasty))
        url = url.replace("{" + p["name"] + "}", _quote(value))
    names = [p["name"] for p in parameters if p["in"] == "query"] + ["x", "page", "lang", "type"]
    query = draw(st.lists(st.tuples(st.sampled_from(names), nasty), max_size=4))
    if query:
        url += "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in query)
    if path not in ("/healthz", "/openapi.json", "/schema.json") and draw(st.booleans()):
        url = "/en" + url
    method = draw(st.sampled_from(["GET", "GET", "GET", "HEAD", "POST", "DELETE", "OPTIONS"]))
    return method, url


def _resolve(parameter: dict) -> dict:
    if "$ref" in parameter:
        return OPENAPI["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
    return parameter


@FUZZ
@given(request=openapi_requests())
def test_no_url_built_from_the_openapi_description_gets_a_server_error(shared_client, request):
    method, url = request
    response = shared_client.open(url, method=method)
    assert response.status_code < 500, (method, url)
    if method == "GET" and response.status_code >= 400 and url.split("?")[0].endswith((".ics", ".json")):
        assert set(response.get_json()["error"]) >= {"status", "title", "message"}
    if method not in ("GET", "HEAD", "OPTIONS"):
        assert response.status_code in (404, 405)  # 404 where no route matches at all


def test_every_documented_path_exists_and_every_feed_and_json_url_is_documented(app):
    rules = {re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()}
    documented = set(OPENAPI["paths"])
    assert documented <= rules
    data_rules = {r for r in rules if r.endswith((".ics", ".json")) and not r.startswith("/{lang}")}
    assert data_rules <= documented


@pytest.mark.parametrize(("url", "schema"), [
    ("/events.json", "Events"), ("/en/events.json?type=workshop", "Events"), ("/healthz", "Health"),
    ("/events.json?type=nope", "Error"), ("/calendar.ics?project=", "Error"), ("/events/nope.ics", "Error"),
])  # fmt: skip
def test_json_answers_match_their_schema_in_the_openapi_description(shared_client, url, schema):
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator({"$ref": f"#/components/schemas/{schema}", "components": OPENAPI["components"]})
    errors = [e.message for e in validator.iter_errors(shared_client.get(url).get_json())]
    assert errors == []


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/past?page=²", 400),
        ("/en/past?page=١", 400),
        ("/calendar.ics?past=²", 400),
        ("/projects/umbrella.ics?past=٣", 400),
    ],
)
def test_digits_that_are_not_ascii_are_no_number_and_no_server_error(shared_client, url, status):
    assert shared_client.get(url).status_code == status
