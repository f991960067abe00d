"""Every page type, in all six languages, in headless Chromium: no console error, zero axe-core violations
(WCAG 2.0/2.1 A and AA), reflowing at 360 px, and not one request to another host; in Swedish and
English also reachable by keyboard from the skip link on (the partner languages share the markup)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browser.conftest import DESKTOP, LANGS, axe_violations

PHONE = {"width": 360, "height": 740}
PAGES = {
    "agenda": ("/", 200),
    "past": ("/past?page=2", 200),
    "event": ("/events/timed-training", 200),
    "project": ("/projects/umbrella", 200),
    "projects": ("/projects", 200),
    "location": ("/locations/kalmar", 200),
    "filtered": ("/?type=training&type=workshop&cancelled=hide", 200),
    "changes": ("/changes", 200),
    "404": ("/events/no-such-event", 404),
    "400": ("/?location=oslo", 400),
}
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"


def url_of(base_url: str, lang: str, path: str) -> str:
    return base_url + ("" if lang == "sv" else f"/{lang}") + path


def console_errors(page, url: str, status: int) -> list[str]:
    """Console errors, except the browser's own note that the page it was asked for is a 404 or 400."""
    expected = f"the server responded with a status of {status}"
    return [str(getattr(e, "text", e)) for e in page.errors
            if not (status != 200 and expected in getattr(e, "text", "") and e.location.get("url") == url)]  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", list(PAGES))
def test_page_loads_cleanly_passes_axe_and_stays_on_this_site(open_page, base_url, kind, lang):
    path, status = PAGES[kind]
    page = open_page()
    url = url_of(base_url, lang, path)
    response = page.goto(url)
    assert response.status == status
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []
    assert console_errors(page, url, status) == []
    hosts = {urlsplit(u).netloc for u in page.requests}
    assert hosts == {urlsplit(base_url).netloc}


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_keyboard_reaches_the_skip_link_first_and_then_every_control(open_page, base_url, kind, lang):
    page = open_page()
    page.goto(url_of(base_url, lang, PAGES[kind][0]))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    count = page.evaluate(
        """selector => {
             const all = [...document.querySelectorAll(selector)].filter(e => e.checkVisibility() && !e.disabled);
             all.forEach((e, i) => e.dataset.kb = i);
             return all.length;
           }""",
        FOCUSABLE,
    )
    page.evaluate("document.activeElement.blur()")
    reached = set()
    for _ in range(count + 3):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.dataset.kb ?? null"))
    assert reached - {None} == {str(i) for i in range(count)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", list(PAGES))
def test_page_reflows_on_a_360_pixel_phone_without_sideways_scrolling(open_page, base_url, kind, lang):
    page = open_page(viewport=PHONE)
    page.goto(url_of(base_url, lang, PAGES[kind][0]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize(("name", "path"), [("agenda", "/"), ("event", "/events/timed-training")])
@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_of_agenda_and_event_page_are_written(open_page, base_url, artifacts, name, path, size, viewport):
    page = open_page(viewport=viewport)
    page.goto(base_url + path)
    target = artifacts / f"{name}-{size}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 1000


def test_agenda_marks_todays_event_and_groups_by_month(open_page, base_url):
    page = open_page()
    page.goto(base_url + "/en/")
    today = page.locator("li.event.today")
    assert today.count() == 1 and "Today" in today.inner_text()
    assert page.locator("section.month h2").count() >= 2


def test_filters_work_with_javascript_off_and_give_a_shareable_url(open_page, base_url):
    page = open_page(java_script_enabled=False)
    page.goto(base_url + "/")
    assert page.locator("button.copy").count() >= 1 and page.locator("button.copy:visible").count() == 0
    page.get_by_label("Utbildning").check()
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_load_state()
    assert page.url == base_url + "/?type=training"
    assert "Visar bara: Typ: Utbildning." in page.locator("p.filtered").inner_text()
    assert page.locator("li.event h3").all_inner_texts() == ["Utbildning i Klaipėda"]
    assert page.locator("#feed-url").input_value() == base_url + "/calendar.ics?type=training"
    page.get_by_role("link", name="Rensa filter").click()
    assert page.url == base_url + "/"


def test_the_copy_button_copies_the_feed_address(open_page, base_url):
    page = open_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(base_url + "/en/projects/umbrella?type=training")
    page.get_by_role("button", name="Copy").click()
    page.locator(".copy-status", has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == base_url + "/en/projects/umbrella.ics?type=training"


def test_the_event_page_carries_json_ld_that_the_browser_parses_intact(open_page, base_url):
    page = open_page()
    page.goto(base_url + "/en/events/timed-training")
    data = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert data["description"].startswith("First paragraph about </script> & <b>text</b>.")
    assert page.locator("script").count() == 2  # the data block did not end early and open another


def test_print_hides_navigation_filters_and_buttons_but_keeps_the_feed_address_and_its_qr_code(open_page, base_url):
    page = open_page()
    page.goto(base_url + "/")
    page.emulate_media(media="print")
    for selector in ("header nav", "form.filters", "section.subscribe ul", "section.subscribe button",
                     "details.embed-snippet"):  # fmt: skip
        assert page.locator(selector).first.is_hidden(), selector
    assert page.locator("main h1").is_visible()
    assert page.locator("#feed-url").is_visible()
    qr = page.locator("section.subscribe figure.qr svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] > 100 and box["width"] == box["height"]  # 4 cm square: scans from a table


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_switch_names_each_language_in_itself_and_leads_to_the_same_page(open_page, base_url, lang):
    page = open_page()
    page.goto(url_of(base_url, lang, "/events/timed-training"))
    switch = page.get_by_role("navigation", name={"sv": "Språk", "en": "Language", "da": "Sprog", "de": "Sprache",
                                                  "pl": "Język", "lt": "Kalba"}[lang])  # fmt: skip
    links = switch.get_by_role("link")
    assert links.all_inner_texts() == ["Svenska", "English", "Dansk", "Deutsch", "Polski", "Lietuvių"]
    assert [links.nth(i).get_attribute("lang") for i in range(6)] == LANGS
    switch.get_by_role("link", name="Lietuvių").click()
    page.wait_for_load_state()
    assert page.url == base_url + "/lt/events/timed-training"
    assert page.locator("html").get_attribute("lang") == "lt"
