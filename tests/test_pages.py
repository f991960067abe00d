"""The HTML agenda and JSON, through Flask's test client, with the clock frozen where it matters."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from conftest import MINIMAL, dedent
from freezegun import freeze_time
from icalcheck import strict_events
from pagecheck import Page


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


# --- The visitor agenda (issue 5): filters, subscribe panel, event page, error pages, markup rules ---

PAGE_TYPES = ["/", "/past", "/events/umbrella-2019-11-13-studieresa-guldborgsund", "/projects/umbrella",
              "/locations/guldborgsund", "/nothing", "/?type=party"]  # fmt: skip


def page(client, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status
    return Page(response.get_data(as_text=True))


def test_the_filter_form_sends_only_chosen_values_so_javascript_off_never_sends_an_empty_filter(client):
    form = page(client, "/").one("form")
    controls = [e for e in form_controls(form) if e.tag in ("input", "select", "textarea")]
    assert {e.get("type") for e in controls} == {"checkbox"}  # an unchecked box sends nothing
    assert all(e.get("value") for e in controls)
    assert (form.get("method"), form.get("action")) == ("get", "/")


def form_controls(element):
    for child in element.children:
        yield child
        yield from form_controls(child)


def test_what_the_form_sends_is_a_shareable_filtered_page_that_says_what_is_filtered(client):
    form = page(client, "/en/").one("form")
    chosen = [(e.get("name"), e.get("value")) for e in form_controls(form)
              if e.get("value") in ("training", "workshop", "kalmar")]  # fmt: skip
    url = form.get("action") + "?" + urlencode(chosen)  # as a browser submits the form
    assert url == "/en/?location=kalmar&type=training&type=workshop"
    shown = page(client, url)
    checked = {e.get("value") for e in shown.find("input", checked="")}
    assert checked == {"training", "workshop", "kalmar"}
    summary = shown.by_class("p", "filtered")[0]
    assert " ".join(summary.text.split()) == "Showing only: Place: Kalmar; Type: Training, Workshop. Show all events"
    assert [a.get("href") for a in summary.children if a.tag == "a"] == ["/en/"]


def test_an_empty_filter_typed_into_the_address_is_a_400_page_that_says_so(client):
    shown = page(client, "/en/?project=", status=400)
    assert "Project: no value was given." in shown.words


def test_an_unfiltered_page_shows_no_filter_summary_and_no_clear_link(client):
    shown = page(client, "/")
    assert shown.by_class("p", "filtered") == [] and shown.by_class("a", "clear") == []


def test_hiding_cancelled_events_is_a_filter_like_the_others(make_app):
    events = MINIMAL + dedent("""
          - {id: on, title: Pågår, type: meeting, start: 2030-01-01}
          - {id: off, title: Inställd, type: meeting, start: 2030-01-02, status: cancelled}
    """)
    client = make_app(events).test_client()
    assert titles(client.get("/").get_data(as_text=True)) == ["on", "off"]
    shown = page(client, "/?cancelled=hide")
    assert titles(client.get("/?cancelled=hide").get_data(as_text=True)) == ["on"]
    assert "Status: inställda aktiviteter dolda." in shown.words
    assert shown.one("input", id="feed-url").get("value") == "http://localhost/calendar.ics?cancelled=hide"


@pytest.mark.parametrize(
    ("config", "headers", "base"),
    [({}, {}, "http://localhost"),
     ({"CALFEED_BASE_URL": "https://kalender.example.org"}, {}, "https://kalender.example.org"),
     ({"CALFEED_PROXY_HOPS": 1}, {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kalender.example.org"},
      "https://kalender.example.org"),
     ({"CALFEED_PROXY_HOPS": 1}, {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "region.example.org",
                                  "X-Forwarded-Prefix": "/kalender"}, "https://region.example.org/kalender")],
)  # fmt: skip
def test_the_subscribe_panel_offers_exactly_the_pages_feed_in_all_four_forms(make_app, config, headers, base):
    client = make_app(**config).test_client()
    response = client.get("/projects/umbrella?type=training", headers=headers)
    panel = Page(response.get_data(as_text=True))
    feed = base + "/projects/umbrella.ics?type=training"
    host_and_path = feed.split("://", 1)[1]
    assert panel.one("input", id="feed-url").get("value") == feed
    assert panel.by_class("a", "download")[0].get("href") == feed
    assert panel.by_class("a", "webcal")[0].get("href") == "webcal://" + host_and_path
    google = urlsplit(panel.by_class("a", "google")[0].get("href"))
    assert (google.netloc, parse_qs(google.query)) == ("calendar.google.com", {"cid": ["webcal://" + host_and_path]})
    outlook = urlsplit(panel.by_class("a", "outlook")[0].get("href"))
    assert outlook.netloc == "outlook.live.com"
    assert parse_qs(outlook.query)["url"] == [feed]
    assert parse_qs(outlook.query)["name"] == ["Umbrella – utbildningar – Region Kalmar län"]


def test_the_feed_the_panel_offers_holds_the_events_the_page_shows(client):
    shown = page(client, "/projects/umbrella?type=training")
    listed = {a.get("href").rsplit("/", 1)[1] for a in shown.elements if a.tag == "a"
              and a.get("href").startswith("/events/") and not a.get("href").endswith(".ics")}  # fmt: skip
    feed = urlsplit(shown.one("input", id="feed-url").get("value"))
    body = client.get(feed.path + "?" + feed.query).data
    uids = {e.uid.split("@")[0] for e in strict_events(body)}
    assert uids == listed == {"umbrella-2019-10-21-utbildning-kristianstad", "umbrella-2019-12-05-utbildning-kalmar",
                              "umbrella-2020-01-10-utbildning-alvesta"}  # fmt: skip


def test_the_copy_button_is_hidden_until_calfeed_js_shows_it(client):
    button = page(client, "/").by_class("button", "copy")[0]
    assert "hidden" in button.attrs and button.get("data-copy") == "feed-url"
    assert "clipboard" in static(client, "calfeed.js")


@pytest.mark.parametrize("url", ["/", "/projects/umbrella", "/locations/kalmar"])
def test_agenda_project_and_location_pages_have_a_subscribe_panel(client, url):
    assert page(client, url).find("h2", id="subscribe-heading")


@freeze_time("2019-11-01")
def test_past_events_are_paged_newest_first(make_app):
    events = MINIMAL + "".join(f"  - {{id: p{n:02d}, title: Möte {n}, type: meeting, start: 2019-01-{n:02d}}}\n"
                               for n in range(1, 26))  # fmt: skip
    client = make_app(events).test_client()
    first, second = (page(client, url) for url in ("/past", "/past?page=2"))
    assert titles_of(first) == [f"p{n:02d}" for n in range(25, 5, -1)]
    assert titles_of(second) == ["p05", "p04", "p03", "p02", "p01"]
    assert first.one("a", rel="next").get("href") == "/past?page=2"
    assert second.one("a", rel="prev").get("href") == "/past?page=1"
    assert client.get("/past?page=3").status_code == 404


def titles_of(shown: Page) -> list[str]:
    return [a.get("href").rsplit("/", 1)[1] for h3 in shown.find("h3") for a in h3.children]


@freeze_time("2019-11-01")
def test_past_events_are_grouped_by_month_under_second_level_headings(client):
    shown = page(client, "/en/past")
    assert [h.text for h in shown.find("h2") if h.get("id", "").startswith("m-")] == ["October 2019"]


def test_the_event_page_shows_every_detail_and_add_to_calendar_links(make_app):
    events = MINIMAL + dedent("""
          - id: kurs
            title: {sv: Kurs, en: Course}
            type: training
            project: umbrella
            location: klaipeda
            start: 2019-12-05 09:00
            end: 12:30
            status: tentative
            url: https://example.org/kurs
            description: {sv: "Första stycket.\\n\\nAndra stycket.", en: Text}
    """)
    shown = page(make_app(events).test_client(), "/events/kurs")
    facts = dict(
        zip([dt.text for dt in shown.find("dt")], [" ".join(dd.text.split()) for dd in shown.find("dd")], strict=False)
    )
    assert facts == {"När": "torsdag 5 december 2019, 09:00–12:30 (lokal tid, Europe/Vilnius)", "Typ": "Utbildning",
                     "Plats": "Klaipėda, Litauen", "Projekt": "Umbrella", "Status": "Preliminärt",
                     "Mer information": "https://example.org/kurs"}  # fmt: skip
    assert shown.find("time")[0].get("datetime") == "2019-12-05T09:00:00+02:00"  # the second: "Last changed"
    assert [p.text for p in shown.by_class("div", "description")[0].children] == ["Första stycket.", "Andra stycket."]
    assert shown.by_class("a", "download")[0].get("href") == "/events/kurs.ics"
    google = parse_qs(urlsplit(shown.by_class("a", "google")[0].get("href")).query)
    assert google["dates"] == ["20191205T070000Z/20191205T103000Z"] and google["text"] == ["Kurs"]
    outlook = parse_qs(urlsplit(shown.by_class("a", "outlook")[0].get("href")).query)
    assert (outlook["startdt"], outlook["enddt"]) == (["2019-12-05T07:00:00Z"], ["2019-12-05T10:30:00Z"])


def test_a_cancelled_event_says_so_in_its_heading(make_app):
    events = MINIMAL + "  - {id: x, title: Möte, type: meeting, start: 2030-01-01, status: cancelled}\n"
    assert page(make_app(events).test_client(), "/en/events/x").one("h1").text == "Cancelled: Möte"


@freeze_time("2019-11-13 10:00:00")
@pytest.mark.parametrize("url", PAGE_TYPES)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_pages_use_no_inline_script_or_style_and_load_nothing_from_elsewhere(client, url, prefix):
    response = client.get(prefix + url)
    html = response.get_data(as_text=True)
    shown = Page(html)
    assert not [e for e in shown.elements if "style" in e.attrs or e.tag == "style"]
    assert not [e for e in shown.elements if any(a.startswith("on") for a in e.attrs)]
    scripts = [(s.get("src"), s.get("type"), bool(s.text)) for s in shown.find("script")]
    assert scripts in ([("/static/calfeed.js", "", False)],
                       [("/static/calfeed.js", "", False), ("", "application/ld+json", True)])  # fmt: skip
    loaded = [e.get("src") for e in shown.elements if e.get("src")]
    loaded += [e.get("href") for e in shown.find("link") if e.get("rel") != "alternate"]
    assert loaded and all(u.startswith("/static/") for u in loaded)


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_every_page_has_landmarks_a_skip_link_and_one_first_level_heading(client, url):
    shown = Page(client.get(url).get_data(as_text=True))
    assert shown.elements[shown.elements.index(shown.one("body")) + 1].attrs == {"class": "skip", "href": "#main"}
    assert shown.one("main").get("id") == "main"
    assert len(shown.find("header")) == len(shown.find("footer")) == 1
    assert all(nav.get("aria-label") for nav in shown.find("nav"))  # several navs: each named
    levels = [int(e.tag[1]) for e in shown.elements if e.tag in ("h1", "h2", "h3", "h4")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))  # no level skipped


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_every_form_control_has_a_label(client, url):
    shown = Page(client.get(url).get_data(as_text=True))
    labelled = {label.get("for") for label in shown.find("label")}
    controls = [e for e in shown.elements if e.tag in ("input", "select", "textarea")]
    assert all(c.get("id") in labelled for c in controls)


def static(client, name: str) -> str:
    with client.get(f"/static/{name}") as response:  # closes the file Flask streams it from
        assert response.status_code == 200
        return response.get_data(as_text=True)


@pytest.mark.parametrize("asset", ["calfeed.css", "calfeed.js", "favicon.svg"])
def test_static_assets_refer_to_no_other_host(client, asset):
    body = static(client, asset)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import|https?://(?!www\.w3\.org/2000/svg)", body)


def test_the_stylesheet_has_a_print_version_and_a_visible_focus(client):
    css = static(client, "calfeed.css")
    assert "@media print" in css
    assert re.search(r":focus-visible[^{]*\{[^}]*outline: 3px solid", css)


@pytest.mark.parametrize("page", ["%00", "x", "0", "-1", "1.5", "%ff", "", "\u0662"])
def test_a_past_page_number_that_is_not_a_whole_number_from_one_is_a_400(client, page):
    response = client.get(f"/en/past?page={page}")
    assert response.status_code == 400
    assert "“page”" in response.get_data(as_text=True)


WEEKDAYS = MINIMAL + dedent("""
      - id: one-saturday
        title: En lördag
        type: workshop
        location: kalmar
        start: 2027-03-20
      - id: two-days
        title: Två dagar
        type: conference
        start: 2027-03-18
        end: 2027-03-19
      - id: over-new-year
        title: Över nyår
        type: conference
        start: 2027-12-31
        end: 2028-01-01
      - id: timed
        title: Ett möte
        type: meeting
        location: klaipeda
        start: 2027-03-22 10:00
        end: 11:30
""")


@pytest.mark.parametrize(("path", "shown"), [
    ("/events/one-saturday", "lördag 20 mars 2027"),
    ("/en/events/one-saturday", "Saturday 20 March 2027"),
    ("/events/two-days", "torsdag 18 mars–fredag 19 mars 2027"),
    ("/en/events/two-days", "Thursday 18 March–Friday 19 March 2027"),
    ("/events/over-new-year", "fredag 31 december 2027–lördag 1 januari 2028"),
    ("/events/timed", "måndag 22 mars 2027, 10:00–11:30"),
    ("/en/events/timed", "Monday 22 March 2027, 10:00–11:30"),
])  # fmt: skip
def test_an_event_page_names_the_weekday_of_its_dates(make_app, path, shown):
    html = make_app(WEEKDAYS).test_client().get(path).get_data(as_text=True)
    assert re.search(r'<time datetime="[^"]+">' + re.escape(shown) + "</time>", html), shown


def test_an_event_page_links_its_place_to_openstreetmap_without_loading_anything_from_it(client):
    response = client.get("/en/events/umbrella-2019-12-05-utbildning-kalmar")
    html = response.get_data(as_text=True)
    link = "https://www.openstreetmap.org/?mlat=56.66&amp;mlon=16.36#map=14/56.66/16.36"
    assert f'<a class="map-link" href="{link}">Map on OpenStreetMap</a>' in html  # kalmar: [56.66, 16.36]
    assert html.count("openstreetmap.org") == 1  # a link, not an image, a script or a frame
    assert "openstreetmap" not in response.headers["Content-Security-Policy"]
    swedish = client.get("/events/umbrella-2019-12-05-utbildning-kalmar").get_data(as_text=True)
    assert ">Karta på OpenStreetMap</a>" in swedish


def test_an_event_page_without_coordinates_has_no_map_link(make_app):
    html = make_app(WEEKDAYS).test_client().get("/en/events/one-saturday").get_data(as_text=True)
    assert "openstreetmap" not in html  # MINIMAL's Kalmar has no coordinates


def test_the_whole_schedules_upcoming_list_is_worked_out_once_a_day_and_never_for_a_filter(client, monkeypatch):
    """The agenda, the Atom feed and the embed of every language share the whole schedule's list
    (page_values._shared); a filtered page still gets its own, and the next day a new one."""
    from calfeed.web import page_values

    expanded, real = [], page_values.expand
    monkeypatch.setattr(page_values, "expand", lambda events, *rest: expanded.append(events) or real(events, *rest))
    with freeze_time("2019-11-01 12:00:00"):
        whole = titles(client.get("/").get_data(as_text=True))
        for url in ("/en/", "/de/upcoming.atom", "/lt/embed", "/pl/"):
            assert client.get(url).status_code == 200
        assert len(expanded) == 1
        assert titles(client.get("/en/").get_data(as_text=True)) == whole
        kalmar = titles(client.get("/?location=kalmar").get_data(as_text=True))
        assert kalmar == ["umbrella-2019-12-05-utbildning-kalmar"] and len(expanded) == 2
    with freeze_time("2019-11-06 12:00:00"):
        later = titles(client.get("/en/").get_data(as_text=True))
    assert later == whole[2:] and len(expanded) == 3
