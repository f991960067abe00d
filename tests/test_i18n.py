"""Swedish and English: every message translated, no words of one language on the other's pages, dates
in each locale's style, a language switch and alternates that lead to the same page. The partners'
languages (da, de, pl, lt) are tested the same way in test_languages.py."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import jinja2.ext
import pytest
from babel.dates import format_time
from babel.messages.extract import extract
from freezegun import freeze_time
from pagecheck import Page
from werkzeug.exceptions import BadRequest, InternalServerError, MethodNotAllowed, NotFound

from calfeed import dates
from calfeed.vocabulary import BABEL_LOCALES
from calfeed.web.i18n import load_catalogs

PACKAGE = Path(__file__).resolve().parent.parent / "calfeed"
SWEDISH = load_catalogs()["sv"]


def _msgid(message: str | tuple | None, function: str) -> str | tuple[str, str] | None:
    """What a catalog keys a call by: the msgid, or (singular, plural) for ngettext."""
    if function == "ngettext" and isinstance(message, tuple) and all(message[:2]):
        return (message[0], message[1])
    first = message[0] if isinstance(message, tuple) else message
    return first or None  # None: _(variable), e.g. an error title; covered below


def template_messages() -> set[str | tuple[str, str]]:
    """Every msgid a template passes to _(), gettext() or ngettext(), found by Babel's Jinja extractor."""
    found = set()
    for path in sorted((PACKAGE / "web" / "templates").glob("*.html")):
        with open(path, "rb") as f:
            found_in_file = jinja2.ext.babel_extract(f, ("_", "gettext", "ngettext"), [], {})
            for _line, function, message, _comments in found_in_file:
                if _msgid(message, function):
                    found.add(_msgid(message, function))
    return found


def python_messages() -> set[str | tuple[str, str]]:
    """Every msgid the web layer's Python passes to gettext() or ngettext(), found by Babel's Python extractor."""
    found = set()
    keywords = {"gettext": None, "ngettext": (1, 2)}
    for path in sorted((PACKAGE / "web").glob("*.py")):
        with open(path, "rb") as f:
            found |= {m[1] if isinstance(m[1], str) else tuple(m[1][:2])
                      for m in extract("python", f, keywords=keywords) if m[1]}  # fmt: skip
    return found


def test_the_extractors_find_the_interface_messages():
    assert {"Skip to content", "Subscribe to these events", "Page %(page)s of %(pages)s"} <= template_messages()
    assert ("%(num)s activity", "%(num)s activities") in template_messages()
    assert "%(facet)s “%(value)s” is not in the calendar." in python_messages()


def test_every_message_in_templates_and_code_has_a_swedish_translation():
    missing = sorted((template_messages() | python_messages()) - set(SWEDISH))
    assert missing == []


@pytest.mark.parametrize("error", [NotFound, BadRequest, MethodNotAllowed, InternalServerError])
def test_error_titles_shown_on_error_pages_have_a_swedish_translation(error):
    assert error().name in SWEDISH


def placeholders(text: str | tuple) -> list[list[str]]:
    return [sorted(re.findall(r"%\(\w+\)s", t)) for t in ((text,) if isinstance(text, str) else text)]


def same_placeholders(msgid: str | tuple, msgstr: str | tuple) -> bool:
    """A translation names the placeholders its message names; a plural form may leave out the number
    ("in the last day") or name it where English does not (Lithuanian "21 dieną" takes the first form)."""
    if isinstance(msgid, str):
        return placeholders(msgstr) == placeholders(msgid)
    others = {p for form in placeholders(msgid) for p in form} - {"%(num)s"}
    return all(set(form) - {"%(num)s"} == others for form in placeholders(msgstr))


def test_swedish_translations_keep_the_placeholders_of_their_message():
    for msgid, msgstr in SWEDISH.items():
        assert same_placeholders(msgid, msgstr), msgid


def ui_words(lang: str) -> list[str]:
    """The interface phrases of ``lang`` that differ in the other language (split at placeholders)."""
    phrases = set()
    for msgid, msgstr in SWEDISH.items():
        if msgid != msgstr:
            texts = msgstr if lang == "sv" else msgid
            for text in (texts,) if isinstance(texts, str) else texts:
                phrases |= {part.strip(" :.") for part in re.split(r"%\(\w+\)s", text)}
    return sorted(p for p in phrases if len(p) > 1)


PAGES = ["/", "/?type=training&cancelled=hide", "/past", "/events/umbrella-2019-11-13-studieresa-guldborgsund",
         "/projects/umbrella", "/locations/guldborgsund", "/nothing", "/?location=oslo", "/?project="]  # fmt: skip


@freeze_time("2019-11-13 10:00:00")
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_page_in_one_language_has_no_interface_words_of_the_other(client, path, lang):
    url = path if lang == "sv" else "/en" + path
    page = Page(client.get(url).get_data(as_text=True))
    assert page.lang == lang
    foreign = ui_words("en" if lang == "sv" else "sv")
    leaked = [w for w in foreign if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", page.words)]
    assert leaked == []


def test_the_word_lists_compared_are_not_empty():
    assert "Hoppa till innehållet" in ui_words("sv") and "Skip to content" in ui_words("en")


@pytest.mark.parametrize(
    ("first", "last", "sv", "en"),
    [(dt.date(2019, 11, 13), dt.date(2019, 11, 14), "13–14 november 2019", "13–14 November 2019"),
     (dt.date(2019, 10, 30), dt.date(2019, 11, 2), "30 oktober–2 november 2019", "30 October–2 November 2019"),
     (dt.date(2019, 12, 30), dt.date(2020, 1, 2), "30 december 2019–2 januari 2020", "30 December 2019–2 January 2020"),
     (dt.date(2019, 10, 21), dt.date(2019, 10, 21), "21 oktober 2019", "21 October 2019")],
)  # fmt: skip
def test_date_ranges_are_written_the_way_each_language_writes_them(first, last, sv, en):
    assert dates.day_range(first, last, "sv") == sv
    assert dates.day_range(first, last, "en") == en


def test_months_and_weekdays_are_named_in_each_language():
    assert dates.month_label(dt.date(2020, 1, 1), "sv") == "januari 2020"
    assert dates.month_label(dt.date(2020, 1, 1), "en") == "January 2020"
    assert dates.long_date(dt.date(2019, 10, 21), "sv") == "måndag 21 oktober 2019"
    assert dates.long_date(dt.date(2019, 10, 21), "en") == "Monday 21 October 2019"


LANGUAGE_PAIRS = [("/", "/en/"), ("/past", "/en/past"),
                  ("/projects/umbrella?type=training", "/en/projects/umbrella?type=training"),
                  ("/events/umbrella-2019-10-21-utbildning-kristianstad",
                   "/en/events/umbrella-2019-10-21-utbildning-kristianstad"),
                  ("/locations/kalmar", "/en/locations/kalmar")]  # fmt: skip


@pytest.mark.parametrize(("sv", "en"), LANGUAGE_PAIRS)
def test_the_language_switch_leads_to_the_same_page_in_the_other_language(client, sv, en):
    swedish, english = (Page(client.get(url).get_data(as_text=True)) for url in (sv, en))
    assert swedish.lang == "sv" and english.lang == "en"
    switch = {a.get("lang"): a for a in swedish.by_class("a", "language")}
    assert (switch["en"].get("href"), switch["en"].get("hreflang"), switch["en"].text) == (en, "en", "English")
    switch = {a.get("lang"): a for a in english.by_class("a", "language")}
    assert (switch["sv"].get("href"), switch["sv"].get("hreflang"), switch["sv"].text) == (sv, "sv", "Svenska")
    for page in (swedish, english):
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in page.find("link", rel="alternate")
            if link.get("type") != "application/atom+xml"
        }  # the news feed is an alternate too
        assert {code: alternates[code] for code in ("sv", "en", "x-default")} == {"sv": sv, "en": en, "x-default": sv}


@pytest.mark.parametrize(
    ("url", "lang", "heading"),
    [("/nothing", "sv", "Sidan finns inte"), ("/en/nothing", "en", "Not Found"), ("/en/events/nope", "en", "Not Found"),
     ("/events/nope", "sv", "Sidan finns inte"), ("/?type=party", "sv", "Felaktig adress"),
     ("/en/?type=party", "en", "Bad Request")],
)  # fmt: skip
def test_error_pages_speak_the_language_of_their_address(client, url, lang, heading):
    page = Page(client.get(url).get_data(as_text=True))
    assert page.lang == lang
    assert page.one("h1").text == heading


def test_a_bad_filter_is_explained_in_the_pages_language(client):
    assert "Plats ”oslo” finns inte i kalendern." in Page(client.get("/?location=oslo").get_data(as_text=True)).words
    english = Page(client.get("/en/?location=oslo").get_data(as_text=True)).words
    assert "Place “oslo” is not in the calendar." in english
    assert "Valid values: kristianstad, gdansk" in english


def test_event_texts_given_in_both_languages_are_shown_in_the_pages_language(client):
    url = "/events/umbrella-2019-11-13-studieresa-guldborgsund"
    assert Page(client.get(url).get_data(as_text=True)).one("h1").text == "Studieresa till Guldborgsund"
    assert Page(client.get("/en" + url).get_data(as_text=True)).one("h1").text == "Study trip to Guldborgsund"


@pytest.mark.parametrize("lang", list(BABEL_LOCALES))
def test_a_clock_time_kept_per_wall_time_is_what_babel_writes_for_the_moment(lang):
    """dates keeps each language's '09:00' per wall-clock time: the zone and its offset (a DST
    change night, a zone far from the calendar's) never show in CLDR's short time."""
    for zone in ("Europe/Stockholm", "Europe/Vilnius", "America/St_Johns", "UTC"):
        for hour in range(24):
            moment = dt.datetime(2027, 3, 28, hour, 5, tzinfo=zoneinfo.ZoneInfo(zone))
            assert dates._clock(moment.time(), lang) == format_time(moment, "short", locale=BABEL_LOCALES[lang])
