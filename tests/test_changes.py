"""The change log: /changes, /changes.atom (sv and en) and each event page's "Last changed", derived from
the ledger, which keeps what subscribers were shown and one record per published change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
import pytest
from freezegun import freeze_time
from icalcheck import strict_events
from pagecheck import Page

from calfeed.errors import ConfigError
from calfeed.ledger import ledger_path
from calfeed.web.i18n import load_catalogs
from calfeed.web.updates import KIND_NAMES

KALMAR = "umbrella-2019-12-05-utbildning-kalmar"  # 5 December, Kalmar, training
KRISTIANSTAD = "umbrella-2019-10-21-utbildning-kristianstad"  # 21 October, Kristianstad, training
TRIP = "umbrella-2019-11-13-studieresa-guldborgsund"  # 13–14 November, Guldborgsund, study trip
PUBLISHED = "2019-10-01 08:00:00"
EDITED = "2019-10-02 09:30:00"  # UTC; 11:30 in Kalmar


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def move_and_cancel(events_file: Path) -> None:
    """The edit of the issue: one event moved (a day later, to Alvesta), another cancelled."""
    edit(events_file, "    location: kalmar\n    start: 2019-12-05\n", "    location: alvesta\n    start: 2019-12-06\n")
    edit(events_file, "    location: kristianstad\n    start: 2019-10-21\n",
         "    location: kristianstad\n    start: 2019-10-21\n    status: cancelled\n")  # fmt: skip


@pytest.fixture
def edited(make_app, events_file):
    """An app that published the shipped file, then loaded the moved-and-cancelled version (a restart)."""
    with freeze_time(PUBLISHED):
        make_app(events_file)
    move_and_cancel(events_file)
    with freeze_time(EDITED):
        make_app(events_file)
    return events_file


def changes_page(client, url: str = "/changes") -> list[dict]:
    page = Page(client.get(url).get_data(as_text=True))
    found = []
    for item in page.by_class("li", "change"):
        link = next(e for e in item.children[0].children if e.tag == "a")
        values = next((e for e in item.children if e.tag == "dl"), None)
        rows = {}
        if values is not None:
            terms = [e for e in values.children if e.tag == "dt"]
            details = [e for e in values.children if e.tag == "dd"]
            rows = {
                t.text.strip(): (" ".join(d.text.split()), [c.text for c in d.children])
                for t, d in zip(terms, details, strict=True)
            }
        found.append({"kind": item.get("class").split()[1].removeprefix("change-"), "link": link.get("href"),
                      "title": link.text.strip(), "time": item.children[1].children[0].get("datetime"),
                      "rows": rows})  # fmt: skip
    return found


def atom(client, url: str = "/changes.atom") -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo and parsed.version == "atom10"
    return parsed


def test_a_move_and_a_cancellation_are_exactly_the_two_changes_with_old_and_new_values(make_app, edited):
    with freeze_time("2019-10-03 12:00"):
        client = make_app(edited).test_client()  # another restart: the log lives in the ledger file
        sv, en = changes_page(client), changes_page(client, "/en/changes")
    assert [(c["kind"], c["link"].rsplit("/", 1)[1]) for c in sv] == [("moved", KALMAR), ("cancelled", KRISTIANSTAD)]
    assert {c["time"] for c in sv} == {"2019-10-02T09:30:00Z"}
    moved, cancelled = sv
    assert moved["rows"]["När"] == ("från 5 december 2019 till 6 december 2019", ["5 december 2019", "6 december 2019"])
    assert moved["rows"]["Plats"] == ("från Kalmar till Alvesta", ["Kalmar", "Alvesta"])
    assert cancelled["rows"] == {"Status": ("från Bekräftat till Inställt", ["Bekräftat", "Inställt"])}
    moved, cancelled = en
    assert moved["title"] == "Second training session (Basic) in project development"
    assert moved["rows"]["When"][0] == "from 5 December 2019 to 6 December 2019"
    assert moved["rows"]["Place"][0] == "from Kalmar to Alvesta"
    assert cancelled["rows"]["Status"][0] == "from Confirmed to Cancelled"
    assert moved["link"] == f"http://localhost/en/events/{KALMAR}"


def test_the_atom_change_log_lists_the_same_two_changes_in_both_languages(make_app, edited):
    with freeze_time("2019-10-03 12:00"):
        client = make_app(edited).test_client()
        sv, en = atom(client), atom(client, "/en/changes.atom")
    assert [e.title for e in sv.entries] == ["Flyttad: Det andra utbildningstillfället (Basic) för projektutveckling",
                                             "Inställd: Utbildning i internationell projektutveckling"]  # fmt: skip
    assert sv.entries[0].summary == "När: från 5 december 2019 till 6 december 2019; Plats: från Kalmar till Alvesta."
    assert en.entries[1].summary == "Status: from Confirmed to Cancelled."
    assert en.entries[0].title.startswith("Moved: Second training session")
    for entry in sv.entries + en.entries:
        assert dt.datetime(*entry.published_parsed[:6]) == dt.datetime(2019, 10, 2, 9, 30)
        assert dt.datetime(*entry.updated_parsed[:6]) == dt.datetime(2019, 10, 2, 9, 30)
        assert client.get(entry.link.removeprefix("http://localhost")).status_code == 200
    assert len({e.id for e in sv.entries}) == 2
    assert {link.rel: link.href for link in en.feed.links}["alternate"] == "http://localhost/en/changes"


def test_each_change_carries_the_sequence_the_calendar_feeds_publish(make_app, edited):
    with freeze_time("2019-10-03"):  # loaded under freezegun like the versions before (its dates hash apart)
        client = make_app(edited).test_client()
    feed = {e.uid.split("@")[0]: e.sequence for e in strict_events(client.get("/calendar.ics").data)}
    records = json.loads(ledger_path(edited).read_text(encoding="utf-8"))["changes"]
    assert {key.split(" ")[1]: r["sequence"] for key, r in records.items()} == {
        KALMAR: feed[KALMAR],
        KRISTIANSTAD: feed[KRISTIANSTAD],
    }
    assert feed[KALMAR] == 1


def test_the_first_publication_is_not_a_change(make_app, events_file):
    with freeze_time(PUBLISHED):
        client = make_app(events_file).test_client()
        assert changes_page(client) == [] and atom(client).entries == []
        assert "Inget har ändrats de senaste 180 dagarna." in Page(client.get("/changes").get_data(as_text=True)).words


def test_added_removed_reinstated_and_details_changed_are_each_told(make_app, events_file):
    with freeze_time(PUBLISHED):
        make_app(events_file)
    edit(events_file, "    location: kristianstad\n    start: 2019-10-21\n",
         "    location: kristianstad\n    start: 2019-10-21\n    status: cancelled\n")  # fmt: skip
    with freeze_time("2019-10-02 08:00"):
        make_app(events_file)
    text = events_file.read_text(encoding="utf-8").replace("    status: cancelled\n", "", 1)
    start = text.index(f"  - id: {TRIP}")
    text = text[:start] + text[text.index("  - id: ", start + 1) :]  # the trip removed
    text = text.replace("sv: Det andra utbildningstillfället (Basic) för projektutveckling",
                        "sv: Andra utbildningstillfället (Basic)", 1)  # fmt: skip
    text += "\n  - {id: ny-workshop, title: Ny workshop, type: workshop, location: kalmar, start: 2019-12-12}\n"
    events_file.write_text(text, encoding="utf-8")
    with freeze_time("2019-10-03 08:00"):
        client = make_app(events_file).test_client()
        found = {
            c["link"].rsplit("/", 1)[1] if c["kind"] != "removed" else TRIP: c for c in reversed(changes_page(client))
        }  # the newest change of each event wins
        assert [c["kind"] for c in changes_page(client)][-1] == "cancelled"
    assert {k: c["kind"] for k, c in found.items()} == {
        KRISTIANSTAD: "reinstated",
        TRIP: "removed",
        KALMAR: "changed",
        "ny-workshop": "added",
    }  # and the cancel before
    assert found[KALMAR]["rows"] == {"Titel": ("från Det andra utbildningstillfället (Basic) för projektutveckling"
                                               " till Andra utbildningstillfället (Basic)",
                                               ["Det andra utbildningstillfället (Basic) för projektutveckling",
                                                "Andra utbildningstillfället (Basic)"])}  # fmt: skip
    assert found["ny-workshop"]["rows"] == {"När": ("12 december 2019", []), "Plats": ("Kalmar", [])}
    assert found[TRIP]["rows"]["När"][0] == "var 13–14 november 2019"
    assert found[TRIP]["link"] == "http://localhost/"  # its page is gone: the agenda
    assert found[TRIP]["title"] == "Studieresa till Guldborgsund"


@freeze_time("2019-10-03 12:00")
def test_filters_follow_one_project_place_or_type_before_and_after_the_change(make_app, edited):
    client = make_app(edited).test_client()
    kinds = lambda url: [c["kind"] for c in changes_page(client, url)]  # noqa: E731
    assert kinds("/changes?location=kalmar") == ["moved"]  # moved out of Kalmar: it concerns Kalmar
    assert kinds("/changes?location=alvesta") == ["moved"]
    assert kinds("/changes?location=kristianstad") == ["cancelled"]
    assert kinds("/changes?type=study-trip") == []
    assert kinds("/changes?project=umbrella&type=training") == ["moved", "cancelled"]
    assert [e.title.split(":")[0] for e in atom(client, "/changes.atom?location=kristianstad").entries] == ["Inställd"]
    assert client.get("/changes?location=oslo").status_code == 400
    assert client.get("/changes.atom?type=party").get_json()["error"]["status"] == 400


def test_changes_are_kept_for_the_configured_days_and_then_forgotten(make_app, edited):
    with freeze_time("2019-10-20 12:00"):
        assert len(changes_page(make_app(edited, CALFEED_CHANGES_DAYS=30).test_client())) == 2
        assert changes_page(make_app(edited, CALFEED_CHANGES_DAYS=10).test_client()) == []
    with freeze_time("2020-05-01 12:00"):  # over 180 days later: not shown by default
        assert changes_page(make_app(edited).test_client()) == []
    edit(edited, "sv: Studieresa till Guldborgsund", "sv: Studieresa till Lolland")
    with freeze_time("2020-05-02 12:00"):  # the next write of the ledger drops what is older than kept
        make_app(edited)
    records = json.loads(ledger_path(edited).read_text(encoding="utf-8"))["changes"]
    assert [key.split(" ")[1] for key in records] == [TRIP]


@pytest.mark.parametrize("days", [0, -5])
def test_changes_days_below_one_stops_the_start(make_app, days):
    with pytest.raises(ConfigError, match="CALFEED_CHANGES_DAYS"):
        make_app(CALFEED_CHANGES_DAYS=days)


@freeze_time("2019-10-03 12:00")
def test_the_event_page_says_when_it_last_changed_and_what_changed(make_app, edited):
    client = make_app(edited).test_client()

    def last_changed(url: str) -> tuple[str, str, str]:
        section = Page(client.get(url).get_data(as_text=True)).by_class("section", "last-changed")[0]
        heading, when, *values = section.children
        rows = [cell.text for dl in values for cell in dl.children]  # each <dt> and <dd>
        return heading.text, " ".join(when.text.split()), " ".join(" ".join(rows).split())

    assert last_changed(f"/events/{KALMAR}") == (
        "Senast ändrad", "2 oktober 2019 11:30: Flyttad · Alla ändringar",
        "När från 5 december 2019 till 6 december 2019 Plats från Kalmar till Alvesta")  # fmt: skip
    assert last_changed(f"/en/events/{KRISTIANSTAD}") == (
        "Last changed",
        "2 October 2019 11:30: Cancelled · All changes",
        "Status from Confirmed to Cancelled",
    )
    # published, and never changed since: the time of publication, nothing to tell
    assert last_changed(f"/en/events/{TRIP}") == ("Last changed", "1 October 2019 10:00 · All changes", "")


def test_the_subscribe_panel_says_where_to_see_changes_sooner(client):
    page = Page(client.get("/projects/umbrella?type=training").get_data(as_text=True))
    note = page.by_class("p", "changes-note")[0]
    assert "Google Kalender inom 12–24 timmar" in " ".join(note.text.split())
    assert [a.get("href") for a in note.children] == ["/changes?project=umbrella&type=training",
                                                      "/changes.atom?project=umbrella&type=training"]  # fmt: skip
    assert client.get("/changes?project=umbrella&type=training").status_code == 200


@freeze_time("2019-10-03 12:00")
def test_two_workers_loading_the_same_version_record_each_change_once(make_app, events_file):
    with freeze_time(PUBLISHED):
        make_app(events_file)
        make_app(events_file)
    move_and_cancel(events_file)
    with freeze_time(EDITED):
        first = make_app(events_file)
    with freeze_time("2019-10-02 09:30:05"):  # the second worker sees the same version a moment later
        second = make_app(events_file)
    assert changes_page(first.test_client()) == changes_page(second.test_client())
    assert len(changes_page(second.test_client())) == 2


def test_a_ledger_written_before_the_change_log_records_nothing_at_first_and_then_old_values(make_app, events_file):
    with freeze_time(PUBLISHED):
        make_app(events_file)
    path = ledger_path(events_file)
    state = json.loads(path.read_text(encoding="utf-8"))
    for entry in state["events"].values():
        del entry["shown"]
    path.write_text(json.dumps(state), encoding="utf-8")  # the shape of a ledger from before this version
    with freeze_time("2019-10-01 09:00"):
        assert changes_page(make_app(events_file).test_client()) == []
    move_and_cancel(events_file)
    with freeze_time(EDITED):
        assert [c["kind"] for c in changes_page(make_app(events_file).test_client())] == ["moved", "cancelled"]


@freeze_time("2019-10-03 12:00")
def test_unreadable_change_records_are_skipped_not_fatal(make_app, edited):
    path = ledger_path(edited)
    state = json.loads(path.read_text(encoding="utf-8"))
    state["changes"]["not a time x"] = {"kind": "moved"}
    state["changes"]["2019-10-02T10:00:00Z y"] = {"kind": "exploded"}
    state["changes"]["2019-10-02T11:00:00Z z"] = "text"
    state["changes"]["2019-10-02T12:00:00Z w"] = {"kind": "moved", "before": {"start": "2019-13-45"}, "after": None}
    state["changes"]["2019-10-02T13:00:00Z v"] = {"kind": "moved", "before": None,
                                                  "after": {"start": "2019-10-02T10:00:00+00:00", "end": "x",
                                                            "zone": "Mars/Olympus"}}  # fmt: skip
    path.write_text(json.dumps(state), encoding="utf-8")
    client = make_app(edited).test_client()
    assert len(changes_page(client)) == 2
    state["changes"] = ["a", "list"]
    path.write_text(json.dumps(state), encoding="utf-8")
    assert make_app(edited).test_client().get("/changes").status_code == 200


def test_the_kinds_of_change_have_swedish_names():
    swedish = load_catalogs()["sv"]
    assert {name: swedish.get(name) for name in KIND_NAMES.values()} == {
        "Added": "Ny", "Moved": "Flyttad", "Cancelled": "Inställd", "Reinstated": "Återinsatt",
        "Details changed": "Uppgifter ändrade", "Removed": "Borttagen"}  # fmt: skip


@freeze_time("2019-10-03 12:00")
def test_change_log_pages_and_feeds_are_cached_and_conditional(make_app, edited):
    client = make_app(edited).test_client()
    for url in ("/changes", "/en/changes.atom"):
        first = client.get(url)
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/changes.atom").headers["Access-Control-Allow-Origin"] == "*"
    links = Page(client.get("/changes").get_data(as_text=True)).find("link", type="application/atom+xml")
    assert [link.get("href") for link in links] == ["/changes.atom"]
