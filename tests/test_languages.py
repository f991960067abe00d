"""The six languages (sv, en, da, de, pl, lt): complete catalogs, plural forms, pages and feeds in each,
texts falling back to English and then Swedish, and the events file knowing the six language codes.

Expected words are written here as each language writes them (and plural rules checked against CLDR
through Babel), never read back from calfeed's own output."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from conftest import ROOT, dedent
from freezegun import freeze_time
from icalcheck import strict_events
from pagecheck import Page
from test_i18n import python_messages, same_placeholders, template_messages
from werkzeug.exceptions import BadRequest, InternalServerError, MethodNotAllowed, NotFound

from calfeed import dates, geo, vocabulary
from calfeed.ledger import content_hash
from calfeed.loader import check, load
from calfeed.model import Text
from calfeed.web.i18n import load_catalogs

LANGS = ("sv", "en", "da", "de", "pl", "lt")
PARTNERS = ("da", "de", "pl", "lt")
TRANSLATED = ("sv", *PARTNERS)  # English is the msgids themselves
TRANSLATIONS = ROOT / "calfeed" / "translations"
MULTILINGUAL = ROOT / "tests" / "fixtures" / "multilingual.yaml"
CATALOGS = load_catalogs()


def prefix(lang: str) -> str:
    return "" if lang == "sv" else f"/{lang}"


# --- catalogs -------------------------------------------------------------------------------


def untranslated(path: Path, wanted: set) -> list:
    """The msgids of ``wanted`` that the .po file at ``path`` lacks, leaves empty (any plural form) or
    marks fuzzy: each one would show in English on that language's pages."""
    with open(path, "rb") as f:
        catalog = read_po(f)
    done = {m.id for m in catalog if m.id and not m.fuzzy
            and all(m.string if isinstance(m.string, tuple) else (m.string,))}  # fmt: skip
    return sorted(wanted - done, key=str)


def needed() -> set:
    """Every msgid the templates and web code use, and the error titles werkzeug gives error pages."""
    errors = {e().name for e in (NotFound, BadRequest, MethodNotAllowed, InternalServerError)}
    return template_messages() | python_messages() | errors


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_in_every_language(lang):
    assert untranslated(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", needed()) == []


def test_a_missing_empty_or_fuzzy_translation_is_reported(tmp_path):
    po = tmp_path / "messages.po"
    polish_plurals = "n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2"
    po.write_text(dedent(f'''
        msgid ""
        msgstr ""
        "Content-Type: text/plain; charset=UTF-8\\n"
        "Plural-Forms: nplurals=3; plural={polish_plurals};\\n"

        msgid "Today"
        msgstr "Dzisiaj"

        #, fuzzy
        msgid "Copy"
        msgstr "Kopiuj"

        msgid "Show"
        msgstr ""

        msgid "%(num)s activity"
        msgid_plural "%(num)s activities"
        msgstr[0] "%(num)s wydarzenie"
        msgstr[1] "%(num)s wydarzenia"
        msgstr[2] ""
    '''), encoding="utf-8")  # fmt: skip
    wanted = {"Today", "Copy", "Show", "Place", ("%(num)s activity", "%(num)s activities")}
    assert untranslated(po, wanted) == sorted(["Copy", "Show", "Place", ("%(num)s activity", "%(num)s activities")],
                                              key=str)  # fmt: skip


@pytest.mark.parametrize("lang", PARTNERS)
def test_each_catalog_has_exactly_the_messages_of_the_swedish_one(lang):
    assert set(CATALOGS[lang]) == set(CATALOGS["sv"])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders_of_their_message(lang):
    for msgid, msgstr in CATALOGS[lang].items():
        assert same_placeholders(msgid, msgstr), (lang, msgid)


@pytest.mark.parametrize("lang", PARTNERS)
def test_translations_are_not_english_left_in_place(lang):
    same = [m for m, s in CATALOGS[lang].items() if isinstance(s, str) and s == m and len(m) > 12]
    assert same == []


# The CLDR plural categories in the order gettext numbers the forms (Babel's Plural-Forms for each).
CATEGORY_ORDER = {"sv": ("one", "other"), "da": ("one", "other"), "de": ("one", "other"),
                  "pl": ("one", "few", "many"), "lt": ("one", "few", "other")}  # fmt: skip


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalogs_plural_rule_agrees_with_cldr_for_every_whole_number_to_1000(lang):
    messages, cldr = CATALOGS[lang], Locale.parse(lang).plural_form
    wrong = [n for n in range(1001) if CATEGORY_ORDER[lang][messages.plural_index(n)] != cldr(n)]
    assert wrong == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_plural_entry_has_as_many_forms_as_the_language(lang):
    for msgid, forms in CATALOGS[lang].items():
        if isinstance(msgid, tuple):
            assert len(forms) == len(CATEGORY_ORDER[lang]), (lang, msgid)


# How a Polish and a Lithuanian reader count activities, 1, 2, 5, 12, 22 and 25 (and Danish and German).
COUNTED = {
    "pl": ["1 wydarzenie", "2 wydarzenia", "5 wydarzeń", "12 wydarzeń", "22 wydarzenia", "25 wydarzeń"],
    "lt": ["1 renginys", "2 renginiai", "5 renginiai", "12 renginių", "22 renginiai", "25 renginiai"],
    "de": [
        "1 Veranstaltung",
        "2 Veranstaltungen",
        "5 Veranstaltungen",
        "12 Veranstaltungen",
        "22 Veranstaltungen",
        "25 Veranstaltungen",
    ],
    "da": ["1 aktivitet", "2 aktiviteter", "5 aktiviteter", "12 aktiviteter", "22 aktiviteter", "25 aktiviteter"],
    "sv": ["1 aktivitet", "2 aktiviteter", "5 aktiviteter", "12 aktiviteter", "22 aktiviteter", "25 aktiviteter"],
    "en": ["1 activity", "2 activities", "5 activities", "12 activities", "22 activities", "25 activities"],
}
COUNTS = (1, 2, 5, 12, 22, 25)


def counting_file() -> str:
    """Six places with 1, 2, 5, 12, 22 and 25 events (no project: the map counts a place's activities)."""
    places = "".join(f"  p{n}: {{name: Place {n}, country: SE, coordinates: [{56 + i * 0.1}, 16.3]}}\n"
                     for i, n in enumerate(COUNTS))  # fmt: skip
    events = "".join(f"  - {{id: e{n}-{k}, title: Event, type: meeting, location: p{n}, start: 2027-01-{k + 1:02d}}}\n"
                     for n in COUNTS for k in range(n))  # fmt: skip
    return f"calendar:\n  name: Counting\nlocations:\n{places}events:\n{events}"


@freeze_time("2026-12-01 10:00:00")
@pytest.mark.parametrize("lang", LANGS)
def test_counts_on_the_map_take_the_plural_form_of_their_number(make_app, lang):
    client = make_app(counting_file()).test_client()
    page = Page(client.get(f"{prefix(lang)}/locations/p1").get_data(as_text=True))
    # the list of places beside the map: one item per place, "25 wydarzeń"
    counted = [" ".join(li.text.split()) for li in page.find("li") if re.fullmatch(r"\d+ \w+", li.text.strip())]
    assert sorted(counted, key=lambda item: int(item.split()[0])) == COUNTED[lang]


# --- pages in every language ----------------------------------------------------------------


def phrases(lang: str) -> set[str]:
    """The interface words of ``lang``: its catalog (English: the msgids), split at placeholders, and
    the type, status and map words."""
    texts: list[str] = []
    for msgid, msgstr in CATALOGS["sv"].items():
        own = msgid if lang == "en" else CATALOGS[lang].get(msgid, msgid) if lang != "sv" else msgstr
        texts += [own] if isinstance(own, str) else list(own)
    texts += [t.get(lang) for pair in vocabulary.TYPE_NAMES.values() for t in pair]
    texts += [t.get(lang) for t in vocabulary.STATUS_NAMES.values()]
    texts += [t.get(lang) for t in geo.KIND_NAMES.values()]
    parts = {p.strip(" :.;,–") for text in texts for p in re.split(r"%\(\w+\)s", text)}
    return {p for p in parts if len(p) > 2}


PAGE_PATHS = ["/", "/?type=training&cancelled=hide", "/past", "/events/kickoff", "/events/training",
              "/events/conference", "/projects/umbrella", "/projects", "/locations/gdansk", "/nothing",
              "/?location=oslo", "/?project=", "/changes", "/embed", "/embed/fragment"]  # fmt: skip


@pytest.fixture
def multilingual(make_app, tmp_path):
    copy = tmp_path / "multilingual.yaml"  # the app writes its ledger beside the file it serves
    copy.write_bytes(MULTILINGUAL.read_bytes())
    return make_app(copy).test_client()


def content(lang: str) -> list[str]:
    """What the events file says, as a page in ``lang`` shows it (falling back): not interface words."""
    schedule = load(MULTILINGUAL)
    texts = [schedule.calendar.name, schedule.calendar.description]
    for project in schedule.projects.values():
        texts += [project.name, project.short_name, project.description, project.aim, project.partners_note]
        texts += [p.name for p in project.partners] + [m.name for m in project.pilot_municipalities]
        texts += [c.title for c in project.contacts]
    texts += [place.name for place in schedule.locations.values()]
    texts += [t for event in schedule.events for t in (event.title, event.description)]
    return sorted({t.get(lang) for t in texts if t.get(lang)}, key=len, reverse=True)


def unexplained(words: str, known: list[str]) -> str:
    """``words`` without the phrases in ``known`` (longest first), so a word inside one is not counted."""
    for phrase in sorted(known, key=len, reverse=True):
        words = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", words)
    return words


@freeze_time("2027-11-13 10:00:00")
@pytest.mark.parametrize("path", PAGE_PATHS)
@pytest.mark.parametrize("lang", LANGS)
def test_a_page_in_one_language_has_no_interface_words_of_another(multilingual, path, lang):
    response = multilingual.get(prefix(lang) + path)
    assert response.status_code in (200, 400, 404)
    html = response.get_data(as_text=True)
    if path == "/embed/fragment":  # a fragment for another site's page: its own root says its language
        assert Page(html).one("div", class_="calfeed").get("lang") == lang
        html = f'<html lang="{lang}">{html}</html>'
    page = Page(html)
    assert page.lang == lang
    own = phrases(lang)
    foreign = {p for other in LANGS if other != lang for p in phrases(other)} - own
    rest = unexplained(page.words, [*own, *content(lang)])  # the page's own words and the file's texts go first
    leaked = sorted(w for w in foreign if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", rest))
    assert leaked == []


def test_the_foreign_word_lists_are_not_empty():
    assert {"Nadchodzące wydarzenia", "Būsimi renginiai", "Kommende Veranstaltungen",
            "Kommende aktiviteter"} <= set().union(*(phrases(lang) for lang in PARTNERS))  # fmt: skip
    assert "Kommende Veranstaltungen" not in phrases("da")


@freeze_time("2027-11-13 10:00:00")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/", "/past", "/events/trip", "/projects/umbrella?type=training", "/projects",
                                  "/locations/kalmar"])  # fmt: skip
def test_every_page_lists_all_six_languages_each_named_in_itself_leading_to_the_same_page(multilingual, lang, path):
    page = Page(multilingual.get(prefix(lang) + path).get_data(as_text=True))
    switch = page.by_class("a", "language")
    names = {"sv": "Svenska", "en": "English", "da": "Dansk", "de": "Deutsch", "pl": "Polski", "lt": "Lietuvių"}
    assert [(a.get("lang"), a.get("hreflang"), a.text) for a in switch] == [(c, c, names[c]) for c in LANGS]
    assert [a.get("href") for a in switch] == [prefix(c) + path if path != "/" or c == "sv" else f"/{c}/"
                                               for c in LANGS]  # fmt: skip
    assert [a.get("aria-current") for a in switch] == ["true" if c == lang else "" for c in LANGS]
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in page.find("link", rel="alternate")
        if link.get("type") != "application/atom+xml"
    }  # the news feed is an alternate too
    assert alternates == {**{c: a.get("href") for c, a in zip(LANGS, switch, strict=True)}, "x-default": path}
    assert page.one("nav", class_="languages").get("aria-label")


@pytest.mark.parametrize(
    ("lang", "heading", "back"),
    [("da", "Siden findes ikke", "Gå til kalenderen"), ("de", "Seite nicht gefunden", "Zum Kalender"),
     ("pl", "Nie znaleziono strony", "Przejdź do kalendarza"), ("lt", "Puslapis nerastas", "Eiti į kalendorių")],
)  # fmt: skip
def test_error_pages_speak_the_language_of_their_address(client, lang, heading, back):
    for url in (f"/{lang}/nothing", f"/{lang}/events/nope"):
        page = Page(client.get(url).get_data(as_text=True))
        assert (page.lang, page.one("h1").text) == (lang, heading)
        assert back in page.words
        assert [a.get("href") for a in page.by_class("a", "language")] == ["/", "/en/", "/da/", "/de/", "/pl/", "/lt/"]


@pytest.mark.parametrize(
    ("lang", "explained"),
    [("da", "Sted »oslo« findes ikke i kalenderen."), ("de", "Ort „oslo“ ist nicht im Kalender enthalten."),
     ("pl", "Miejsce „oslo” nie występuje w kalendarzu."), ("lt", "Vieta „oslo“ kalendoriuje nėra.")],
)  # fmt: skip
def test_a_bad_filter_is_explained_in_the_pages_language(client, lang, explained):
    response = client.get(f"/{lang}/?location=oslo")
    assert response.status_code == 400
    assert explained in Page(response.get_data(as_text=True)).words


@freeze_time("2027-11-13 10:00:00")
@pytest.mark.parametrize(
    ("lang", "title", "when", "country", "status"),
    [("da", "Uddannelse i projektansøgninger", "5. december 2027", "Polen", "Foreløbigt"),
     ("de", "Schulung zu Projektanträgen", "5. Dezember 2027", "Polen", "Vorläufig"),
     ("pl", "Szkolenie z wniosków projektowych", "5 grudnia 2027", "Polska", "Wstępne"),
     ("lt", "Mokymai apie projektų paraiškas", "2027 m. gruodžio 5 d.", "Lenkija", "Preliminarus")],
)  # fmt: skip
def test_an_event_page_shows_its_texts_dates_country_and_status_in_the_pages_language(
    multilingual, lang, title, when, country, status
):
    page = Page(multilingual.get(f"/{lang}/events/training").get_data(as_text=True))
    assert page.one("h1").text == title
    assert when in page.words and f"Gdańsk , {country}" in page.words and status in page.words


@freeze_time("2027-11-13 10:00:00")
def test_texts_missing_in_a_language_fall_back_to_english_then_swedish(multilingual):
    for lang in PARTNERS:
        assert Page(multilingual.get(f"/{lang}/events/english-only").get_data(as_text=True)).one("h1").text == (
            "Workshop in Greifswald"
        )
        assert Page(multilingual.get(f"/{lang}/events/swedish-only").get_data(as_text=True)).one("h1").text == (
            "Intern genomgång"
        )


@freeze_time("2027-11-13 10:00:00")
def test_a_text_shown_in_the_language_it_fell_back_to_is_marked_with_that_language(multilingual):
    def title(url: str) -> dict[str, str]:
        return Page(multilingual.get(url).get_data(as_text=True)).one("h1").children[0].attrs

    assert title("/pl/events/english-only").get("lang") == "en"
    assert title("/lt/events/swedish-only").get("lang") == "sv"
    assert title("/en/events/swedish-only").get("lang") == "sv"
    assert "lang" not in title("/pl/events/kickoff") and "lang" not in title("/events/swedish-only")
    agenda = Page(multilingual.get("/de/").get_data(as_text=True))
    links = {a.get("href"): a.get("lang") for a in agenda.find("a") if a.get("href").startswith("/de/events/")}
    assert links["/de/events/english-only"] == "en" and links["/de/events/trip"] == ""


@pytest.mark.parametrize(
    ("lang", "month", "weekday", "range_"),
    [("da", "november 2027", "mandag den 21. oktober 2019", "13.–14. november 2019"),
     ("de", "November 2027", "Montag, 21. Oktober 2019", "13.–14. November 2019"),
     ("pl", "listopad 2027", "poniedziałek, 21 października 2019", "13–14 listopada 2019"),
     ("lt", "2027 m. lapkritis", "2019 m. spalio 21 d., pirmadienis", "2019 lapkričio 13–14")],
)  # fmt: skip
def test_dates_weekdays_and_months_are_written_the_way_each_language_writes_them(lang, month, weekday, range_):
    assert dates.month_label(dt.date(2027, 11, 1), lang) == month
    assert dates.long_date(dt.date(2019, 10, 21), lang) == weekday
    assert dates.day_range(dt.date(2019, 11, 13), dt.date(2019, 11, 14), lang) == range_


@pytest.mark.parametrize(("lang", "names"), [("da", "Sverige Tyskland"), ("de", "Schweden Deutschland"),
                                             ("pl", "Szwecja Niemcy"), ("lt", "Švedija Vokietija")])  # fmt: skip
def test_country_names_come_in_each_language(lang, names):
    assert f"{vocabulary.country_name('SE', lang)} {vocabulary.country_name('DE', lang)}" == names


# --- feeds in every language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "summary", "name"),
    [("/calendar.ics", "INSTÄLLT: Slutkonferens", "Region Kalmar län – internationellt arbete"),
     ("/en/calendar.ics", "CANCELLED: Final conference", "Region Kalmar County – international work"),
     ("/da/calendar.ics", "AFLYST: Afsluttende konference", "Region Kalmar – internationalt samarbejde"),
     ("/de/calendar.ics", "ABGESAGT: Abschlusskonferenz", "Region Kalmar – internationale Zusammenarbeit"),
     ("/calendar.ics?lang=pl", "ODWOŁANE: Konferencja końcowa", "Region Kalmar – współpraca międzynarodowa"),
     ("/lt/calendar.ics", "ATŠAUKTAS: Baigiamoji konferencija", "Kalmaro regionas – tarptautinis bendradarbiavimas")],
)  # fmt: skip
def test_feeds_in_each_language_carry_that_languages_texts_and_name(multilingual, url, summary, name):
    import vobject

    body = multilingual.get(url).data
    events = {e.uid.split("@")[0]: e for e in strict_events(body)}
    assert events["conference"].summary == summary
    assert events["swedish-only"].summary == "Intern genomgång"
    lang = re.search(r"lang=(\w+)|^/(\w\w)/", url)
    code = (lang.group(1) or lang.group(2)) if lang else "sv"
    assert events["english-only"].summary == ("Workshop i Greifswald" if code == "sv" else "Workshop in Greifswald")
    calendar = vobject.readOne(body.decode())
    assert calendar.contents["x-wr-calname"][0].value == name


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("da", ("Mere information", "Uddannelse", "Polen")),
        ("de", ("Weitere Informationen", "Schulung", "Polen")),
        ("pl", ("Więcej informacji", "Szkolenie", "Polska")),
        ("lt", ("Daugiau informacijos", "Mokymai", "Lenkija")),
    ],
)
def test_a_feeds_own_words_are_in_its_language(multilingual, lang, words):
    more, category, country = words
    feed = strict_events(multilingual.get(f"/{lang}/calendar.ics").data)
    (event,) = [e for e in feed if e.uid.startswith("training@")]
    assert event.description.endswith(f"{more}: http://localhost/{lang}/events/training")
    assert category in event.categories
    assert event.location == f"Gdańsk, {country}"


def test_a_feed_of_one_type_is_named_in_the_feeds_language(multilingual):
    import vobject

    body = multilingual.get("/pl/types/training.ics").data
    assert vobject.readOne(body.decode()).contents["x-wr-calname"][0].value == "szkolenia – Region Kalmar län"


def test_an_unknown_language_is_a_400_naming_the_six(client):
    response = client.get("/calendar.ics?lang=fr")
    assert response.status_code == 400
    assert response.json["error"]["valid"] == list(LANGS)
    assert client.get("/fr/").status_code == 404


# --- the events file ------------------------------------------------------------------------


def test_a_text_may_be_given_in_any_of_the_six_languages():
    schedule = check(dedent("""
        calendar:
          name: {sv: Kalender, en: Calendar, da: Kalender, de: Kalender, pl: Kalendarz, lt: Kalendorius}
        events:
          - {id: a, title: {lt: Renginys}, type: meeting, start: 2027-01-01}
    """)).schedule  # fmt: skip
    assert [schedule.calendar.name.get(lang) for lang in LANGS] == ["Kalender", "Calendar", "Kalender", "Kalender",
                                                                   "Kalendarz", "Kalendorius"]  # fmt: skip
    assert schedule.events[0].title.get("sv") == "Renginys"  # nothing else given: the one there is


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("se", "sv"),
        ("dk", "da"),
        ("ger", "de"),
        ("eng", "en"),
        ("pol", "pl"),
        ("lit", "lt"),
        ("Deutsch", "de"),
        ("polski", "pl"),
    ],
)
def test_check_suggests_the_language_code_for_a_country_code_or_name(written, meant):
    (problem,) = check(f"calendar:\n  name: {{{written}: X}}\nevents: []\n").problems
    assert (problem.line, problem.column) == (2, 10)
    assert f"unknown language '{written}'" in problem.message
    assert f"did you mean '{meant}'" in problem.hint


def test_an_unknown_language_names_the_six():
    (problem,) = check("calendar:\n  name: {fr: Calendrier}\nevents: []\n").problems
    assert "did you mean" not in problem.hint and "sv, en, da, de, pl, lt" in problem.hint


def test_an_empty_text_mapping_is_an_error():
    (problem,) = check("calendar:\n  name: {}\nevents: []\n").problems
    assert "has no text in any language" in problem.message


def test_the_schema_knows_the_six_language_keys():
    import json

    schema = json.loads((ROOT / "calfeed" / "schema.json").read_text(encoding="utf-8"))
    assert set(schema["$defs"]["text"]["anyOf"][1]["properties"]) == set(LANGS)


def test_a_text_in_swedish_and_english_keeps_its_repr_so_the_ledger_hash_of_old_events_stays():
    assert repr(Text("Möte", "Meeting")) == "Text(sv='Möte', en='Meeting')"
    assert repr(Text("Möte", pl="Spotkanie")) == "Text(sv='Möte', en='', pl='Spotkanie')"


# The ledger hashes of the shipped file and the recurrence fixture, as computed before the partners'
# languages came (main before issue 17): a changed hash would raise every event's SEQUENCE.
RECORDED_HASHES = {
    "events.yaml": {
        "umbrella-2019-10-21-utbildning-kristianstad": "58e64c1e6c857260eb31b50d333c26f4",
        "umbrella-2019-10-25-konferens-gdansk": "53d7bed83c5339666808c970614be504",
        "umbrella-2019-11-04-workshop-hassleholm": "a64577e3da99c5cf3fcf88e4b70cdaa0",
        "umbrella-2019-11-05-projekttraff-hassleholm": "41ab217364a53954bb3ccca7aef69bb7",
        "umbrella-2019-11-13-studieresa-guldborgsund": "ea058fc976f14fc9ea496fbfcd4010e5",
        "umbrella-2019-12-05-utbildning-kalmar": "f6f1260f0db0be6d41944d0b9ab839ad",
        "umbrella-2020-01-10-utbildning-alvesta": "88bacf6e7ccb6e055e60f8ff28aaea31",
        "umbrella-2020-02-25-konferens-guldborgsund": "640d7ef920fc69f5b5e4f99d68ca0377",
    },
    "tests/fixtures/recurring.yaml": {
        "samordnarmote": "e522d43bf1226668bcdb135451385ffc",
        "veckomote-vilnius": "8fe8b8d2a99675c671cdd3c28226a38d",
        "partnermote": "77e86c8eac53aff940f38a3742a52aae",
        "konferens-2020": "92d08fc5ad5364f62a14e26b169f9f58",
        "kurs-projektledning": "64eed6a68a5b36834e21f49b4e3dd3cc",
    },
}


@pytest.mark.parametrize("path", list(RECORDED_HASHES))
def test_every_existing_event_keeps_its_ledger_hash(path):
    schedule = load(ROOT / path)
    hashes = {}
    for event in schedule.events:
        project = schedule.projects.get(event.project)
        contact = project.contact if project else None
        hashes[event.id] = content_hash(event, schedule.locations.get(event.location), contact)
    assert hashes == RECORDED_HASHES[path]


# The change log counts its days: "in the last N days", as each language says it for N.
DAYS = {
    "pl": ["W ciągu ostatniego dnia nic się nie zmieniło.", "W ciągu ostatnich 2 dni nic się nie zmieniło.",
           "W ciągu ostatnich 5 dni nic się nie zmieniło.", "W ciągu ostatnich 12 dni nic się nie zmieniło.",
           "W ciągu ostatnich 22 dni nic się nie zmieniło.", "W ciągu ostatnich 25 dni nic się nie zmieniło."],
    "lt": ["Per pastarąją 1 dieną niekas nepasikeitė.", "Per pastarąsias 2 dienas niekas nepasikeitė.",
           "Per pastarąsias 5 dienas niekas nepasikeitė.", "Per pastarąsias 12 dienų niekas nepasikeitė.",
           "Per pastarąsias 22 dienas niekas nepasikeitė.", "Per pastarąsias 25 dienas niekas nepasikeitė."],
    "sv": ["Inget har ändrats det senaste dygnet.", "Inget har ändrats de senaste 2 dagarna.",
           "Inget har ändrats de senaste 5 dagarna.", "Inget har ändrats de senaste 12 dagarna.",
           "Inget har ändrats de senaste 22 dagarna.", "Inget har ändrats de senaste 25 dagarna."],
}  # fmt: skip


@pytest.mark.parametrize("lang", list(DAYS))
def test_the_change_log_counts_its_days_in_the_plural_form_of_their_number(make_app, tmp_path, lang):
    said = []
    for days in COUNTS:
        copy = tmp_path / f"{days}.yaml"
        copy.write_text("calendar:\n  name: Empty\nevents: []\n", encoding="utf-8")
        client = make_app(copy, CALFEED_CHANGES_DAYS=days).test_client()
        page = Page(client.get(f"{prefix(lang)}/changes").get_data(as_text=True))
        said.append(" ".join(page.by_class("p", "empty")[0].text.split()))
    assert said == DAYS[lang]


def test_the_change_log_keeps_titles_in_every_language_given_and_old_records_read_the_same():
    from calfeed import changelog
    from calfeed.model import Event

    old = Event("a", Text("Möte", "Meeting"), "meeting", dt.date(2027, 1, 1), dt.date(2027, 1, 1))
    assert changelog.shown(old)["title"] == {"sv": "Möte", "en": "Meeting"}  # as records were written before
    new = Event("a", Text("Möte", "Meeting", pl="Spotkanie", lt="Susitikimas"), "meeting", dt.date(2027, 1, 1),
                dt.date(2027, 1, 1))  # fmt: skip
    again = changelog.as_event("a", changelog.shown(new))
    assert [again.title.get(lang) for lang in LANGS] == ["Möte", "Meeting", "Meeting", "Meeting", "Spotkanie",
                                                        "Susitikimas"]  # fmt: skip


@freeze_time("2027-11-13 10:00:00")
@pytest.mark.parametrize(("url", "lang", "title", "entry"), [
    ("/pl/upcoming.atom", "pl", "Nadchodzące wydarzenia: Region Kalmar – współpraca międzynarodowa",
     "Wizyta studyjna w Guldborgsund"),
    ("/lt/upcoming.atom", "lt", "Būsimi renginiai: Kalmaro regionas – tarptautinis bendradarbiavimas",
     "Studijų vizitas į Guldborgsundą"),
    ("/de/upcoming.atom?type=workshop", "de", "Kommende Veranstaltungen: Workshops – Region Kalmar län",
     "Workshop in Greifswald"),
    ("/da/changes.atom", "da", "Ændringer i programmet: Region Kalmar – internationalt samarbejde", None),
])  # fmt: skip
def test_atom_feeds_in_each_language_as_a_feed_reader_reads_them(multilingual, url, lang, title, entry):
    import feedparser

    feed = feedparser.parse(multilingual.get(url).data)
    assert not feed.bozo
    assert (feed.feed.title, feed.feed.language) == (title, lang)
    if entry:
        assert entry in [e.title for e in feed.entries]


@freeze_time("2027-11-13 10:00:00")
@pytest.mark.parametrize(("lang", "lines"), [
    ("da", ["13.–14. november. Studietur til Guldborgsund i Nykøbing Falster.",
            "5. december. Uddannelse i projektansøgninger i Gdańsk."]),
    ("de", ["13.–14. November. Studienreise nach Guldborgsund in Nykøbing Falster.",
            "5. Dezember. Schulung zu Projektanträgen in Gdańsk."]),
    ("pl", ["13–14 listopada. Wizyta studyjna w Guldborgsund – Nykøbing Falster.",
            "5 grudnia. Szkolenie z wniosków projektowych – Gdańsk."]),
    ("lt", ["lapkričio 13–14. Studijų vizitas į Guldborgsundą – Nykøbing Falster.",
            "gruodžio 5 d. Mokymai apie projektų paraiškas – Gdańsk."]),
])  # fmt: skip
def test_the_embedded_list_speaks_the_language_of_its_address(multilingual, lang, lines):
    page = Page(multilingual.get(f"/{lang}/embed/fragment").get_data(as_text=True))
    assert page.one("div", class_="calfeed").get("lang") == lang
    assert [" ".join(li.text.split()) for li in page.by_class("li", "calfeed-event")][:2] == lines
