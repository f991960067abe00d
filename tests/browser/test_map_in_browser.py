"""The project pages and the map in headless Chromium, on the shipped events file (the one with partners
and coordinates) plus two contact persons: zero axe-core violations, no console error, no request to
another host, the map drawn at a readable size, reflowing at 360 px, and kept when printed.
Self-contained (its own server and browser, set up like tests/browser/conftest.py's)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import shutil

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from calfeed.web import create_app

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "events.yaml"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
CONTACTS = """    contacts:
      - name: Anna Andersson
        title: {sv: Projektledare, en: Project manager}
        organisation: Region Kalmar län
        email: anna.andersson@example.org
        phone: +46 480 12 34 56
"""  # invented for the test; the shipped file names no contact persons
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ["/projects/umbrella", "/projects", "/locations/kalmar"]


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("shipped")
    text = SHIPPED.read_text(encoding="utf-8").replace("    lead: Euroregion Baltic\n", "    lead: Euroregion Baltic\n" + CONTACTS, 1)
    (folder / "events.yaml").write_text(text, encoding="utf-8")
    app = create_app({"CALFEED_EVENTS": str(folder / "events.yaml"), "CALFEED_RELOAD_SECONDS": 0.0})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)  # fmt: skip
        yield launched
        launched.close()


@pytest.fixture
def open_page(chromium) -> Iterator:
    """open_page(viewport) -> a Page with axe-core injected, recording console errors and every request."""
    contexts = []

    def make(viewport: dict[str, int] | None = None):
        context = chromium.new_context(viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.errors, page.requests = [], []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("request", lambda r: page.requests.append(r.url))
        return page

    yield make
    for context in contexts:
        context.close()


def violations(page) -> list[str]:
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


@pytest.mark.parametrize("lang", ["", "/en"])
@pytest.mark.parametrize("path", PAGES)
def test_map_pages_pass_axe_and_request_nothing_from_another_host(open_page, shipped_url, path, lang):
    page = open_page()
    assert page.goto(shipped_url + lang + path).status == 200
    assert violations(page) == []
    assert page.errors == []
    assert {urlsplit(u).netloc for u in page.requests} == {urlsplit(shipped_url).netloc}


def test_the_map_is_drawn_large_enough_with_a_marker_per_place(open_page, shipped_url):
    page = open_page()
    page.goto(shipped_url + "/en/projects/umbrella")
    box = page.locator("svg.map").bounding_box()
    assert box["width"] > 600 and box["height"] > 350
    assert page.locator("svg.map a.place").count() == page.locator("ul.map-places > li").count() == 7


def test_the_map_reflows_on_a_phone(open_page, shipped_url):
    page = open_page(viewport={"width": 360, "height": 740})
    page.goto(shipped_url + "/projects/umbrella")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("svg.map").bounding_box()["width"] <= 360


def test_the_map_is_kept_when_printed_and_the_subscribe_panel_is_not(open_page, shipped_url):
    page = open_page()
    page.goto(shipped_url + "/projects/umbrella")
    page.emulate_media(media="print")
    assert page.locator("svg.map").is_visible()
    assert page.locator("ul.map-places").is_visible()
    assert not page.locator("section.subscribe").is_visible()
