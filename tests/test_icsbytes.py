"""The fast serialiser gives icalendar's own bytes, and the memo re-serialises only what changed."""

from __future__ import annotations

import datetime as dt
import importlib.util
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest
from conftest import ROOT, SHIPPED
from hypothesis import given, settings
from hypothesis import strategies as st
from icalcheck import strict_events, vobject_events

from calfeed import ics
from calfeed.icsbytes import Memo, fold, to_ical
from calfeed.ledger import revise
from calfeed.loader import check
from calfeed.model import Schedule

NOW = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
AWKWARD = st.text(st.sampled_from(list("ab ,;:\\^\"'\nåäöÅłėß€日本😀") + ["\t"]), max_size=400)


def generated(count: int) -> Schedule:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = check(module.generate(count), "generated.yaml")
    assert result.schedule is not None, result.errors
    return result.schedule


def shipped() -> Schedule:
    schedule = check(SHIPPED.read_bytes(), str(SHIPPED)).schedule
    assert schedule is not None
    return schedule


def context(schedule: Schedule, lang: str = "sv") -> ics.Context:
    return ics.Context(schedule, revise(schedule, None, NOW), lang, "example.org",
                       lambda e: f"https://example.org/{lang}/events/{e.id}")  # fmt: skip


def info() -> ics.FeedInfo:
    return ics.FeedInfo("Kalender – Region Kalmar län", "Aktiviteter, möten; utbildningar", "https://example.org/x.ics")


def library_calendar(
    monkeypatch: pytest.MonkeyPatch, events: list, ctx: ics.Context, feed: ics.FeedInfo | None
) -> bytes:
    """The feed (or download) as icalendar alone writes it: every VEVENT a subcomponent of the
    calendar's properties, one ``Calendar.to_ical()``."""
    zones: list[icalendar.cal.Component] = []
    components: list[icalendar.cal.Component] = []

    def collect_zone(key, first_year, last_year):
        zones.append(ics.vtimezone(key, first_year, last_year))
        return b""

    def collect(event, changed, ctx, memo=None):
        components.extend(ics.vevent(e, ctx) for e in (event, *changed))
        return b""

    def library_assemble(head, _, memo=None):
        cal = ics.properties(feed, ctx.schedule.calendar.timezone)
        for component in [*zones, *components]:
            cal.add_component(component)
        return cal.to_ical()

    with monkeypatch.context() as patch:
        patch.setattr(ics, "vtimezone_bytes", collect_zone)
        patch.setattr(ics, "vevent_bytes", collect)
        patch.setattr(ics, "assemble", library_assemble)
        return ics.calendar(events, ctx, feed)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("source", [shipped, lambda: generated(60)], ids=["shipped", "generated"])
def test_a_feed_has_exactly_the_bytes_icalendar_itself_writes(monkeypatch, source, lang):
    schedule = source()
    ours = ics.calendar(schedule.events, context(schedule, lang), info(), Memo())
    assert ours == library_calendar(monkeypatch, schedule.events, context(schedule, lang), info())
    assert len(strict_events(ours)) == len(vobject_events(ours)) == len(schedule.events)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_each_download_has_exactly_the_bytes_icalendar_itself_writes(monkeypatch, lang):
    schedule, memo = generated(60), Memo()
    for event in schedule.events:  # each with the one head kept for every download
        ours = ics.calendar([event], context(schedule, lang), None, memo)
        assert ours == library_calendar(monkeypatch, [event], context(schedule, lang), None)


@settings(max_examples=150, deadline=None)
@given(summary=AWKWARD, description=AWKWARD, name=AWKWARD.filter(lambda s: "\n" not in s))
def test_any_text_is_escaped_and_folded_as_icalendar_does(summary, description, name):
    component = icalendar.Event()
    component.add("summary", summary)
    component.add("description", description)
    component.add("location", "Gdańsk, " + name)
    component.add("organizer", "mailto:a@example.org", parameters={"CN": name or "x"})
    component.add("dtstart", dt.datetime(2026, 3, 29, 2, 30))
    assert to_ical(component) == component.to_ical()


@pytest.mark.parametrize("text", ["x" * 73 + "\\n", "x" * 72 + "\\,y" * 40, "å" * 80, "a" + "😀" * 30, "^" * 200])
def test_folding_never_splits_a_character_or_an_escape(text):
    component = icalendar.Event()
    component.add("summary", text.replace("\\n", "\n").replace("\\,", ","))
    assert to_ical(component) == component.to_ical()
    assert all(len(line.encode()) <= 74 for line in fold("SUMMARY:" + text).split("\r\n "))


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    built: list[str] = []
    original = ics.vevent

    def counting(event, ctx):
        built.append(event.id)
        return original(event, ctx)

    monkeypatch.setattr(ics, "vevent", counting)
    return built


def test_after_a_one_event_edit_only_that_event_is_serialised_again(monkeypatch):
    before = generated(40)
    edited_event = replace(before.events[7], title=replace(before.events[7].title, sv="Ny rubrik"))
    after = replace(before, events=(*before.events[:7], edited_event, *before.events[8:]))
    memo = Memo()
    ics.calendar(before.events, context(before), info(), memo.for_version("v1"))
    built = count_builds(monkeypatch)
    feed = ics.calendar(after.events, context(after), info(), memo.for_version("v2"))
    assert built == [edited_event.id]
    assert "Ny rubrik" in feed.decode()
    assert feed == ics.calendar(after.events, context(after), info())


def test_an_event_that_only_moved_in_the_file_keeps_its_bytes(monkeypatch):
    schedule = generated(10)
    moved = replace(schedule, events=tuple(replace(e, line=e.line + 3) for e in schedule.events))
    memo = Memo()
    ics.calendar(schedule.events, context(schedule), info(), memo.for_version(1))
    built = count_builds(monkeypatch)
    ics.calendar(moved.events, context(moved), info(), memo.for_version(2))
    assert built == []


def test_the_other_language_and_a_renamed_location_are_serialised_afresh(monkeypatch):
    schedule = generated(10)
    memo = Memo().for_version(1)
    swedish = ics.calendar(schedule.events, context(schedule, "sv"), info(), memo)
    english = ics.calendar(schedule.events, context(schedule, "en"), info(), memo)
    assert english == ics.calendar(schedule.events, context(schedule, "en"), info()) != swedish
    slug = schedule.events[0].location
    place = schedule.locations[slug]
    renamed = replace(schedule, locations={**schedule.locations,
                                           slug: replace(place, name=replace(place.name, sv="Nytt namn"))})  # fmt: skip
    feed = ics.calendar(renamed.events, context(renamed, "sv"), info(), memo.for_version(2))
    assert "Nytt namn" in feed.decode()
    assert feed == ics.calendar(renamed.events, context(renamed, "sv"), info())


def test_entries_unused_for_two_versions_are_dropped():
    schedule = generated(5)
    memo = Memo()
    ics.calendar(schedule.events, context(schedule), info(), memo.for_version(1))
    memo.for_version(2)
    memo.for_version(3)
    assert memo._current == {} and memo._previous == {}


def test_bench_generator_makes_a_valid_file_of_the_asked_size():
    schedule = generated(100)
    assert len(schedule.events) == 100
    assert len(schedule.locations) == 40 and len(schedule.projects) == 10
    assert {s.locations[e.location].country for s in [schedule] for e in s.events} >= {"SE", "DK", "PL", "DE", "LT"}


def test_the_bench_directory_is_not_in_the_package():
    assert not (Path(ics.__file__).parent / "bench").exists()


def test_kept_events_are_views_into_the_feed_not_copies():
    schedule = generated(20)
    memo = Memo().for_version(1)
    feed = ics.calendar(schedule.events, context(schedule), info(), memo)
    kept = list(memo._current.values())
    assert len(kept) == 20 and all(isinstance(k, memoryview) and k.obj is feed for k in kept)
    assert ics.calendar(schedule.events, context(schedule), info(), memo) == feed


def test_links_to_another_address_are_serialised_afresh():
    schedule = generated(5)
    memo = Memo().for_version(1)
    ics.calendar(schedule.events, context(schedule), info(), memo)
    moved = replace(context(schedule), page_url=lambda e: f"https://kalender.example.org/events/{e.id}")
    feed = ics.calendar(schedule.events, moved, info(), memo)
    assert feed == ics.calendar(schedule.events, moved, info())
    assert len(vobject_events(feed)) == 5
    assert all(str(e.url.value).startswith("https://kalender.example.org/") for e in vobject_events(feed))
