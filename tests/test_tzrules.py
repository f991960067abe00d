"""VTIMEZONEs in the RRULE form clients write: onsets, rule changes, zones without DST.

The expected rules are the zones' laws as a person states them (EU: last Sunday of March at 01:00
UTC to last Sunday of October; US from 2007: second Sunday of March to first Sunday of November),
and every day of each span is read back by dateutil's ``tzical``, a VTIMEZONE reader we did not
write, and compared with the tz database.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from dateutil import tz

from calfeed.tzrules import vtimezone

UTC = dt.UTC
EU_SPRING = "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
EU_AUTUMN = "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"


def observances(key: str, first: int, last: int) -> list[dict[str, str]]:
    """Each observance of the VTIMEZONE, its content lines as name: value (unfolded)."""
    lines = vtimezone(key, first, last).to_ical().decode().replace("\r\n ", "").split("\r\n")
    found: list[dict[str, str]] = []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN" and value in ("STANDARD", "DAYLIGHT"):
            found.append({"kind": value})
        elif found and name != "END" and "kind" in found[-1] and not found[-1].get("END"):
            found[-1][name] = value
        if name == "END" and value in ("STANDARD", "DAYLIGHT"):
            found[-1]["END"] = value
    return [{k: v for k, v in o.items() if k != "END"} for o in found]


@pytest.mark.parametrize(("key", "spring", "autumn", "summer", "winter"), [
    ("Europe/Stockholm", "020000", "030000", "+0200", "+0100"),
    ("Europe/Copenhagen", "020000", "030000", "+0200", "+0100"),
    ("Europe/Berlin", "020000", "030000", "+0200", "+0100"),
    ("Europe/Warsaw", "020000", "030000", "+0200", "+0100"),
    ("Europe/Vilnius", "030000", "040000", "+0300", "+0200"),
])  # fmt: skip
def test_a_european_zone_is_one_daylight_and_one_standard_rule_starting_at_local_wall_time(
    key, spring, autumn, summer, winter
):
    found = observances(key, 2019, 2020)
    assert found == [
        {"kind": "DAYLIGHT", "DTSTART": f"20170326T{spring}", "RRULE": EU_SPRING, "TZNAME": found[0]["TZNAME"],
         "TZOFFSETFROM": winter, "TZOFFSETTO": summer},
        {"kind": "STANDARD", "DTSTART": f"20171029T{autumn}", "RRULE": EU_AUTUMN, "TZNAME": found[1]["TZNAME"],
         "TZOFFSETFROM": summer, "TZOFFSETTO": winter},
    ]  # fmt: skip


def test_new_york_gets_one_pair_of_rules_before_2007_and_one_after():
    found = [(o["kind"], o["DTSTART"], o["RRULE"]) for o in observances("America/New_York", 2005, 2009)]
    assert found == [
        ("DAYLIGHT", "20030406T020000", "FREQ=YEARLY;UNTIL=20060403T070000Z;BYDAY=1SU;BYMONTH=4"),
        ("STANDARD", "20031026T020000", "FREQ=YEARLY;UNTIL=20061030T060000Z;BYDAY=-1SU;BYMONTH=10"),
        ("DAYLIGHT", "20070311T020000", "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"),
        ("STANDARD", "20071104T020000", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
    ]


def test_moscow_ends_its_rules_in_2010_and_changes_once_in_2011_and_once_in_2014():
    found = [(o["kind"], o["DTSTART"], o.get("RRULE"), o["TZOFFSETFROM"], o["TZOFFSETTO"])
             for o in observances("Europe/Moscow", 2010, 2015)]  # fmt: skip
    assert found == [
        ("DAYLIGHT", "20080330T020000", "FREQ=YEARLY;UNTIL=20100328T230000Z;BYDAY=-1SU;BYMONTH=3", "+0300", "+0400"),
        ("STANDARD", "20081026T030000", "FREQ=YEARLY;UNTIL=20101031T230000Z;BYDAY=-1SU;BYMONTH=10", "+0400", "+0300"),
        ("STANDARD", "20110327T020000", None, "+0300", "+0400"),  # "permanent summer time"
        ("STANDARD", "20141026T020000", None, "+0400", "+0300"),  # and back
    ]


@pytest.mark.parametrize("key", ["Asia/Tokyo", "UTC"])
def test_a_zone_without_changes_is_one_standard_observance(key):
    offset = dt.datetime(2019, 1, 1, tzinfo=zoneinfo.ZoneInfo(key)).strftime("%z")
    found = [(o["kind"], o["DTSTART"], o["TZOFFSETFROM"], o["TZOFFSETTO"], o.get("RRULE"))
             for o in observances(key, 2019, 2020)]  # fmt: skip
    assert found == [("STANDARD", "20170101T000000", offset, offset, None)]


def test_a_rule_given_up_after_the_span_ends_and_what_follows_is_written_too():
    # Seen from 2014-2015, Brazil's rule still ends in 2019: a series running on stays right.
    found = observances("America/Sao_Paulo", 2014, 2015)
    assert found[-1]["DTSTART"] == "20190217T000000" and "RRULE" not in found[-1]
    assert all("UNTIL" in o["RRULE"] for o in found if "RRULE" in o)


def test_a_rule_given_up_inside_the_span_gets_an_end():
    # Brazil: daylight saving time from November to February until it was abolished in 2019.
    found = observances("America/Sao_Paulo", 2016, 2021)
    assert all("UNTIL" in o["RRULE"] for o in found if "RRULE" in o)
    assert found[-1]["DTSTART"] == "20190217T000000" and "RRULE" not in found[-1]


@pytest.mark.parametrize(("key", "first", "last"), [
    ("Europe/Stockholm", 2019, 2030), ("Europe/Vilnius", 2019, 2020), ("Europe/Copenhagen", 2019, 2020),
    ("Europe/Berlin", 2019, 2020), ("Europe/Warsaw", 2019, 2020), ("Europe/Moscow", 2010, 2015),
    ("America/New_York", 2005, 2009), ("America/Sao_Paulo", 2016, 2021), ("America/Sao_Paulo", 2014, 2015),
    ("Australia/Sydney", 2019, 2020),
    ("Europe/Dublin", 2019, 2020), ("Asia/Jerusalem", 2010, 2015), ("Asia/Tokyo", 2019, 2020), ("UTC", 2019, 2020),
])  # fmt: skip
def test_every_day_of_the_span_and_years_after_it_have_the_tz_database_offset(key, first, last):
    read = tz.tzical(io.StringIO(vtimezone(key, first, last).to_ical().decode())).get()
    zone = zoneinfo.ZoneInfo(key)
    day = dt.datetime(first, 1, 1, 12, tzinfo=UTC)  # noon UTC: no zone here changes its clock then
    wrong = []
    while day.year < last + 10:  # the last rule has no end: a series past the span stays right
        if day.astimezone(read).utcoffset() != day.astimezone(zone).utcoffset():
            wrong.append(day.date())
        day += dt.timedelta(days=1)
    assert wrong == []


def test_no_observance_is_written_as_rdates():
    for key in ("Europe/Stockholm", "Europe/Moscow", "America/Sao_Paulo", "Asia/Jerusalem"):
        assert b"RDATE" not in vtimezone(key, 2005, 2025).to_ical()
