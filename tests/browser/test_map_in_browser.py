"""The project pages and the map in headless Chromium, on the shipped events file (the one with partners
and coordinates) plus two contact persons: zero axe-core violations, no console error, no request to
another host, the map drawn at a readable size, reflowing at 360 px, and kept when printed.
Server, browser and pages come from tests/browser/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser.conftest import axe_violations, serve

SHIPPED = Path(__file__).resolve().parents[2] / "events.yaml"
CONTACTS = """    contacts:
      - name: Anna Andersson
        title: {sv: Projektledare, en: Project manager}
        organisation: Region Kalmar län
        email: anna.andersson@example.org
        phone: +46 480 12 34 56
"""  # invented for the test; the shipped file names no contact persons
PAGES = ["/projects/umbrella", "/projects", "/locations/kalmar"]


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("shipped")
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "    lead: Euroregion Baltic\n", "    lead: Euroregion Baltic\n" + CONTACTS, 1
    )
    (folder / "events.yaml").write_text(text, encoding="utf-8")
    with serve(folder / "events.yaml") as url:
        yield url


@pytest.mark.parametrize("lang", ["", "/en", "/da", "/de", "/pl", "/lt"])
@pytest.mark.parametrize("path", PAGES)
def test_map_pages_pass_axe_and_request_nothing_from_another_host(open_page, shipped_url, path, lang):
    page = open_page()
    assert page.goto(shipped_url + lang + path).status == 200
    assert axe_violations(page) == []
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


def test_the_map_is_kept_when_printed_and_the_subscribe_panel_only_with_its_qr_code(open_page, shipped_url):
    page = open_page()
    page.goto(shipped_url + "/projects/umbrella")
    page.emulate_media(media="print")
    assert page.locator("svg.map").is_visible()
    assert page.locator("ul.map-places").is_visible()
    assert page.locator("section.subscribe svg.qr").is_visible()  # issue 14: a printed page subscribes a phone
    assert not page.locator("section.subscribe ul").is_visible()
