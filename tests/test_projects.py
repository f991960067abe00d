"""Project pages as the region publishes them: aim, partners, pilot municipalities, contacts (with
vCards), the map of the southern Baltic, the /projects overview, and the contact in the feeds."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import vobject
from conftest import MINIMAL, SHIPPED
from icalcheck import strict_events, vobject_events

from calfeed import geo
from calfeed.loader import check

NO_EVENTS = MINIMAL + "  []\n"  # the minimal header with an empty list of events

BROKEN = Path(__file__).parent / "broken"
OURS = sorted(p for p in BROKEN.glob("*.yaml") if p.stem.startswith(("coordinates-", "partner-", "contact-")))

CONTACTS = """    contacts:
      - name: Anna Andersson
        title: {sv: Projektledare, en: Project manager}
        organisation: Region Kalmar län
        email: anna.andersson@example.org
        phone: +46 480 12 34 56
      - name: Bo Berg
        phone: +46 480 65 43 21
"""  # invented for the tests only; the shipped file names no contact persons


def with_contacts() -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    return text.replace("    lead: Euroregion Baltic\n", "    lead: Euroregion Baltic\n" + CONTACTS, 1)


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the page's visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def page(client, url: str) -> Tags:
    response = client.get(url)
    assert response.status_code == 200, url
    return Tags(response.get_data(as_text=True))


def svg_part(html: str) -> str:
    return html[html.index('<svg class="map"') : html.index("</svg>", html.index('<svg class="map"'))]


# -- the project page ----------------------------------------------------------------


@pytest.mark.parametrize(("url", "words"), [
    ("/projects/umbrella", ["Mål", "Huvudpartner", "Euroregion Baltic", "Partner", "Region Kalmar län",
                            "Associerade partner", "Torsås kommun", "Kalmar kommun (Södermöre kommundel)",
                            "fyra partners och sju associerade partners", "Pilotkommuner",
                            "Karta över södra Östersjön", "Sverige"]),
    ("/en/projects/umbrella", ["Aim", "Lead partner", "Euroregion Baltic", "Partners", "Region Kalmar län",
                               "Associated partners", "Torsås Municipality", "Pilot municipalities",
                               "Four further partners and seven associated partners",
                               "Map of the southern Baltic", "Sweden"]),
])  # fmt: skip
def test_the_project_page_shows_aim_partners_pilot_municipalities_and_map(client, url, words):
    found = page(client, url)
    for word in words:
        assert word in found.words, word
    assert len(found.all("svg")) >= 1 and any("map" in a.get("class", "") for a in found.all("svg"))


def test_partners_are_grouped_by_role_then_country(client):
    html = client.get("/en/projects/umbrella").get_data(as_text=True)
    order = [html.index(text) for text in ("<h3>Lead partner</h3>", '"partner-1">Euroregion Baltic',
                                           "<h3>Partners</h3>", ">Sweden</h4>", '"partner-2">Region Kalmar län',
                                           "<h3>Associated partners</h3>",
                                           '"partner-3">Torsås Municipality')]  # fmt: skip
    assert order == sorted(order)


def test_kalmar_marker_is_drawn_where_the_projection_puts_56_66_n_16_36_e(client):
    svg = svg_part(client.get("/projects/umbrella").get_data(as_text=True))
    link = re.search(r'<a href="/locations/kalmar"[^>]*>(.*?)</a>', svg, re.S)
    points = [
        (float(x), float(y)) for x, y in re.findall(r'<use href="#glyph-[a-z]+" x="([\d.]+)" y="([\d.]+)"', link[1])
    ]
    centre = sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)
    expected = ((16.36 - 8) * 800 / 16, (59 - 56.66) * 800 / 16 / 0.5591929)  # cos 56° = 0.5591929
    assert abs(centre[0] - expected[0]) < 3 and abs(centre[1] - expected[1]) < 3


def test_markers_differ_in_shape_and_colour_by_kind(client):
    html = client.get("/projects/umbrella").get_data(as_text=True)
    glyphs = re.findall(r'<(circle|path|rect) id="glyph-([a-z]+)" ([^/]+)/>', html)
    assert {kind for _, kind, _ in glyphs} == set(geo.KINDS)
    assert len({(tag, geometry) for tag, _, geometry in glyphs}) == len(geo.KINDS)
    css = (Path(geo.__file__).parent / "web" / "static" / "map.css").read_text(encoding="utf-8")
    colours = {k: re.search(rf"--k-{k}: (#[0-9a-f]{{6}})", css)[1] for k in geo.KINDS}
    assert len(set(colours.values())) == 5


@pytest.mark.parametrize("url", ["/projects/umbrella", "/en/projects/umbrella", "/projects", "/en/projects",
                                 "/locations/kalmar", "/en/locations/guldborgsund"])  # fmt: skip
def test_every_marker_and_listed_place_links_to_a_page_that_exists(client, url):
    html = client.get(url).get_data(as_text=True)
    svg = svg_part(html)
    marker_links = re.findall(r'<a href="([^"]+)" tabindex="-1"', svg)
    list_part = html[html.index('<ul class="map-places"') :]
    list_links = re.findall(r'<a href="([^"]+)"', list_part[: list_part.index("</section>")])
    assert marker_links and sorted(marker_links) == sorted(list_links)
    for link in marker_links:
        target = urlsplit(link)
        found = client.get(target.path)
        assert found.status_code == 200, link
        if target.fragment:
            assert f'id="{target.fragment}"' in found.get_data(as_text=True), link


def test_the_map_is_hidden_from_screen_readers_and_the_list_carries_the_same_places(client):
    found = page(client, "/en/projects/umbrella")
    svg = next(a for a in found.all("svg") if a.get("class") == "map")
    assert svg["aria-hidden"] == "true"
    html = client.get("/en/projects/umbrella").get_data(as_text=True)
    assert all(a.get("tabindex") == "-1" for a in Tags(svg_part(html)).all("a"))
    for name in ("Kristianstad", "Gdańsk", "Hässleholm", "Guldborgsund", "Kalmar", "Alvesta"):
        assert re.search(rf">{name}</a> <span class=\"coords\">\(\d\d\.\d\d° N, \d\d\.\d\d° E\)", html), name
    assert "Associated partner: Torsås Municipality" in found.words


def test_the_pages_with_a_map_have_no_inline_style_and_request_nothing_elsewhere(client):
    for url in ("/projects/umbrella", "/projects", "/locations/kalmar"):
        found = page(client, url)
        assert not any("style" in attrs for _, attrs in found.tags), url
        assert not found.all("style") and not found.all("img") and not found.all("iframe")
        for tag, attrs in found.tags:
            for name in ("src", "srcset", "data"):
                assert not attrs.get(name, "").startswith(("http:", "https:", "//")), (url, tag, attrs)
            if tag in ("link", "use", "image"):
                assert not attrs.get("href", "").startswith(("http:", "https:", "//")), (url, tag, attrs)


def test_a_location_page_shows_the_map_with_that_place_highlighted(client):
    html = client.get("/locations/gdansk").get_data(as_text=True)
    highlighted = re.findall(r'<a href="([^"]+)" tabindex="-1" class="place highlighted"', svg_part(html))
    assert highlighted == ["/locations/gdansk"]
    assert '<a href="/locations/gdansk" aria-current="page">Gdańsk</a>' in html


# -- the overview -----------------------------------------------------------------------


def test_the_projects_overview_lists_each_project_with_period_lead_and_a_map(client):
    for url, words in (("/projects", ["Projekt", "1 januari 2018–30 juni 2020", "Euroregion Baltic"]),
                       ("/en/projects", ["Projects", "1 January 2018–30 June 2020", "Euroregion Baltic"])):  # fmt: skip
        found = page(client, url)
        assert all(word in found.words for word in words), (url, found.words)
        assert {"href": "/en/projects/umbrella" if url.startswith("/en") else "/projects/umbrella"} in found.all("a")
        assert "Gdańsk" in svg_part(client.get(url).get_data(as_text=True))


def test_the_overview_of_a_calendar_without_projects_says_so(make_app):
    client = make_app(MINIMAL.replace("projects:\n  umbrella:\n    name: Umbrella\n", "") + "  []\n").test_client()
    assert "Det finns inga projekt i kalendern än." in page(client, "/projects").words


# -- contacts ------------------------------------------------------------------------------


def test_the_shipped_project_has_no_contact_persons_and_shows_no_empty_section(client):
    assert 'id="contacts-heading"' not in client.get("/projects/umbrella").get_data(as_text=True)


def test_contacts_show_mailto_tel_and_a_vcard_link(make_app):
    client = make_app(with_contacts()).test_client()
    found = page(client, "/projects/umbrella")
    hrefs = [a.get("href") for a in found.all("a")]
    assert "mailto:anna.andersson@example.org" in hrefs
    assert "tel:+46480123456" in hrefs
    assert "/projects/umbrella/contacts/1.vcf" in hrefs and "/projects/umbrella/contacts/2.vcf" in hrefs
    assert "Projektledare, Region Kalmar län" in found.words


def test_a_contact_downloads_as_a_vcard_that_another_parser_reads(make_app):
    client = make_app(with_contacts()).test_client()
    response = client.get("/en/projects/umbrella/contacts/1.vcf")
    assert response.status_code == 200
    assert response.mimetype == "text/vcard"
    assert 'filename="anna-andersson.vcf"' in response.headers["Content-Disposition"]
    card = vobject.readOne(response.get_data(as_text=True))
    assert card.fn.value == "Anna Andersson"
    assert card.email.value == "anna.andersson@example.org"
    assert card.tel.value == "tel:+46480123456"
    assert card.title.value == "Project manager"
    assert card.org.value == ["Region Kalmar län"]


@pytest.mark.parametrize("url", ["/projects/umbrella/contacts/0.vcf", "/projects/umbrella/contacts/3.vcf",
                                 "/projects/nope/contacts/1.vcf", "/projects/umbrella/contacts/x.vcf"])  # fmt: skip
def test_a_contact_that_does_not_exist_is_a_404(make_app, url):
    assert make_app(with_contacts()).test_client().get(url).status_code == 404


def test_each_event_of_a_project_with_a_contact_names_it_as_organizer_and_in_the_description(make_app):
    client = make_app(with_contacts()).test_client()
    body = client.get("/projects/umbrella.ics").data
    strict = strict_events(body)
    assert strict and all(e.organizer is not None for e in strict)
    for event in vobject_events(body):
        assert event.organizer.value.lower() == "mailto:anna.andersson@example.org"
        assert event.organizer.params["CN"] == ["Anna Andersson"]
        assert ("Kontakt: Anna Andersson, Projektledare, Region Kalmar län, anna.andersson@example.org, "
                "+46 480 12 34 56") in event.description.value  # fmt: skip


def test_events_without_a_project_contact_have_no_organizer(client):
    assert all(getattr(e, "organizer", None) is None for e in vobject_events(client.get("/calendar.ics").data))


# -- the events file ---------------------------------------------------------------------


def test_the_shipped_file_gives_every_location_coordinates_inside_the_map():
    schedule = check(SHIPPED.read_bytes()).schedule
    assert schedule is not None
    assert all(place.coordinates and geo.inside(*place.coordinates) for place in schedule.locations.values())
    assert schedule.locations["kalmar"].coordinates == (56.66, 16.36)


def test_coordinates_may_be_written_as_a_list_or_as_copied_from_a_map():
    for written in ("[56.66, 16.36]", "56.66, 16.36", "'56.66,16.36'"):
        text = NO_EVENTS.replace("    country: SE\n", f"    country: SE\n    coordinates: {written}\n", 1)
        assert check(text).schedule.locations["kalmar"].coordinates == (56.66, 16.36), written


def test_swapped_coordinates_are_flagged_with_a_hint():
    text = NO_EVENTS.replace("    country: SE\n", "    country: SE\n    coordinates: [16.36, 56.66]\n", 1)
    warning = check(text).warnings[0]
    assert "outside the map" in warning.message and "latitude (north) comes first" in warning.hint


def test_a_phone_number_without_country_code_is_a_warning_not_an_error():
    text = NO_EVENTS.replace("    name: Umbrella\n", "    name: Umbrella\n    contacts:\n      - name: A\n"
                           "        phone: 0480-123 45\n", 1)  # fmt: skip
    result = check(text)
    assert result.schedule is not None
    assert result.warnings[0].line == 9 and "country code" in result.warnings[0].message


def test_pilot_municipalities_may_be_plain_names():
    text = NO_EVENTS.replace(
        "    name: Umbrella\n", "    name: Umbrella\n    pilot_municipalities:\n      - Torsås\n", 1
    )
    assert [m.name.get() for m in check(text).schedule.projects["umbrella"].pilot_municipalities] == ["Torsås"]


@pytest.mark.parametrize("path", OURS, ids=[p.stem for p in OURS])
def test_each_mistake_in_the_new_fields_is_reported_at_its_line(path):
    expect = re.match(r"# expect: (\d+):(\d+) (.*)", path.read_text(encoding="utf-8"))
    result = check(path.read_bytes(), str(path))
    first = result.errors[0]
    assert result.schedule is None
    assert (first.line, first.column) == (int(expect[1]), int(expect[2]))
    assert f"{first.message} ({first.hint})" == expect[3]


def test_the_fixtures_cover_coordinates_roles_emails_phones_and_places():
    assert {p.stem for p in OURS} >= {"coordinates-latitude-out-of-range", "coordinates-not-two-numbers",
                                      "partner-role-unknown", "contact-email-malformed", "contact-phone-malformed",
                                      "partner-place-unknown"}  # fmt: skip


def test_an_unknown_partner_role_suggests_the_closest_one():
    text = NO_EVENTS.replace("    name: Umbrella\n", "    name: Umbrella\n    partners:\n      - name: X\n"
                           "        role: asociated\n", 1)  # fmt: skip
    error = check(text).errors[0]
    assert (error.line, error.message, error.hint) == (
        9,
        "unknown partner role 'asociated'",
        "did you mean 'associated'?",
    )


def test_an_email_written_with_mailto_is_refused_with_advice():
    text = NO_EVENTS.replace("    name: Umbrella\n", "    name: Umbrella\n    contacts:\n      - name: A\n"
                           "        email: mailto:a@example.org\n", 1)  # fmt: skip
    error = check(text).errors[0]
    assert error.line == 9 and "is not an e-mail address" in error.message and "mailto:" in error.hint


def jsonld_of(client, url: str) -> dict:
    html = client.get(url).get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block[1])


def test_event_json_ld_names_the_project_contact_and_the_place_coordinates(make_app):
    client = make_app(with_contacts()).test_client()
    data = jsonld_of(client, "/en/events/umbrella-2019-12-05-utbildning-kalmar")
    assert data["organizer"]["contactPoint"] == {
        "@type": "ContactPoint", "name": "Anna Andersson", "email": "anna.andersson@example.org",
        "telephone": "+46 480 12 34 56", "contactType": "Project manager"}  # fmt: skip
    assert data["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 56.66, "longitude": 16.36}


def test_event_json_ld_without_a_project_contact_has_no_contact_point(client):
    assert "contactPoint" not in jsonld_of(client, "/events/umbrella-2019-12-05-utbildning-kalmar")["organizer"]
