"""The agenda on other sites, in Chromium: /embed framed by the allowed origin only, sized by embed.js,
light or dark as the visitor's system prefers; axe on /embed and on the agenda's open snippet generator."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import zoneinfo
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from browser.conftest import LANGS, axe_violations, events_yaml, serve
from calfeed.web import create_app


class HostPage(http.server.BaseHTTPRequestHandler):
    """Another site's page that frames the URL in its query (?frame=…&script=…); on loopback like the app,
    so Chromium's private-network rules treat both alike and only the frame policy decides."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        query = parse_qs(urlsplit(self.path).query)
        script = query.get("script", [""])[0]
        body = (f'<!doctype html><html lang="sv"><title>Värd</title><h1>Aktiviteter</h1>'
                f'<iframe src="{query["frame"][0]}" title="Aktiviteter" width="100%" height="120"></iframe>'
                + (f'<script src="{script}" async></script>' if script else "")).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet, like the app's test server."""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """(the app, the allowed host site, a host site that is not allowed): the app with CALFEED_FRAME_ORIGINS
    naming the first host only; the second is the same server under another name, so another origin."""
    host = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostPage)
    thread = threading.Thread(target=host.serve_forever, daemon=True)
    thread.start()
    allowed, elsewhere = f"http://127.0.0.1:{host.server_port}", f"http://localhost:{host.server_port}"
    folder = tmp_path_factory.mktemp("framed")
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Stockholm")).date()
    events = folder / "events.yaml"
    events.write_text(events_yaml(today), encoding="utf-8")
    create_app({"CALFEED_EVENTS": str(events), "CALFEED_RELOAD_SECONDS": 0.0})  # published once…
    moved = (today + dt.timedelta(days=4)).isoformat()
    text = events.read_text(encoding="utf-8")
    was = (today + dt.timedelta(days=3)).isoformat()
    text = text.replace(f"    start: {was} 09:00\n", f"    start: {moved} 09:00\n")
    text = text.replace("    type: conference\n", "    type: conference\n    status: cancelled\n")
    events.write_text(text, encoding="utf-8")  # …then one event moved and one cancelled: the change log has both
    try:
        with serve(folder / "events.yaml", CALFEED_FRAME_ORIGINS=allowed) as url:
            yield url, allowed, elsewhere
    finally:
        host.shutdown()
        thread.join(timeout=10)
        host.server_close()


def host_page(page, origin: str, frame: str, script: str = "") -> None:
    page.goto(f"{origin}/aktiviteter?" + urlencode({"frame": frame, **({"script": script} if script else {})}))


def test_the_allowed_origin_shows_the_list_in_an_iframe_and_embed_js_fits_its_height(open_page, sites):
    app, allowed, _ = sites
    page = open_page()
    host_page(page, allowed, app + "/embed?project=umbrella", app + "/static/embed.js")
    frame = page.frame_locator("iframe")
    frame.locator("li.calfeed-event").first.wait_for()
    assert frame.locator("li.calfeed-event").count() == 2  # umbrella's upcoming: the workshop today, the training
    page.wait_for_function("document.querySelector('iframe').style.height !== ''")
    height = page.evaluate("parseInt(document.querySelector('iframe').style.height)")
    inner = page.frames[1].evaluate("document.documentElement.scrollHeight")
    assert height == inner and height != 120


def test_another_origin_cannot_frame_the_list(open_page, sites):
    app, _, elsewhere = sites
    page = open_page()
    host_page(page, elsewhere, app + "/embed")
    page.wait_for_timeout(500)
    assert len(page.frames) == 2
    assert page.frames[1].evaluate("document.querySelectorAll('li.calfeed-event').length") == 0


def test_the_allowed_origin_cannot_frame_any_other_page(open_page, sites):
    app, allowed, _ = sites
    page = open_page()
    host_page(page, allowed, app + "/")
    page.wait_for_timeout(500)
    assert page.frames[1].evaluate("document.querySelectorAll('li.event').length") == 0


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_embed_passes_axe_in_light_and_dark_and_requests_nothing_elsewhere(open_page, base_url, lang, scheme):
    page = open_page(color_scheme=scheme)
    page.goto(base_url + ("" if lang == "sv" else f"/{lang}") + "/embed?limit=3")
    assert page.locator("li.calfeed-event").count() == 3
    assert axe_violations(page) == []
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(18, 18, 18)")
    assert {urlsplit(u).netloc for u in page.requests} == {urlsplit(base_url).netloc}


@pytest.mark.parametrize("lang", LANGS)
def test_agenda_with_the_snippet_generator_open_passes_axe(open_page, base_url, lang):
    page = open_page()
    page.goto(base_url + ("" if lang == "sv" else f"/{lang}") + "/?project=umbrella")
    page.locator("details.embed-snippet summary").click()
    assert page.locator("#embed-code").is_visible()
    assert page.locator(".embed-preview li.calfeed-event").count() == 2
    assert axe_violations(page) == []


def test_snippet_generator_works_without_javascript(open_page, base_url):
    page = open_page(java_script_enabled=False)
    page.goto(base_url + "/?type=training")
    page.get_by_text("Visa på din webbplats").click()
    code = page.locator("#embed-code").input_value()
    assert f'src="{base_url}/embed?type=training"' in code
    assert page.locator("#embed-fragment").input_value() == base_url + "/embed/fragment?type=training"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/changes", "/changes?project=umbrella", "/events/timed-training"])
def test_change_log_and_last_changed_pass_axe_and_request_nothing_elsewhere(open_page, sites, lang, path):
    app, _, _ = sites
    page = open_page()
    page.goto(app + ("" if lang == "sv" else f"/{lang}") + path)
    if path.startswith("/changes"):
        expected = 2 if path == "/changes" else 1  # the conference has no project
        assert page.locator("li.change").count() == expected
    assert page.locator("del").first.is_visible() and page.locator("ins").first.is_visible()
    assert axe_violations(page) == []
    assert {urlsplit(u).netloc for u in page.requests} == {urlsplit(app).netloc}


def test_embed_reflows_in_a_narrow_iframe_without_sideways_scrolling(open_page, base_url):
    page = open_page(viewport={"width": 280, "height": 600})
    page.goto(base_url + "/embed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 280
