"""Repeating events: the format, its mistakes, the feeds (read back by two independent expanders),
and the pages and JSON that show the occurrences."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import zoneinfo
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from conftest import MINIMAL, dedent
from freezegun import freeze_time
from ical.calendar_stream import IcsCalendarStream
from icalcheck import strict_events

from calfeed import recurrence
from calfeed.ledger import content_hash
from calfeed.loader import check, load
from calfeed.model import Event, Filter, Recurrence, Text, select

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "recurring.yaml"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
FIRST_EVENT_LINE = MINIMAL.count("\n") + 1


def at(day: str, clock: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=STOCKHOLM)


# Written out by hand from the fixture: every second Tuesday from 7 January to 15 December 2020,
# all at 10:00 Stockholm time (UTC+1 in winter, UTC+2 from 29 March to 25 October); 21 July
# skipped; 14 April moved to Thursday 16 April 13:00; 10 November cancelled.
EXPECTED_CALL = [
    (at("2020-01-07"), "CONFIRMED"), (at("2020-01-21"), "CONFIRMED"), (at("2020-02-04"), "CONFIRMED"),
    (at("2020-02-18"), "CONFIRMED"), (at("2020-03-03"), "CONFIRMED"), (at("2020-03-17"), "CONFIRMED"),
    (at("2020-03-31"), "CONFIRMED"),  # the first call in summer time
    (at("2020-04-16", "13:00"), "CONFIRMED"),  # moved from Tuesday 14 April
    (at("2020-04-28"), "CONFIRMED"), (at("2020-05-12"), "CONFIRMED"), (at("2020-05-26"), "CONFIRMED"),
    (at("2020-06-09"), "CONFIRMED"), (at("2020-06-23"), "CONFIRMED"), (at("2020-07-07"), "CONFIRMED"),
    # 2020-07-21 skipped
    (at("2020-08-04"), "CONFIRMED"), (at("2020-08-18"), "CONFIRMED"), (at("2020-09-01"), "CONFIRMED"),
    (at("2020-09-15"), "CONFIRMED"), (at("2020-09-29"), "CONFIRMED"), (at("2020-10-13"), "CONFIRMED"),
    (at("2020-10-27"), "CONFIRMED"),  # the first call in winter time again
    (at("2020-11-10"), "CANCELLED"),
    (at("2020-11-24"), "CONFIRMED"), (at("2020-12-08"), "CONFIRMED"),
]  # fmt: skip


@pytest.fixture
def recurring_client(make_app):
    return make_app(FIXTURE.read_text(encoding="utf-8")).test_client()


def expand_with_recurring_ical_events(body: bytes, first: dt.date, last: dt.date) -> list:
    return recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(first, last)


def expand_with_ical(body: bytes, first: dt.date, last: dt.date) -> list:
    timeline = IcsCalendarStream.calendar_from_ics(body.decode("utf-8")).timeline_tz(STOCKHOLM)
    start = dt.datetime.combine(first, dt.time(0), STOCKHOLM)
    return list(timeline.overlapping(start, dt.datetime.combine(last, dt.time(0), STOCKHOLM)))


def call_in_recurring_ical_events(body: bytes) -> list[tuple[dt.datetime, str]]:
    found = expand_with_recurring_ical_events(body, dt.date(2019, 1, 1), dt.date(2022, 1, 1))
    return [(e["DTSTART"].dt.astimezone(STOCKHOLM), str(e["STATUS"])) for e in found
            if str(e["UID"]).startswith("samordnarmote@")]  # fmt: skip


def call_in_ical(body: bytes) -> list[tuple[dt.datetime, str]]:
    found = expand_with_ical(body, dt.date(2019, 1, 1), dt.date(2022, 1, 1))
    return [(e.dtstart.astimezone(STOCKHOLM), e.status.value) for e in found if e.uid.startswith("samordnarmote@")]


# -- the feed ---------------------------------------------------------------------------------------


def test_biweekly_call_stays_at_ten_stockholm_time_across_both_dst_changes_in_two_expanders(recurring_client):
    body = recurring_client.get("/calendar.ics").data
    assert call_in_recurring_ical_events(body) == EXPECTED_CALL
    assert call_in_ical(body) == EXPECTED_CALL
    # Anchored in the zone, not at a fixed offset: 10:00 is 09:00 UTC in winter and 08:00 UTC in summer.
    utc_hours = {start.astimezone(dt.UTC).hour for start, _ in EXPECTED_CALL if start.hour == 10}
    assert utc_hours == {8, 9}


def test_series_is_one_vevent_with_rrule_and_exdate_plus_one_override_per_change(recurring_client):
    body = recurring_client.get("/calendar.ics").data
    components = [c for c in icalendar.Calendar.from_ical(body).walk("VEVENT") if c["UID"].startswith("samordnarmote@")]
    series, moved, cancelled = components
    assert series["RRULE"]["FREQ"] == ["WEEKLY"] and series["RRULE"]["INTERVAL"] == [2]
    assert series["RRULE"]["UNTIL"] == [dt.datetime(2020, 12, 15, 22, 59, 59, tzinfo=dt.UTC)]
    assert series["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert [d.dt for d in series["EXDATE"].dts] == [at("2020-07-21")]
    assert moved["RECURRENCE-ID"].dt == at("2020-04-14") and moved["LOCATION"] == "Växjö, Sverige"
    assert cancelled["RECURRENCE-ID"].dt == at("2020-11-10") and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SUMMARY"] == "INSTÄLLT: Samordnarmöte"
    vtimezone = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")[0]
    assert {sub.name for sub in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}  # real DST rules


def test_hiding_cancelled_events_turns_the_cancelled_occurrence_into_an_exdate(recurring_client):
    body = recurring_client.get("/calendar.ics?cancelled=hide").data
    expected = [(start, status) for start, status in EXPECTED_CALL if status != "CANCELLED"]
    assert call_in_recurring_ical_events(body) == expected
    assert call_in_ical(body) == expected


def test_series_without_end_carries_only_its_rule_in_the_feed(recurring_client):
    body = recurring_client.get("/calendar.ics").data
    (monthly,) = [c for c in strict_events(body) if c.uid.startswith("partnermote@")]
    assert monthly.rrule is not None and monthly.rrule.until is None and monthly.rrule.count is None
    assert body.count(b"UID:partnermote@") == 1
    found = expand_with_recurring_ical_events(body, dt.date(2030, 1, 1), dt.date(2031, 1, 1))
    assert sum(str(e["UID"]).startswith("partnermote@") for e in found) == 12  # clients expand it themselves


def test_all_day_series_with_count_expands_to_four_thursdays(recurring_client):
    body = recurring_client.get("/calendar.ics").data
    for found in (expand_with_recurring_ical_events(body, dt.date(2020, 1, 1), dt.date(2021, 1, 1)),):
        days = [e["DTSTART"].dt for e in found if str(e["UID"]).startswith("kurs-projektledning@")]
        assert days == [dt.date(2020, 9, 3), dt.date(2020, 9, 10), dt.date(2020, 9, 17), dt.date(2020, 9, 24)]
    strict = expand_with_ical(body, dt.date(2020, 1, 1), dt.date(2021, 1, 1))
    assert [e.dtstart for e in strict if e.uid.startswith("kurs-")] == [dt.date(2020, 9, d) for d in (3, 10, 17, 24)]


def test_per_event_download_of_a_series_carries_the_series_and_its_overrides(recurring_client):
    response = recurring_client.get("/events/samordnarmote.ics")
    assert response.status_code == 200
    assert call_in_recurring_ical_events(response.data) == EXPECTED_CALL
    assert call_in_ical(response.data) == EXPECTED_CALL
    assert {e.uid for e in strict_events(response.data)} == {"samordnarmote@calfeed.regionkalmar.se"}


def test_feed_limited_to_recent_days_keeps_a_series_that_is_still_running(make_app):
    client = make_app(FIXTURE.read_text(encoding="utf-8"), CALFEED_PAST_DAYS=30).test_client()
    with freeze_time("2020-07-01 12:00"):
        body = client.get("/calendar.ics").data
    uids = {e.uid.split("@")[0] for e in strict_events(body)}
    # the May conference is over
    assert uids == {"samordnarmote", "partnermote", "kurs-projektledning", "veckomote-vilnius"}


# -- the model --------------------------------------------------------------------------------------


def test_a_field_at_its_default_leaves_the_ledger_hash_of_existing_events_unchanged():
    event = Event("x", Text("X"), "meeting", dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    assert content_hash(event) == "753404a9998314efe41d13083559c1e9"  # as before series existed
    with_rule = Event("x", Text("X"), "meeting", dt.date(2020, 1, 1), dt.date(2020, 1, 1),
                      recurrence=Recurrence("FREQ=DAILY;COUNT=2"))  # fmt: skip
    assert content_hash(with_rule) != content_hash(event)


def test_expansion_of_an_endless_daily_series_is_bounded():
    event = Event("daily", Text("D"), "meeting", dt.date(2000, 1, 1), dt.date(2000, 1, 1),
                  recurrence=Recurrence("FREQ=DAILY"))  # fmt: skip
    found = recurrence.occurrences(event, dt.date(2000, 1, 1), dt.date(2100, 1, 1), STOCKHOLM)
    assert len(found) == recurrence.MAX_OCCURRENCES
    assert recurrence.last_day(event, STOCKHOLM) == dt.date.max


def test_a_counted_series_ends_on_its_last_occurrence_and_the_model_leaves_that_to_the_rule():
    event = Event("trio", Text("T"), "meeting", at("2020-01-07", "23:00"), at("2020-01-08", "01:00"),
                  recurrence=Recurrence("FREQ=WEEKLY;COUNT=3"))  # fmt: skip
    assert recurrence.last_day(event, STOCKHOLM) == dt.date(2020, 1, 22)  # the third, past midnight
    assert recurrence.last_day(event, dt.UTC) == dt.date(2020, 1, 21)  # ends at midnight UTC
    with pytest.raises(ValueError) as raised:
        event.last_day(STOCKHOLM)
    assert "recurrence.last_day" in str(raised.value)


def test_hiding_cancelled_keeps_the_series_but_skips_the_cancelled_occurrence():
    schedule = load(FIXTURE)
    (call,) = select([schedule.by_id["samordnarmote"]], Filter(hide_cancelled=True))
    assert dt.date(2020, 11, 10) in call.recurrence.exceptions
    assert [c.date for c in call.recurrence.changes] == [dt.date(2020, 4, 14)]


# -- the format and its mistakes ---------------------------------------------------------------------


def series(text: str) -> str:
    return MINIMAL + dedent("""
      - id: call
        title: Call
        type: meeting
        start: 2020-01-07 10:00
    """) + textwrap.indent(dedent(text), "  ")  # fmt: skip


def test_staff_form_and_raw_rrule_mean_the_same_series():
    staff = load_text(
        series("""
        repeat: {every: week, interval: 2, on: [tisdag], count: 6}
    """)
    )
    expert = load_text(
        series("""
        rrule: FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6
    """)
    )
    assert staff.recurrence == expert.recurrence == Recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6")


def test_monthly_on_the_first_thursday_and_an_rrule_until_in_utc():
    event = load_text(
        series("""
        rrule: RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20200303T090000Z
    """)
    )
    assert event.recurrence.until == dt.datetime(2020, 3, 3, 10, 0)  # local wall clock
    starts = [o.start for o in recurrence.occurrences(event, dt.date(2020, 1, 1), dt.date(2021, 1, 1), STOCKHOLM)]
    assert starts[-1] == at("2020-03-03")
    monthly = load_text(
        MINIMAL
        + dedent("""
      - id: partners
        title: Partners
        type: meeting
        start: 2020-02-06
        repeat: {every: month, on: first thursday, until: 2020-05-31}
    """)
    )
    days = [o.start for o in recurrence.occurrences(monthly, dt.date(2020, 1, 1), dt.date(2021, 1, 1), STOCKHOLM)]
    assert days == [dt.date(2020, 2, 6), dt.date(2020, 3, 5), dt.date(2020, 4, 2), dt.date(2020, 5, 7)]


def load_text(text: str) -> Event:
    result = check(text)
    assert result.errors == (), [str(p) for p in result.errors]
    return result.schedule.events[0]


L = FIRST_EVENT_LINE + 4  # the first line after 'start:' in series()


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        pytest.param("repeat:\n  every: week\n  on: [tuesday, tusday]\n", L + 2,
                     "unknown weekday 'tusday'", id="unknown weekday"),
        pytest.param("repeat:\n  every: week\n  until: 2019-12-31\n", L + 2,
                     "the series ends (until 2019-12-31) before it starts (2020-01-07)", id="until before start"),
        pytest.param("repeat:\n  every: week\n  until: 2020-06-30\n  count: 6\n", L + 3,
                     "the series has both 'until' and 'count'", id="both until and count"),
        pytest.param("repeat: {every: week}\nexcept: [2020-01-14, 2020-01-15]\n", L + 1,
                     "2020-01-15 (Wednesday) in 'except' is not a date of this series",
                     id="exception not an occurrence"),
        pytest.param("repeat: {every: week, interval: 2}\nchanges:\n  2020-01-14:\n    status: cancelled\n", L + 2,
                     "2020-01-14 (Tuesday) in 'changes' is not a date of this series", id="change not an occurrence"),
        pytest.param("rrule: FREQ=WEEKLY;BYDAY=TUE\n", L,
                     "the rrule 'FREQ=WEEKLY;BYDAY=TUE' is malformed: invalid 'BYDAY'", id="malformed rrule value"),
        pytest.param("rrule: INTERVAL=2\n", L, "the rrule 'INTERVAL=2' is malformed: it has no FREQ",
                     id="rrule without FREQ"),
        pytest.param("rrule: FREQ=WEEKLY;;COUNT=2\n", L, "is malformed: '' is not one NAME=VALUE",
                     id="rrule empty part"),
        pytest.param("rrule: FREQ=DAILY;COUNT=3;UNTIL=20200301\n", L, "it has both UNTIL and COUNT",
                     id="rrule until and count"),
        pytest.param("rrule: FREQ=HOURLY\n", L, "a series repeats at most once a day", id="rrule hourly"),
        pytest.param("repeat: {every: week, on: [monday]}\n", L,
                     "the series starts on Tuesday 2020-01-07, which is not one of the days it repeats on",
                     id="start not an occurrence"),
        pytest.param("repeat: {every: fortnight}\n", L, "unknown period in 'every' 'fortnight'", id="unknown period"),
        pytest.param("repeat: {every: week, on: [second tuesday]}\n", L,
                     "'second tuesday' only applies to a series repeating every month or year", id="ordinal weekly"),
        pytest.param("except: [2020-01-14]\n", L, "'except' only applies to a repeating event", id="except alone"),
        pytest.param("repeat: {every: week}\nrrule: FREQ=WEEKLY\n", L + 1, "both 'repeat' and 'rrule'",
                     id="both forms"),
        pytest.param("repeat: {every: week}\nexcept: [2020-01-14]\nchanges:\n  2020-01-14: {status: cancelled}\n",
                     L + 3, "2020-01-14 is both skipped in 'except' and changed", id="skipped and changed"),
        pytest.param("repeat: {every: week}\nchanges:\n  2020-01-14: {start: 2020-01-15}\n", L + 2,
                     "must be a date and a time, like the series'", id="change start is a date"),
        pytest.param("repeat: {every: week}\nchanges:\n  2020-01-14: {start: 2020-03-29 02:30}\n", L + 2,
                     "2020-03-29 02:30 does not exist in Europe/Stockholm", id="change start in the DST gap"),
        pytest.param("repeat: {every: week}\nchanges:\n  2020-01-14: {location: växjö}\n", L + 2,
                     "unknown location 'växjö'", id="change to an unknown place"),
        pytest.param("repeat: {every: week}\nchanges:\n  2020-01-14: {}\n", L + 2, "changes nothing",
                     id="empty change"),
        pytest.param("repeat: {every: week, interval: ²}\n", L, "'interval' '²' is not a whole number from 1 to 1000",
                     id="superscript interval"),
        pytest.param("repeat: {every: week, count: ³}\n", L, "'count' '³' is not a whole number",
                     id="superscript count"),
        pytest.param("rrule: FREQ=WEEKLY;COUNT=²\n", L, "the rrule 'FREQ=WEEKLY;COUNT=²' is malformed",
                     id="superscript COUNT"),
    ],
)  # fmt: skip
def test_each_series_mistake_is_reported_with_its_line(body, line, words):
    result = check(series(body), "events.yaml")
    assert result.schedule is None
    assert len(result.errors) == 1, [str(p) for p in result.errors]
    (problem,) = result.errors
    assert words in problem.message
    assert problem.line == line


def test_a_date_that_is_not_an_occurrence_gets_the_nearest_ones_as_a_hint():
    result = check(series("repeat: {every: week, interval: 2}\nexcept: [2020-01-14]\n"))
    (problem,) = result.errors
    assert problem.hint == "the nearest dates of the series are 2020-01-07 and 2020-01-21"


def test_unknown_weekday_suggests_the_closest_name():
    (problem,) = check(series("repeat: {every: week, on: [tusday]}\n")).errors
    assert problem.hint == "did you mean 'tuesday'?"


def test_a_later_start_on_the_same_cycle_gives_the_same_occurrences():
    for rule in ("FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "FREQ=MONTHLY;BYMONTHDAY=31"):
        series = Recurrence(rule)
        start = dt.datetime(1999, 12, 30, 10, 0)
        lower, upper = dt.datetime(2020, 1, 1), dt.datetime(2020, 6, 1)
        walked = recurrence.rule_of(series, start).between(lower, upper, inc=True)
        assert recurrence.rule_of(series, start, near=lower).between(lower, upper, inc=True) == walked
        assert walked


# -- pages and JSON ----------------------------------------------------------------------------------

ITEM = re.compile(r'<li class="event([^"]*)">.*?href="/events/([^"]+)".*?<time datetime="([^"]+)"', re.DOTALL)


def agenda_items(html: str) -> list[tuple[str, dt.date | dt.datetime, bool]]:
    def parse(text: str) -> dt.date | dt.datetime:
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)

    return [(event_id, parse(when), "cancelled" in classes) for classes, event_id, when in ITEM.findall(html)]


def feed_items(found: list, read) -> list[tuple[str, dt.date | dt.datetime, bool]]:
    return sorted((read(e)[0].split("@")[0], read(e)[1], read(e)[2] == "CANCELLED") for e in found)  # type: ignore


def test_agenda_shows_the_same_occurrences_as_both_feed_expanders_for_the_same_window(recurring_client):
    with freeze_time("2020-03-01 12:00"):
        html = recurring_client.get("/").get_data(as_text=True)
        body = recurring_client.get("/calendar.ics").data
    first, last = dt.date(2020, 3, 1), dt.date(2020, 3, 1) + recurrence.AHEAD + dt.timedelta(days=1)
    shown = sorted(agenda_items(html))
    by_recurring = feed_items(expand_with_recurring_ical_events(body, first, last),
                              lambda e: (str(e["UID"]), e["DTSTART"].dt, str(e["STATUS"])))  # fmt: skip
    by_ical = feed_items(expand_with_ical(body, first, last), lambda e: (e.uid, e.dtstart, e.status.value))
    assert shown == by_recurring == by_ical
    assert len([item for item in shown if item[0] == "samordnarmote"]) == 20  # 3 March to 8 December, 21 July skipped
    assert ("samordnarmote", at("2020-04-16", "13:00"), False) in shown
    assert ("samordnarmote", at("2020-11-10"), True) in shown
    assert len([item for item in shown if item[0] == "partnermote"]) == 12  # a year ahead, though it never ends


def test_series_page_lists_its_next_dates_the_moved_one_and_its_exceptions(recurring_client):
    with freeze_time("2020-04-01 12:00"):
        html = recurring_client.get("/en/events/samordnarmote").get_data(as_text=True)
    series_part = html[html.index('id="series-heading"') :]
    starts = re.findall(r'<li[^>]*><time datetime="([^"]+)"', series_part[: series_part.index('class="exceptions"')])
    assert starts[:3] == ["2020-04-16T13:00:00+02:00", "2020-04-28T10:00:00+02:00", "2020-05-12T10:00:00+02:00"]
    assert len(starts) == 10
    assert "moved from Tuesday 14 April 2020" in series_part
    assert '<time datetime="2020-07-21">Tuesday 21 July 2020</time>' in series_part  # the skipped date


def test_series_page_marks_a_cancelled_date_and_ends_with_the_series(recurring_client):
    with freeze_time("2020-10-01 12:00"):
        html = recurring_client.get("/events/samordnarmote").get_data(as_text=True)
    series_part = html[html.index('id="series-heading"') : html.index("</section>", html.index('id="series-heading"'))]
    assert re.findall(r'<time datetime="(2020-[^"]+)T', series_part) == [
        "2020-10-13",
        "2020-10-27",
        "2020-11-10",
        "2020-11-24",
        "2020-12-08",
    ]
    assert '<li class="cancelled"><time datetime="2020-11-10T10:00:00+01:00">' in series_part


def test_past_page_shows_the_occurrences_that_are_over(recurring_client):
    with freeze_time("2020-03-20 12:00"):
        html = recurring_client.get("/past").get_data(as_text=True)
    shown = agenda_items(html)
    assert [(i, w) for i, w, _ in shown if i == "samordnarmote"] == [
        ("samordnarmote", at(day)) for day in ("2020-03-17", "2020-03-03", "2020-02-18", "2020-02-04", "2020-01-21",
                                               "2020-01-07")]  # fmt: skip


def test_events_json_lists_the_occurrences_in_the_asked_window(recurring_client):
    body = recurring_client.get("/en/events.json?from=2020-04-01&to=2020-04-30").json
    listed = [
        (e["id"], e["start"], e["recurrence_id"], e["location"])
        for e in body["events"]
        if e["id"] != "veckomote-vilnius"
    ]  # (the weekly series has its own tests in test_conformance)
    assert listed == [
        ("partnermote", "2020-04-02T09:00:00+02:00", "2020-04-02T09:00:00+02:00", "kalmar"),
        ("samordnarmote", "2020-04-16T13:00:00+02:00", "2020-04-14T10:00:00+02:00", "vaxjo"),
        ("samordnarmote", "2020-04-28T10:00:00+02:00", "2020-04-28T10:00:00+02:00", "kalmar"),
    ]


def test_events_json_by_default_lists_single_events_and_a_bounded_stretch_of_each_series(recurring_client):
    with freeze_time("2020-03-01 12:00"):
        body = recurring_client.get("/events.json").json
    ids = [e["id"] for e in body["events"]]
    assert (
        ids.count("konferens-2020") == 1 and ids.count("samordnarmote") == 24 and ids.count("kurs-projektledning") == 4
    )
    assert ids.count("partnermote") == 13  # February 2020 to February 2021: a year ahead, no more


@pytest.mark.parametrize(
    "query", ["from=2020-13-01", "to=soon", "from=2020-05-01&to=2020-04-01", "from=2000-01-01&to=2020-01-01"]
)
def test_events_json_refuses_a_bad_window_with_a_400(recurring_client, query):
    response = recurring_client.get(f"/events.json?{query}")
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400


def test_pages_stay_bounded_for_a_daily_series_without_end(make_app):
    client = make_app(
        MINIMAL
        + dedent("""
      - id: daily
        title: Daily stand-up
        type: meeting
        start: 1990-01-01 09:00
        repeat: {every: day}
    """)
    ).test_client()
    with freeze_time("2020-03-01 12:00"):
        agenda = agenda_items(client.get("/").get_data(as_text=True))
        past_page = client.get("/past")
        feed = client.get("/calendar.ics").data
    assert len(agenda) == 366 and agenda[0][1] == at("2020-03-01", "09:00")
    assert past_page.status_code == 200
    assert feed.count(b"BEGIN:VEVENT") == 1
