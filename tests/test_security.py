"""calfeed.web.security: the headers on every response, and pages that need no inline script or style."""

from __future__ import annotations

import html.parser

import pytest

from calfeed.web.security import DATA_POLICY, PAGE_POLICY

PAGES = ["/", "/en/", "/past", "/projects", "/projects/umbrella", "/locations/kalmar",
         "/events/umbrella-2019-11-04-workshop-hassleholm", "/en/events/umbrella-2019-11-04-workshop-hassleholm",
         "/no-such-page", "/?type=nope"]  # fmt: skip
DATA = ["/calendar.ics", "/en/projects/umbrella.ics", "/events/umbrella-2019-11-04-workshop-hassleholm.ics",
        "/events.json", "/healthz", "/openapi.json", "/calendar.ics?type=nope", "/events/nope.ics"]  # fmt: skip


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


@pytest.mark.parametrize("url", PAGES + DATA)
def test_every_response_carries_the_security_headers(client, url):
    headers = client.get(url).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_get_a_strict_content_security_policy_and_no_cors(client, url):
    response = client.get(url)
    policy = directives(response.headers["Content-Security-Policy"])
    assert response.mimetype == "text/html"
    assert policy["script-src"] == policy["style-src"] == policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert policy["object-src"] == policy["base-uri"] == "'none'"
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("url", DATA)
def test_feeds_and_json_can_be_read_by_widgets_on_any_site(client, url):
    response = client.get(url)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Content-Security-Policy"] == DATA_POLICY


def test_a_304_keeps_the_headers(client):
    etag = client.get("/calendar.ics").headers["ETag"]
    response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


class _Inline(html.parser.HTMLParser):
    """Everything a strict CSP would block: inline scripts, <style>, style="", on*="" and javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "script":
            self._script = attrs
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.blocked.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.blocked.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self._script is not None and data.strip() and self._script.get("type") != "application/ld+json":
            self.blocked.append("inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_nothing_the_policy_would_block(client, url):
    parser = _Inline()
    parser.feed(client.get(url).get_data(as_text=True))
    assert parser.blocked == []


def test_the_policy_is_the_documented_one():
    assert directives(PAGE_POLICY) == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
        "object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'", "form-action": "'self'",
    }  # fmt: skip


def test_openapi_description_is_served_and_describes_the_feeds(client):
    response = client.get("/openapi.json")
    doc = response.get_json()
    assert response.status_code == 200 and doc["openapi"].startswith("3.1")
    assert {"/calendar.ics", "/projects/{slug}.ics", "/events.json"} <= set(doc["paths"])
    assert client.get("/openapi.json", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
