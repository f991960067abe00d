"""`calfeed import`: an Outlook export, an https feed and a spreadsheet into the events file.

The imported file is checked by the loader, served by the app and its feed expanded by
recurring-ical-events, which also expands the source: both sides are read by code we did not write.
"""

from __future__ import annotations

import datetime as dt
import difflib
import http.server
import re
import socket
import ssl
import threading
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import trustme
from conftest import MINIMAL as EMPTY
from conftest import ROOT, SHIPPED
from icalcheck import strict_events

from calfeed.cli import main
from calfeed.importing import fetch
from calfeed.loader import check

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
OUTLOOK = FIXTURES / "outlook.ics"
TEMPLATE = ROOT / "docs" / "import-mall.csv"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
WINDOW = (dt.date(2019, 1, 1), dt.date(2022, 1, 1))
MINIMAL = EMPTY.replace("events:\n", "events: []\n")  # a file without events yet
CANCELLED = re.compile(r"^(?:INSTÄLLT|Inställt|Canceled|CANCELLED): ")


@pytest.fixture
def events(tmp_path: Path) -> Path:
    target = tmp_path / "events.yaml"
    target.write_bytes(SHIPPED.read_bytes())
    return target


def run(runner, *args: str):
    result = runner.invoke(main, ["import", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def source_ics(text: str) -> bytes:
    """A small iCalendar file around VEVENT lines."""
    body = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + text.strip() + "\nEND:VCALENDAR\n"
    return body.replace("\n", "\r\n").encode("utf-8")


def import_ics(runner, tmp_path: Path, vevents: str, *args: str):
    """Import the VEVENTs ``vevents`` into a file without events: (events file, source, result)."""
    path = tmp_path / "events.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    source = tmp_path / "in.ics"
    source.write_bytes(source_ics(vevents))
    return path, source, run(runner, str(source), "--into", str(path), *args)


def occurrences(body: bytes, public_only: bool = False) -> list[tuple]:
    """Every occurrence in a calendar as recurring-ical-events expands it: (title without a cancelled
    prefix, start and end as UTC instants or dates, status, description)."""
    calendar = icalendar.Calendar.from_ical(body)
    found = []
    for event in recurring_ical_events.of(calendar).between(*WINDOW):
        if public_only and str(event.get("CLASS", "PUBLIC")) != "PUBLIC":
            continue
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        found.append((CANCELLED.sub("", str(event["SUMMARY"])), _instant(start), _instant(end),
                      str(event.get("STATUS", "CONFIRMED")), str(event.get("DESCRIPTION", "")).strip()))  # fmt: skip
    return sorted(found, key=lambda o: (str(o[1]), o[0]))


def same_occurrences(feed: list[tuple], source: list[tuple]) -> bool:
    """The same occurrences; each description as the source's, and then the link the feed adds."""
    return len(feed) == len(source) and all(
        ours[:4] == theirs[:4] and ours[4].startswith(theirs[4]) for ours, theirs in zip(feed, source, strict=False)
    )


def _instant(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value


def imported_feed(make_app, path: Path) -> bytes:
    body = make_app(path).test_client().get("/calendar.ics").data
    calendar = icalendar.Calendar.from_ical(body)
    kept = icalendar.Calendar()
    for component in calendar.subcomponents:
        if component.name != "VEVENT" or str(component["UID"]).startswith("import-"):
            kept.add_component(component)
    return kept.to_ical()


# -- an Outlook export -------------------------------------------------------------------------------


def test_an_outlook_export_imports_into_a_file_that_passes_check(runner, events):
    result = run(runner, str(OUTLOOK), "--into", str(events), "--project", "umbrella")
    assert result.exit_code == 0, result.output
    checked = check(events.read_bytes(), str(events))
    assert checked.schedule is not None and checked.errors == ()
    imported = [e for e in checked.schedule.events if e.id.startswith("import-")]
    assert len(imported) == 5  # the private appointment is left out
    assert "5 events added" in result.output and "1 new location" in result.output
    assert "'Tandläkare': a private appointment (CLASS:PRIVATE), not imported" in result.output
    assert "ATTENDEE (1)" in result.output and "X-MICROSOFT-CDO-BUSYSTATUS" in result.output


def test_the_served_feed_has_the_sources_instants_texts_and_occurrences(runner, events, make_app):
    run(runner, str(OUTLOOK), "--into", str(events), "--project", "umbrella")
    source = occurrences(OUTLOOK.read_bytes(), public_only=True)
    feed = occurrences(imported_feed(make_app, events))
    assert len(source) == 4 + 13  # 14 Tuesdays from 7 January to 7 April, one skipped, one moved
    assert same_occurrences(feed, source)
    places = {str(e["SUMMARY"]): (str(e["LOCATION"]), str(e["DESCRIPTION"]))
              for e in icalendar.Calendar.from_ical(imported_feed(make_app, events)).walk("VEVENT")}  # fmt: skip
    assert places["Partnermöte Umbrella"][0] == "Kalmar, Sverige"
    assert "Plats: Regionhuset, Kalmar" in places["Partnermöte Umbrella"][1]  # the building is not lost
    assert places["Konferens i Gdańsk"][0] == "Gdańsk, Polen" and "Plats:" not in places["Konferens i Gdańsk"][1]
    assert places["Studiebesök i Gdynia"][0] == "Gdynia, Polen"
    strict_events(make_app(events).test_client().get("/calendar.ics").data)  # the strict parser reads it


def test_the_weekly_series_is_one_repeat_with_its_exception_and_its_moved_occurrence(runner, events):
    run(runner, str(OUTLOOK), "--into", str(events))
    text = events.read_text(encoding="utf-8")
    assert "    repeat:\n      every: week\n      on: [tuesday]\n      until: 2020-04-07\n" in text
    assert "    except: [2020-02-04]\n    changes:\n      2020-02-18:\n        start: 2020-02-20 14:00\n" in text
    (series,) = [e for e in check(text).schedule.events if e.recurrence is not None]
    assert series.start == dt.datetime(2020, 1, 7, 10, tzinfo=STOCKHOLM)


def test_times_are_written_in_the_local_time_of_the_place_and_all_day_ends_are_inclusive(runner, events):
    run(runner, str(OUTLOOK), "--into", str(events))
    by_title = {e.title.get(): e for e in check(events.read_bytes()).schedule.events}
    workshop = by_title["Workshop om ansökningar"]  # W. Europe Standard Time 13:00 is 13:00 in Hässleholm
    assert (workshop.start, workshop.location, workshop.status) == (
        dt.datetime(2020, 2, 26, 13, tzinfo=STOCKHOLM),
        "hassleholm",
        "cancelled",
    )
    conference = by_title["Konferens i Gdańsk"]  # DTEND 2020-02-06 is the day after the last day
    assert (conference.start, conference.end, conference.location) == (
        dt.date(2020, 2, 4),
        dt.date(2020, 2, 5),
        "gdansk",
    )
    gdynia = by_title["Studiebesök i Gdynia"]
    assert gdynia.start == dt.datetime(2020, 3, 12, 9, tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw"))
    assert by_title["Partnermöte Umbrella"].location == "kalmar"  # "Regionhuset, Kalmar"


def test_an_unknown_place_becomes_a_location_with_its_country_and_a_todo_for_coordinates(runner, events):
    run(runner, str(OUTLOOK), "--into", str(events))
    text = events.read_text(encoding="utf-8")
    assert (
        "  gdynia:\n    name: Gdynia\n    country: PL\n"
        '    # TODO: coordinates: [latitude, longitude] (added by calfeed import from "Gdynia, Poland")\n'
    ) in text
    assert check(text).schedule.locations["gdynia"].timezone == "Europe/Warsaw"


def test_with_no_new_locations_the_event_has_no_place_and_its_description_keeps_the_text(runner, events):
    result = run(runner, str(OUTLOOK), "--into", str(events), "--no-new-locations")
    assert result.exit_code == 0, result.output
    schedule = check(events.read_bytes()).schedule
    assert "gdynia" not in schedule.locations
    (gdynia,) = [e for e in schedule.events if e.title.get() == "Studiebesök i Gdynia"]
    assert gdynia.location == "" and gdynia.description.get().endswith("Plats: Gdynia, Poland")
    assert (
        "the place 'Gdynia, Poland' is not a location of the file and is not added (--no-new-locations)"
        in result.output
    )


def test_a_misspelt_place_is_offered_a_did_you_mean_and_place_maps_it(runner, tmp_path):
    path, source, result = import_ics(runner, tmp_path, "BEGIN:VEVENT\nUID:x1\nSUMMARY:Möte\n"
                                      "LOCATION:Kalmr\\, Sverige\nDTSTART;VALUE=DATE:20200301\nEND:VEVENT",
                                      "--dry-run")  # fmt: skip
    assert "new location 'kalmr' (Kalmr, SE)" in result.output
    assert "Did you mean 'kalmar'? Then run again with --place 'Kalmr, Sverige=kalmar'." in result.output
    result = run(runner, str(source), "--into", str(path), "--place", "Kalmr, Sverige=kalmar")
    assert result.exit_code == 0, result.output
    assert [e.location for e in check(path.read_bytes()).schedule.events] == ["kalmar"]


def test_a_second_import_changes_nothing_whatever_the_update_policy(runner, events):
    run(runner, str(OUTLOOK), "--into", str(events))
    once = events.read_bytes()
    for policy in ("keep", "overwrite"):
        result = run(runner, str(OUTLOOK), "--into", str(events), f"--update={policy}")
        assert result.exit_code == 0 and events.read_bytes() == once
        assert "0 events added, 0 updated" in result.output and "nothing to change" in result.output


def test_keep_leaves_staff_edits_and_overwrite_takes_the_source(runner, events):
    run(runner, str(OUTLOOK), "--into", str(events))
    edited = events.read_text(encoding="utf-8").replace("title: Partnermöte Umbrella", "title: Partnermöte (flyttat)")
    events.write_text(edited, encoding="utf-8")
    result = run(runner, str(OUTLOOK), "--into", str(events))
    assert events.read_text(encoding="utf-8") == edited
    assert "kept as edited, though the source differs: import-" in result.output
    result = run(runner, str(OUTLOOK), "--into", str(events), "--update=overwrite")
    assert "1 updated" in result.output
    assert "title: Partnermöte Umbrella" in events.read_text(encoding="utf-8")
    assert "(flyttat)" not in events.read_text(encoding="utf-8")


def test_dry_run_prints_the_diff_and_writes_nothing(runner, events):
    before = events.read_bytes()
    result = run(runner, str(OUTLOOK), "--into", str(events), "--dry-run")
    assert result.exit_code == 0, result.output
    assert events.read_bytes() == before
    assert f"--- {events}\n+++ {events} (after the import)\n" in result.output
    assert "+  - id: import-" in result.output and "+  gdynia:\n" in result.output
    assert "dry run: nothing written" in result.output
    lines = [x for x in result.output.splitlines() if x.startswith("-") and not x.startswith("---")]
    assert lines == []  # only additions


def test_comments_order_line_endings_and_bom_are_kept(runner, tmp_path):
    path = tmp_path / "events.yaml"
    original = "\ufeff" + (EMPTY.replace("calendar:", "# kept comment\ncalendar:") +
                           "  # the first event\n  - id: first   # kept\n    title: 'Quoted'\n    type: meeting\n"
                           "    start: 2019-11-13\n").replace("\n", "\r\n")  # fmt: skip
    path.write_bytes(original.encode("utf-8"))
    result = run(runner, str(OUTLOOK), "--into", str(path))
    assert result.exit_code == 0, result.output
    after = path.read_bytes().decode("utf-8")
    assert after.startswith("\ufeff# kept comment\r\n") and "\n" not in after.replace("\r\n", "")
    removed = [x for x in difflib.ndiff(original.splitlines(), after.splitlines()) if x.startswith("- ")]
    assert removed == []
    assert check(after).schedule is not None


# -- series the format cannot say, and series in other zones ---------------------------------------------


def test_a_series_the_format_cannot_say_is_imported_as_its_single_occurrences(runner, tmp_path, make_app):
    path, source, result = import_ics(
        runner,
        tmp_path,
        """
BEGIN:VEVENT
UID:hourly
SUMMARY:Pass
DTSTART;TZID=Europe/Stockholm:20200302T090000
DTEND;TZID=Europe/Stockholm:20200302T093000
RRULE:FREQ=HOURLY;COUNT=3
RDATE;TZID=Europe/Stockholm:20200305T150000
END:VEVENT""",
    )
    assert result.exit_code == 0, result.output
    assert "it has extra dates (RDATE); imported as its 4 single occurrences" in result.output
    assert len(check(path.read_bytes()).schedule.events) == 4
    assert same_occurrences(occurrences(imported_feed(make_app, path)), occurrences(source.read_bytes()))


def test_a_series_in_a_zone_with_other_daylight_saving_rules_keeps_its_own_zone(runner, tmp_path, make_app):
    path, source, result = import_ics(
        runner,
        tmp_path,
        """
BEGIN:VEVENT
UID:new-york-call
SUMMARY:Call with New York
DTSTART;TZID=America/New_York:20200303T100000
DTEND;TZID=America/New_York:20200303T110000
RRULE:FREQ=WEEKLY;COUNT=6
END:VEVENT""",
    )  # the US moves its clocks on 8 March, Europe on 29 March
    assert "    timezone: America/New_York\n" in path.read_text(encoding="utf-8")
    assert same_occurrences(occurrences(imported_feed(make_app, path)), occurrences(source.read_bytes()))


def test_an_occurrence_with_its_own_title_becomes_an_event_and_the_series_skips_it(runner, tmp_path, make_app):
    path, source, result = import_ics(
        runner,
        tmp_path,
        """
BEGIN:VEVENT
UID:s1
SUMMARY:Kurs
DTSTART;VALUE=DATE:20200903
RRULE:FREQ=WEEKLY;COUNT=4
END:VEVENT
BEGIN:VEVENT
UID:s1
RECURRENCE-ID;VALUE=DATE:20200910
SUMMARY:Kurs (extra lång)
DTSTART;VALUE=DATE:20200910
DTEND;VALUE=DATE:20200912
END:VEVENT""",
    )
    assert "1 occurrence(s) with their own title or text are single events" in result.output
    assert "    except: [2020-09-10]\n" in path.read_text(encoding="utf-8")
    assert same_occurrences(occurrences(imported_feed(make_app, path)), occurrences(source.read_bytes()))


def test_a_moved_occurrence_the_rule_does_not_have_is_kept_as_an_event_of_its_own(runner, tmp_path, make_app):
    path, source, result = import_ics(
        runner,
        tmp_path,
        """
BEGIN:VEVENT
UID:w
SUMMARY:Veckomöte
DTSTART;TZID=Europe/Stockholm:20200106T090000
DTEND;TZID=Europe/Stockholm:20200106T100000
RRULE:FREQ=WEEKLY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:w
RECURRENCE-ID;TZID=Europe/Stockholm:20200108T090000
SUMMARY:Veckomöte
DTSTART;TZID=Europe/Stockholm:20200109T090000
DTEND;TZID=Europe/Stockholm:20200109T100000
END:VEVENT""",
    )  # 8 January is a Wednesday: no occurrence of the Monday series
    assert result.exit_code == 0, result.output
    schedule = check(path.read_bytes()).schedule
    assert sorted(e.start.day for e in schedule.events) == [6, 9]  # the series, and the event on the 9th
    assert [e.recurrence.changes for e in schedule.events if e.recurrence] == [()]
    assert same_occurrences(occurrences(imported_feed(make_app, path)), occurrences(source.read_bytes()))


def test_outlooks_midnight_to_midnight_all_day_appointment_is_all_day_and_categories_give_the_type(runner, tmp_path):
    path, _, result = import_ics(
        runner,
        tmp_path,
        """
BEGIN:VEVENT
UID:d
SUMMARY:Utbildningsdagar
CATEGORIES:Blå kategori,Utbildning
DTSTART;TZID=W. Europe Standard Time:20200301T000000
DTEND;TZID=W. Europe Standard Time:20200303T000000
X-MICROSOFT-CDO-ALLDAYEVENT:TRUE
END:VEVENT""",
    )
    assert result.exit_code == 0, result.output
    (event,) = check(path.read_bytes()).schedule.events
    assert (event.start, event.end, event.type) == (dt.date(2020, 3, 1), dt.date(2020, 3, 2), "training")
    assert "without a type" not in result.output


def test_a_series_until_the_year_9999_is_a_series_without_end(runner, tmp_path, make_app):
    path, source, result = import_ics(runner, tmp_path, "BEGIN:VEVENT\nUID:y\nSUMMARY:Årsmöte\n"
                                      "DTSTART;VALUE=DATE:20200312\n"
                                      "RRULE:FREQ=YEARLY;UNTIL=99991231\nEND:VEVENT")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "    repeat:\n      every: year\n" in path.read_text(encoding="utf-8") and "until" not in path.read_text()
    assert same_occurrences(occurrences(imported_feed(make_app, path)), occurrences(source.read_bytes()))


def test_a_time_in_the_hour_that_repeats_in_autumn_keeps_its_instant(runner, tmp_path, make_app):
    path, source, result = import_ics(runner, tmp_path, "BEGIN:VEVENT\nUID:f\nSUMMARY:Natt\n"
                                      "DTSTART:20201025T013000Z\nDTEND:20201025T020000Z\nEND:VEVENT")  # fmt: skip
    assert result.exit_code == 0, result.output  # 02:30 Stockholm time comes twice; this is the second
    assert "    timezone: UTC\n" in path.read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith(MINIMAL.replace("events: []\n", "events:\n"))
    assert same_occurrences(occurrences(imported_feed(make_app, path)), occurrences(source.read_bytes()))


def test_an_endless_series_the_format_cannot_say_is_reported_not_imported(runner, tmp_path):
    path, _, result = import_ics(runner, tmp_path, "BEGIN:VEVENT\nUID:e\nSUMMARY:Varje timme\n"
                                 "DTSTART:20200302T090000Z\nRRULE:FREQ=HOURLY\nEND:VEVENT")  # fmt: skip
    assert "NOT IMPORTED: it repeats hourly, more often than once a day, and it has no end" in result.output
    assert path.read_text(encoding="utf-8") == MINIMAL


# -- an https feed ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate_authority():
    return trustme.CA()


@contextmanager
def https_server(ca: trustme.CA, routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[str]:
    """An https server on 127.0.0.1 answering each path with (status, headers, body)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            status, headers, body = routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                if value:
                    self.send_header(name, value.replace("{port}", str(self.server.server_address[1])))
            if "Content-Length" not in headers:  # "" leaves it out: the body ends where the connection does
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (ConnectionError, ssl.SSLError):
                pass  # the client stopped reading, as it should past its limit

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def trusted(certificate_authority, tmp_path, monkeypatch):
    """The test authority as the only one trusted: ssl.create_default_context reads SSL_CERT_FILE."""
    pem = tmp_path / "ca.pem"
    certificate_authority.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    return certificate_authority


def test_a_feed_is_imported_from_an_https_address_following_a_redirect_on_the_same_host(runner, events, trusted):
    routes = {"/old.ics": (301, {"Location": "https://127.0.0.1:{port}/kalender.ics"}, b""),
              "/kalender.ics": (200, {"Content-Type": "text/calendar"}, OUTLOOK.read_bytes())}  # fmt: skip
    with https_server(trusted, routes) as base:
        result = run(runner, f"{base}/old.ics", "--into", str(events))
    assert result.exit_code == 0, result.output
    assert "5 events added" in result.output


def test_a_webcal_address_is_read_as_https(runner, events, trusted):
    with https_server(trusted, {"/k.ics": (200, {}, OUTLOOK.read_bytes())}) as base:
        result = run(runner, base.replace("https://", "webcal://") + "/k.ics", "--into", str(events))
    assert result.exit_code == 0, result.output
    assert "5 events added" in result.output


HOSTILE_ANSWERS = {
    "/moved-away.ics": ((301, {"Location": "https://localhost:{port}/kalender.ics"}, b""), "redirects to https://localhost"),
    "/to-http.ics": ((302, {"Location": "http://127.0.0.1:{port}/kalender.ics"}, b""),
                     "only a redirect to https on 127.0.0.1"),
    "/missing.ics": ((404, {}, b"gone"), "answered 404"),
    "/page.ics": ((200, {"Content-Type": "text/html"}, b"<html>Logga in</html>"), "is not an iCalendar file"),
    "/huge.ics": ((200, {}, b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 6_000_000), "is larger than 5,000,000 bytes"),
    "/huge-unannounced.ics": ((200, {"Content-Length": ""}, b"BEGIN:VCALENDAR\r\n" + b"x" * 6_000_000),
                              "is larger than 5,000,000 bytes"),
}  # fmt: skip


@pytest.mark.parametrize("path", HOSTILE_ANSWERS)
def test_a_hostile_feed_is_refused_with_a_message_and_the_file_untouched(runner, events, trusted, path):
    answer, message = HOSTILE_ANSWERS[path]
    before = events.read_bytes()
    with https_server(trusted, {path: answer}) as base:
        result = run(runner, f"{base}{path}", "--into", str(events))
    assert result.exit_code == 1
    assert message in result.output and "nothing imported" in result.output
    assert events.read_bytes() == before


def test_an_address_that_is_not_https_is_refused_without_asking_it(runner, events):
    before = events.read_bytes()
    result = run(runner, "http://127.0.0.1:9/kalender.ics", "--into", str(events))
    assert result.exit_code == 1 and "only https:// addresses are imported" in result.output
    assert events.read_bytes() == before


def test_a_server_with_an_untrusted_certificate_is_refused(runner, events, certificate_authority):
    with https_server(certificate_authority, {"/k.ics": (200, {}, OUTLOOK.read_bytes())}) as base:
        result = run(runner, f"{base}/k.ics", "--into", str(events))
    assert result.exit_code == 1 and "the server's certificate is not trusted" in result.output


def test_a_server_that_does_not_answer_times_out(runner, events, monkeypatch):
    monkeypatch.setattr(fetch, "TIMEOUT", 0.5)
    listener = socket.create_server(("127.0.0.1", 0))  # accepts the connection, never says a word
    try:
        result = run(runner, f"https://127.0.0.1:{listener.getsockname()[1]}/k.ics", "--into", str(events))
    finally:
        listener.close()
    assert result.exit_code == 1 and "did not answer within 0.5 seconds" in result.output


def test_an_address_where_nothing_listens_cannot_be_reached(runner, events):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    result = run(runner, f"https://127.0.0.1:{port}/k.ics", "--into", str(events))
    assert result.exit_code == 1 and "cannot be reached" in result.output


# -- hostile files -------------------------------------------------------------------------------------


HOSTILE_FILES = {
    "huge.ics": (b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 5_000_001, "is larger than 5,000,000 bytes"),
    "not-ics.ics": (b"\x89PNG\r\n\x1a\n\x00\x00binary", "is not an iCalendar file"),
    "broken-date.ics": (source_ics("BEGIN:VEVENT\nUID:a\nSUMMARY:A\nDTSTART:2020-13-45T25\nEND:VEVENT"),
                        "is not a valid iCalendar file"),
    "unclosed.ics": (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20200101T100000Z\r\n",
                     "is not a valid iCalendar file"),
    "too-many.ics": (source_ics("BEGIN:VEVENT\nUID:a\nDTSTART:20200101\nEND:VEVENT\n" * 10_001),
                     "has more than 10,000 events"),
    "formula.csv": (b"titel;datum\r\n=cmd|' /C calc'!A0;2020-01-10\r\n",
                    "formula.csv:2: the title cell starts like a spreadsheet formula"),
    "at-formula.csv": ("titel;datum;beskrivning\r\nMöte;2020-01-10;@SUM(1+1)*cmd|' /C calc'!A0\r\n".encode(),
                       "the description cell starts like a spreadsheet formula"),
    "plus-formula.csv": (b"titel;datum\r\n+cmd|' /C calc'!A0;2020-01-10\r\n", "starts like a spreadsheet formula"),
    "minus-formula.csv": (b"titel;datum\r\n-2+3+cmd|' /C calc'!A0;2020-01-10\r\n", "starts like a spreadsheet formula"),
    "latin1.csv": ("titel;datum\r\nMöte i Växjö;2020-01-10\r\n".encode("cp1252"), "is not UTF-8 text"),
    "ambiguous.csv": ("titel;datum\r\nMöte;21/10/2019\r\n".encode(),
                      "ambiguous.csv:2: the date (datum) '21/10/2019' is ambiguous"),
    "unknown-column.csv": ("titel;datum;platts\r\nMöte;2020-01-10;Kalmar\r\n".encode(),
                           "unknown column 'platts' (column 3) (did you mean 'plats'?)"),
    "twice.csv": ("titel;datum;titel\r\nMöte;2020-01-10;Annat\r\n".encode(),
                  "the column 'titel' (column 3) is given twice"),
    "stray-quote.csv": ('titel;datum\r\n"Möte "x" i Kalmar;2020-01-10\r\n'.encode(),
                        "stray-quote.csv:2: the row cannot be read"),
    "no-date.csv": ("titel;plats\r\nMöte;Kalmar\r\n".encode(), "the column 'datum' ('date') is missing"),
    "empty.csv": (b"", "is empty"),
    "binary.csv": (b"PK\x03\x04\x00\x00xlsx", "contains NUL bytes"),
}  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_a_hostile_file_is_refused_with_a_message_and_the_events_file_untouched(runner, events, tmp_path, name):
    data, message = HOSTILE_FILES[name]
    source = tmp_path / name
    source.write_bytes(data)
    before = events.read_bytes()
    result = run(runner, str(source), "--into", str(events))
    assert result.exit_code == 1
    assert message in result.output and result.output.startswith("Error: ")
    assert events.read_bytes() == before


def test_warnings_the_import_brings_are_shown(runner, events, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text("titel;datum;projekt\nEfter projektet;2021-01-10;umbrella\n", encoding="utf-8")
    result = run(runner, str(source), "--into", str(events), "--dry-run")
    assert result.exit_code == 0
    assert (
        "warning: the event on line" in result.output and "is outside the period of project 'umbrella'" in result.output
    )


def test_a_source_whose_result_would_not_pass_check_writes_nothing_and_shows_the_problem(runner, events, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text("titel;datum;starttid\r\nNattmöte;2020-03-29;02:30\r\n", encoding="utf-8")
    before = events.read_bytes()
    result = run(runner, str(source), "--into", str(events))
    assert result.exit_code == 1
    assert "2020-03-29 02:30 does not exist in Europe/Stockholm" in result.output
    assert "would not pass 'calfeed check' after the import" in result.output and "nothing written" in result.output
    assert events.read_bytes() == before


def test_an_events_file_with_errors_is_not_imported_into(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(MINIMAL + "  - title: A\n    type: party\n    start: 2020-01-01\n", encoding="utf-8")
    result = run(runner, str(OUTLOOK), "--into", str(path))
    assert result.exit_code == 1 and "fix the errors first; nothing imported" in result.output


def test_an_unknown_project_is_refused_with_a_suggestion(runner, events):
    result = run(runner, str(OUTLOOK), "--into", str(events), "--project", "umbrela")
    assert result.exit_code == 1 and "has no project 'umbrela' (did you mean 'umbrella'?)" in result.output


# -- a spreadsheet ----------------------------------------------------------------------------------------


def test_the_template_is_what_swedish_excel_writes_bom_semicolons_and_crlf():
    data = TEMPLATE.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    assert (
        data[3:].split(b"\r\n")[0].decode()
        == "titel;datum;starttid;slutdatum;sluttid;plats;typ;projekt;beskrivning;länk;status"
    )


def test_a_spreadsheet_from_the_template_imports(runner, events, tmp_path):
    source = tmp_path / "plan.csv"
    rows = [
        "Utbildning i projektekonomi;2020-03-17;09:00;;16:00;Kalmar;Utbildning;umbrella;"
        '"Steg för steg:\n- budget\n- rapporter";https://www.regionkalmar.se/;Bekräftat',
        "Studieresa;2020-04-20;;2020-04-21;;Gdynia, Polen;studieresa;;;;preliminärt",
        'Konferens;2020-05-06;10:00;2020-05-07;15:30;Gdańsk;konferens;umbrella;"Text med ; och ""citat""";;inställt',
    ]
    header = TEMPLATE.read_bytes().decode("utf-8-sig").split("\r\n")[0]
    source.write_bytes(("\ufeff" + "\r\n".join([header, *[r.replace("\n", "\r\n") for r in rows]]) + "\r\n").encode())
    result = run(runner, str(source), "--into", str(events))
    assert result.exit_code == 0, result.output
    schedule = check(events.read_bytes()).schedule
    got = {e.title.get(): e for e in schedule.events if e.id.startswith("import-")}
    training = got["Utbildning i projektekonomi"]
    assert (training.type, training.location, training.start, training.end, training.status) == (
        "training", "kalmar", dt.datetime(2020, 3, 17, 9, tzinfo=STOCKHOLM),
        dt.datetime(2020, 3, 17, 16, tzinfo=STOCKHOLM), "confirmed")  # fmt: skip
    assert training.description.get() == "Steg för steg:\n- budget\n- rapporter"
    trip = got["Studieresa"]
    assert (trip.type, trip.start, trip.end, trip.status, schedule.locations[trip.location].country) == (
        "study-trip",
        dt.date(2020, 4, 20),
        dt.date(2020, 4, 21),
        "tentative",
        "PL",
    )
    conference = got["Konferens"]
    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")  # the place's local time, as staff write it
    assert (conference.start, conference.end, conference.status, conference.description.get()) == (
        dt.datetime(2020, 5, 6, 10, tzinfo=warsaw), dt.datetime(2020, 5, 7, 15, 30, tzinfo=warsaw), "cancelled",
        'Text med ; och "citat"')  # fmt: skip
    once = events.read_bytes()
    run(runner, str(source), "--into", str(events))
    assert events.read_bytes() == once


def test_a_comma_separated_spreadsheet_with_english_headers_and_no_bom_imports(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    source = tmp_path / "plan.csv"
    source.write_text("Title,Date,Start time,End time,Place,Type\nWorkshop,2020-02-03,13:00,15:00,Klaipėda,workshop\n",
                      encoding="utf-8")  # fmt: skip
    result = run(runner, str(source), "--into", str(path))
    assert result.exit_code == 0, result.output
    (event,) = check(path.read_bytes()).schedule.events
    assert event.start == dt.datetime(2020, 2, 3, 13, tzinfo=zoneinfo.ZoneInfo("Europe/Vilnius"))
    assert event.location == "klaipeda" and event.type == "workshop"


def test_list_items_and_phone_numbers_are_text_not_formulas(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    source = tmp_path / "plan.csv"
    source.write_text("titel;datum;beskrivning\n- Möte;2020-02-03;+46 480 12 34 56\n", encoding="utf-8")
    result = run(runner, str(source), "--into", str(path))
    assert result.exit_code == 0, result.output
    (event,) = check(path.read_bytes()).schedule.events
    assert (event.title.get(), event.description.get()) == ("- Möte", "+46 480 12 34 56")
