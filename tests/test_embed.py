"""The agenda on other sites: /embed (framed only by CALFEED_FRAME_ORIGINS), /embed/fragment in the
region's own style, and the "Show on your site" snippet generator on the agenda."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from freezegun import freeze_time
from pagecheck import Page

from calfeed.cli import main
from calfeed.errors import ConfigError
from calfeed.listing import short_days

REGION = "https://www.regionkalmar.se"
DAY = "2019-10-01 10:00"  # before the autumn's first activity (21 October)
OTHER_PAGES = ["/", "/en/", "/pl/", "/past", "/lt/embed/fragment", "/projects", "/projects/umbrella",
               "/locations/kalmar", "/embed/fragment", "/en/embed/fragment",
               "/events/umbrella-2019-10-21-utbildning-kristianstad", "/no-such-page",
               "/calendar.ics", "/events.json"]  # fmt: skip


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


@pytest.fixture
def framed(make_app):
    return make_app(CALFEED_FRAME_ORIGINS=REGION).test_client()


@pytest.mark.parametrize(
    "url",
    [
        "/embed",
        "/en/embed",
        "/embed?project=umbrella&limit=3",
        "/en/embed?past=1",
        "/da/embed",
        "/de/embed",
        "/pl/embed?limit=3",
        "/lt/embed",
    ],
)
def test_embed_may_be_framed_by_exactly_the_configured_origin(framed, url):
    response = framed.get(url)
    assert response.status_code == 200
    assert directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == REGION
    assert "X-Frame-Options" not in response.headers  # DENY would contradict the policy in older browsers
    again = framed.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert directives(again.headers["Content-Security-Policy"])["frame-ancestors"] == REGION


@pytest.mark.parametrize("url", OTHER_PAGES)
def test_no_other_page_may_be_framed_by_anyone(framed, url):
    headers = framed.get(url).headers
    assert directives(headers["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"


def test_without_configured_origins_not_even_embed_may_be_framed(client):
    headers = client.get("/embed").headers
    assert directives(headers["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"


def test_several_origins_are_listed_once_each_without_trailing_slash(make_app):
    setting = f"{REGION}/ https://*.kalmar.se  http://localhost:8080 {REGION}"
    client = make_app(CALFEED_FRAME_ORIGINS=setting).test_client()
    policy = directives(client.get("/en/embed").headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == f"{REGION} https://*.kalmar.se http://localhost:8080"


@pytest.mark.parametrize("setting", ["www.regionkalmar.se", "https://www.regionkalmar.se/kalender", "*",
                                     "https://a.se; script-src *", "ftp://files.se", "'unsafe-inline'"])  # fmt: skip
def test_a_setting_that_is_not_a_list_of_origins_stops_the_start_with_a_clear_message(make_app, setting):
    with pytest.raises(ConfigError) as caught:
        make_app(CALFEED_FRAME_ORIGINS=setting)
    assert "CALFEED_FRAME_ORIGINS" in str(caught.value) and "https://www.regionkalmar.se" in str(caught.value)


def test_the_cli_reports_a_bad_frame_origin_without_a_traceback(runner, events_file, tmp_path, monkeypatch):
    monkeypatch.setenv("CALFEED_FRAME_ORIGINS", "regionkalmar.se")
    result = runner.invoke(main, ["build", str(tmp_path / "out"), "--events", str(events_file)])
    assert result.exit_code == 1
    assert "Error: CALFEED_FRAME_ORIGINS: 'regionkalmar.se' is not an origin" in result.output
    assert "Traceback" not in result.output


# -- the fragment ------------------------------------------------------------------------------------------


def lines_of(page: Page) -> list[str]:
    return [" ".join(li.text.split()) for li in page.by_class("li", "calfeed-event")]


@freeze_time(DAY)
def test_fragment_is_three_linked_lines_in_the_regions_own_style(client):
    response = client.get("/embed/fragment?project=umbrella&limit=3")
    assert response.status_code == 200 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    page = Page(body)
    assert not page.find("html") and not page.find("head") and not page.find("body")
    assert not page.find("style") and not page.find("script") and "style=" not in body
    # The region's own list, word for word (regionkalmar.se, autumn 2019):
    assert lines_of(page)[0] == "21 oktober. Utbildning i internationell projektutveckling i Kristianstad."
    assert len(lines_of(page)) == 3
    assert all(line.endswith(".") and line.split(". ", 1)[0][-1].isalpha() for line in lines_of(page))
    links = [li.children[0] for li in page.by_class("li", "calfeed-event")]
    assert [a.tag for a in links] == ["a"] * 3
    for a in links:
        assert a.get("href").startswith("http://localhost/events/")
        target = client.get(a.get("href").removeprefix("http://localhost"))
        assert target.status_code == 200
        title = Page(target.get_data(as_text=True)).one("h1").text
        assert title.strip() in " ".join(a.text.split())


@freeze_time(DAY)
def test_english_fragment_writes_the_same_line_in_english(client):
    page = Page(client.get("/en/embed/fragment?project=umbrella&limit=1").get_data(as_text=True))
    assert lines_of(page) == ["21 October. Training in international project development in Kristianstad."]
    assert page.one("div", **{"class": "calfeed"}).get("lang") == "en"


@freeze_time(DAY)
def test_fragment_names_the_year_only_outside_this_year_and_the_place_only_once(client):
    lines = lines_of(Page(client.get("/embed/fragment?project=umbrella").get_data(as_text=True)))
    assert "10 januari 2020. Det tredje utbildningstillfället (Avancerad) för projektutveckling av internationella" \
           " projekt i Alvesta." in lines  # fmt: skip
    trip = next(line for line in lines if "Guldborgsund" in line)
    assert trip.startswith("13–14 november. ") and trip.count("Guldborgsund") == 1


@freeze_time(DAY)
def test_fragment_takes_the_agendas_filters_limit_and_past(client):
    assert len(lines_of(Page(client.get("/embed/fragment").get_data(as_text=True)))) == 8  # everything upcoming
    trainings = lines_of(Page(client.get("/embed/fragment?type=training").get_data(as_text=True)))
    assert trainings and all("utbildning" in line.lower() for line in trainings)
    with freeze_time("2020-03-01"):
        past = Page(client.get("/embed/fragment?past=1&limit=2").get_data(as_text=True))
        assert [li.children[0].children[0].get("datetime") for li in past.by_class("li", "calfeed-event")] == [
            "2020-02-25",
            "2020-01-10",
        ]  # newest first
        assert lines_of(Page(client.get("/embed/fragment").get_data(as_text=True))) == []


def test_default_limit_is_ten(make_app, tmp_path):
    events = "".join(
        f"  - {{id: e{n:02d}, title: Möte {n}, type: meeting, start: 2030-01-{n:02d}}}\n" for n in range(1, 21)
    )
    client = make_app("calendar: {name: Test}\nevents:\n" + events).test_client()
    with freeze_time("2029-12-01"):
        assert len(lines_of(Page(client.get("/embed/fragment").get_data(as_text=True)))) == 10
        assert len(lines_of(Page(client.get("/embed?limit=15").get_data(as_text=True)))) == 15


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "limit=", "limit=²", "limit=٣", "past=2",
                                   "past=yes", "type=nope"])  # fmt: skip
@pytest.mark.parametrize("path", ["/embed", "/embed/fragment", "/en/embed"])
def test_bad_parameters_are_a_400_page_never_a_500(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400 and response.mimetype == "text/html"


@freeze_time(DAY)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_embed_page_is_a_small_standalone_page_whose_links_open_in_the_whole_window(client, lang):
    prefix = "/en" if lang == "en" else ""
    page = Page(client.get(f"{prefix}/embed?project=umbrella").get_data(as_text=True))
    assert page.lang == lang
    assert not page.find("nav") and not page.find("form")
    links = page.find("a")
    assert links and all(a.get("target") == "_top" and a.get("href").startswith("http://localhost/") for a in links)
    assert len(lines_of(page)) == 8
    styles = [link.get("href") for link in page.find("link", rel="stylesheet")]
    assert styles == ["/static/embed.css"]
    with client.get("/static/embed.css") as response:
        css = response.get_data(as_text=True)
    assert "@media (prefers-color-scheme: dark)" in css and "--bg: #fff" in css  # light unless asked for dark


# -- the snippet generator on the agenda -------------------------------------------------------------------


def snippet(client, url: str) -> Page:
    page = Page(client.get(url).get_data(as_text=True))
    details = page.by_class("details", "embed-snippet")
    assert len(details) == 1
    return page


@freeze_time(DAY)
@pytest.mark.parametrize(("prefix", "summary"), [("", "Visa på din webbplats"), ("/en", "Show on your site")])
def test_agenda_offers_iframe_code_and_fragment_address_for_its_own_filters(framed, prefix, summary):
    page = snippet(framed, f"{prefix}/?type=training&project=umbrella")
    assert page.one("summary").text.strip() == summary
    code = Page(page.one("textarea", id="embed-code").text)  # the code a web editor pastes, parsed as HTML
    iframe = code.one("iframe")
    assert iframe.get("src") == f"http://localhost{prefix}/embed?project=umbrella&type=training"
    assert iframe.get("title")
    assert code.one("script").get("src") == "http://localhost/static/embed.js"
    fragment = page.one("input", id="embed-fragment").get("value")
    assert fragment == f"http://localhost{prefix}/embed/fragment?project=umbrella&type=training"
    served = Page(framed.get(fragment.removeprefix("http://localhost")).get_data(as_text=True))
    preview = [" ".join(li.text.split()) for li in page.by_class("li", "calfeed-event")]
    assert preview == lines_of(served) and len(preview) == 3  # the preview is the list the code shows
    assert REGION in page.words  # which sites may frame it


@freeze_time(DAY)
def test_snippet_says_when_no_site_may_frame_the_list(client):
    assert "Ingen webbplats får visa iframen än" in snippet(client, "/").words


def test_code_in_the_snippet_keeps_quotes_and_ampersands_intact(make_app, tmp_path):
    client = make_app('calendar: {name: "Kalmar \\"Öst\\" & Väst"}\nevents: []\n').test_client()
    page = Page(client.get("/").get_data(as_text=True))
    code = Page(page.one("textarea", id="embed-code").text)
    assert code.one("iframe").get("title") == 'Kalmar "Öst" & Väst'
    assert html.unescape(page.one("textarea", id="embed-code").text).count("<iframe") == 1


@pytest.mark.parametrize(("first", "last", "lang", "expected"), [
    (dt.date(2019, 10, 21), dt.date(2019, 10, 21), "sv", "21 oktober"),
    (dt.date(2019, 11, 13), dt.date(2019, 11, 14), "sv", "13–14 november"),
    (dt.date(2019, 10, 30), dt.date(2019, 11, 2), "en", "30 October–2 November"),
    (dt.date(2020, 1, 10), dt.date(2020, 1, 10), "sv", "10 januari 2020"),
    (dt.date(2019, 12, 30), dt.date(2020, 1, 2), "sv", "30 december 2019–2 januari 2020"),
])  # fmt: skip
def test_short_days_leave_out_only_this_years_year(first, last, lang, expected):
    assert short_days(first, last, lang, dt.date(2019, 10, 1)) == expected


def test_every_setting_is_documented_in_the_readme():
    from conftest import ROOT

    from calfeed.web import DEFAULTS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [key for key in DEFAULTS if f"| `{key}` |" not in readme] == []
