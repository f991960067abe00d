"""The loader: what staff write means what it looks like, and every mistake is reported with its place."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from conftest import MINIMAL, SHIPPED, dedent

from calfeed.errors import EventsFileError
from calfeed.loader import check, load


def events(text: str) -> str:
    return MINIMAL + dedent(text)


def only_error(text: str):
    result = check(text, "events.yaml")
    assert result.schedule is None
    assert len(result.errors) == 1, [str(p) for p in result.problems]
    return result.errors[0]


def test_shipped_file_holds_the_eight_umbrella_activities():
    schedule = load(SHIPPED)
    days = [(e.start.isoformat(), e.end.isoformat(), e.location, e.type) for e in schedule.events]
    assert days == [
        ("2019-10-21", "2019-10-21", "kristianstad", "training"),
        ("2019-10-25", "2019-10-25", "gdansk", "conference"),
        ("2019-11-04", "2019-11-04", "hassleholm", "workshop"),
        ("2019-11-05", "2019-11-05", "hassleholm", "meeting"),
        ("2019-11-13", "2019-11-14", "guldborgsund", "study-trip"),
        ("2019-12-05", "2019-12-05", "kalmar", "training"),
        ("2020-01-10", "2020-01-10", "alvesta", "training"),
        ("2020-02-25", "2020-02-26", "guldborgsund", "conference"),
    ]
    assert schedule.projects["umbrella"].lead == "Euroregion Baltic"
    assert schedule.projects["umbrella"].start == dt.date(2018, 1, 1)
    assert schedule.projects["umbrella"].end == dt.date(2020, 6, 30)
    assert all(e.all_day for e in schedule.events)
    assert check(SHIPPED.read_bytes()).problems == ()


def test_values_mean_what_a_person_reads_not_yaml_1_1():
    schedule = load_text(
        dedent("""
        calendar:
          name: yes
        locations:
          oslo:
            name: Oslo
            country: NO
        events:
          - id: 1e3
            title: yes
            type: meeting
            location: oslo
            start: 2019-10-21 09:00
            end: 16:00
          - id: "0755"
            title: off
            type: meeting
            start: 2019-10-22
    """)
    )
    first, second = schedule.events
    assert schedule.calendar.name.sv == "yes"
    assert schedule.locations["oslo"].country == "NO"
    assert schedule.locations["oslo"].timezone == "Europe/Oslo"
    assert first.id == "1e3" and first.title.sv == "yes"
    assert first.start == dt.datetime(2019, 10, 21, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
    assert first.end == dt.datetime(2019, 10, 21, 16, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
    assert second.id == "0755" and second.title.sv == "off"


def load_text(text: str):
    result = check(text, "events.yaml")
    assert result.schedule is not None, [str(p) for p in result.problems]
    return result.schedule


def test_timed_event_is_in_the_local_time_of_its_location():
    schedule = load_text(
        events("""
      - id: klaipeda-meeting
        title: Partner meeting
        type: meeting
        location: klaipeda
        start: 2019-12-05 10:00
    """)
    )
    event = schedule.events[0]
    assert event.start.tzinfo.key == "Europe/Vilnius"
    assert event.start.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm")).hour == 9
    assert event.end - event.start == dt.timedelta(hours=1)  # the documented default duration


def test_an_event_without_id_gets_a_stable_one_and_a_warning():
    result = check(
        events("""
      - title: Studieresa till Guldborgsund
        type: study-trip
        start: 2019-11-13
    """)
    )
    assert [e.id for e in result.schedule.events] == ["2019-11-13-studieresa-till-guldborgsund"]
    assert [p.line for p in result.warnings] == [16]


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("  - title: A\n    type: meeting\n    start: 2019-02-30\n", 18, 12, "February 2019 has 28 days"),
        ("  - title: A\n    type: meeting\n    start: 2019-13-01\n", 18, 12, "month 13"),
        ("  - title: A\n    type: meeting\n    start: 2019-11-14\n    end: 2019-11-13\n", 19, 10, "before it starts"),
        ("  - title: A\n    type: meetin\n    start: 2019-11-14\n", 17, 11, "did you mean 'meeting'"),
        (
            "  - title: A\n    type: meeting\n    project: umbrela\n    start: 2019-11-14\n",
            18,
            14,
            "did you mean 'umbrella'",
        ),
        ("  - title: A\n    type: meeting\n    location: nowhere\n    start: 2019-11-14\n", 18, 15, "unknown location"),
        ("  - title: A\n    type: meeting\n    start: 2019-11-14\n    colour: red\n", 19, 5, "unknown key 'colour'"),
        ("  - title: A\n    start: 2019-11-14\n", 16, 5, "missing 'type'"),
        ("  - title: A\n    type: meeting\n    start: 2019-11-14 25:00\n", 18, 12, "not a time of day"),
        (
            "  - title: A\n    type: meeting\n    start: 2019-11-14\n    timezone: Europe/Stokholm\n",
            19,
            15,
            "did you mean 'Europe/Stockholm'",
        ),
        ("  - title: A\n    type: meeting\n    start: 2020-03-29 02:30\n", 18, 12, "does not exist"),
        (
            "  - title: A\n    type: meeting\n    start: 2019-11-14\n    url: www.example.org\n",
            19,
            10,
            "not a web or e-mail address",
        ),
        ("  - title: A\n    type: meeting\n    start: 2019-11-14\n    id: Möte 1\n", 19, 9, "web address"),
        ("  - title: A\n    title: B\n    type: meeting\n    start: 2019-11-14\n", 17, 5, "given twice"),
        (
            "  - title: A\n    type: meeting\n    start: 2019-11-14 09:00\n    end: 2019-11-15\n",
            19,
            10,
            "its end is a date",
        ),
    ],
)
def test_each_mistake_is_reported_at_its_line_and_column(body, line, column, words):
    problem = only_error(MINIMAL + body)
    assert (problem.line, problem.column) == (line, column), str(problem)
    assert words in str(problem)
    assert str(problem).startswith(f"events.yaml:{line}:{column}: error: ")


def test_every_problem_is_reported_at_once():
    result = check(
        events("""
      - id: a
        title: A
        type: party
        start: 2019-02-30
      - id: a
        title: B
        type: meeting
        start: 2019-11-14
    """)
    )
    messages = [str(p) for p in result.errors]
    assert len(messages) == 3, messages
    assert any("unknown event type 'party'" in m for m in messages)
    assert any("February 2019 has 28 days" in m for m in messages)
    assert any("already used by the event on line" in m for m in messages)


def test_yaml_syntax_error_names_line_and_shows_it():
    problem = only_error('calendar:\n  name: "Unclosed\nevents: []\n')
    assert problem.line >= 2
    assert "not valid YAML" in problem.message


def test_country_must_be_an_iso_code():
    problem = only_error(MINIMAL.replace("country: SE", "country: Sweden") + "  []\n")
    assert "unknown country code 'Sweden'" in str(problem) and "SE" in problem.hint


def test_unknown_time_zone_in_a_location():
    problem = only_error(MINIMAL.replace("Europe/Vilnius", "Europe/Vilnus") + "  []\n")
    assert "Europe/Vilnius" in problem.hint


def test_load_raises_one_error_with_every_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        events("""
      - title: A
        type: x
        start: 2019-02-30
    """),
        encoding="utf-8",
    )
    with pytest.raises(EventsFileError) as caught:
        load(path)
    assert len(caught.value.problems) == 2
    assert [(p.file, p.line) for p in caught.value.problems] == [(str(path), 17), (str(path), 18)]


def test_python_tags_never_build_objects():
    problem = only_error("calendar: !!python/object/apply:os.system ['echo hi']\nevents: []\n")
    assert "tag" in problem.message
