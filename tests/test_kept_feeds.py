"""Each language's all-events feed outlives the process (calfeed/ics_shelf.KeptFeeds): a restart on
the same version answers with the bytes built before, without assembling a VEVENT — and with
nothing else, when anything the feed is built from changed or the file is not the one written."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from icalcheck import strict_events
from test_ics_shelf import app_on

from calfeed import ics
from calfeed.ics_shelf import KeptFeeds
from calfeed.web import warm_up

BASE = "https://kalender.example.org"


@pytest.fixture
def assembled(monkeypatch):
    """The feeds assembled from events (a kept one is not)."""
    calls: list[int] = []
    original = ics.calendar

    def counting(events, *args, **kwargs):
        calls.append(1)
        return original(events, *args, **kwargs)

    monkeypatch.setattr(ics, "calendar", counting)
    return calls


def get(app, url: str) -> bytes:
    response = app.test_client().get(url, base_url=BASE)
    assert response.status_code == 200
    return response.data


def test_a_restart_answers_with_the_feed_built_before(events_file, tmp_path, assembled):
    state = tmp_path / "state"
    first = get(app_on(events_file, state, CALFEED_BASE_URL=BASE), "/en/calendar.ics")
    assert assembled == [1] and len(list((state / "feeds").glob("*.ics"))) == 1
    again = app_on(events_file, state, CALFEED_BASE_URL=BASE)
    warm_up(again)  # the Swedish feed: not kept yet, so assembled
    assert assembled == [1, 1]
    assert get(again, "/en/calendar.ics") == first and assembled == [1, 1]
    assert strict_events(first)  # a feed a strict reader takes, not an empty one


def test_warm_up_after_a_restart_assembles_nothing(events_file, tmp_path, assembled):
    state = tmp_path / "state"
    warm_up(app_on(events_file, state, CALFEED_BASE_URL=BASE))
    again = app_on(events_file, state, CALFEED_BASE_URL=BASE)
    warm_up(again)
    assert assembled == [1]
    assert get(again, "/calendar.ics") == get(app_on(events_file, tmp_path / "fresh", CALFEED_BASE_URL=BASE),
                                              "/calendar.ics")  # fmt: skip


@pytest.mark.parametrize("change", ["setting", "address", "edit", "language"])
def test_a_feed_built_from_anything_else_is_assembled_again(events_file, tmp_path, assembled, change):
    state = tmp_path / "state"
    get(app_on(events_file, state, CALFEED_BASE_URL=BASE), "/calendar.ics")
    config: dict = {"CALFEED_BASE_URL": BASE}
    url = "/calendar.ics"
    if change == "setting":
        config["CALFEED_REFRESH"] = "PT2H"
    elif change == "address":
        config["CALFEED_BASE_URL"] = "https://events.example.com"
    elif change == "edit":
        text = events_file.read_text(encoding="utf-8")
        events_file.write_text(text.replace("Utbildning i internationell", "Utbildning i nationell", 1),
                               encoding="utf-8")  # fmt: skip
    else:
        url = "/de/calendar.ics"
    app = app_on(events_file, state, **config)
    response = app.test_client().get(url, base_url=config["CALFEED_BASE_URL"])
    assert assembled == [1, 1]
    fresh = app_on(events_file, tmp_path / "fresh", **config)
    assert response.data == fresh.test_client().get(url, base_url=config["CALFEED_BASE_URL"]).data


def test_a_damaged_kept_feed_is_assembled_again(events_file, tmp_path, assembled, caplog):
    state = tmp_path / "state"
    first = get(app_on(events_file, state, CALFEED_BASE_URL=BASE), "/calendar.ics")
    (kept,) = (state / "feeds").glob("*.ics")
    kept.write_bytes(kept.read_bytes().replace(b"SUMMARY:", b"SUMMARY:Hacked ", 1))
    assert get(app_on(events_file, state, CALFEED_BASE_URL=BASE), "/calendar.ics") == first
    assert assembled == [1, 1] and "not the ones written" in caplog.text


def test_a_filtered_feed_is_not_kept(events_file, tmp_path):
    state = tmp_path / "state"
    get(app_on(events_file, state, CALFEED_BASE_URL=BASE), "/calendar.ics?type=training")
    get(app_on(events_file, state, CALFEED_BASE_URL=BASE), "/projects/umbrella.ics")
    assert not list((state / "feeds").glob("*.ics"))


def test_only_the_newest_feeds_are_kept(events_file, tmp_path):
    state = tmp_path / "state"
    app = app_on(events_file, state, CALFEED_BASE_URL=BASE)
    for lang in ("en", "da", "de", "pl", "lt"):
        get(app, f"/{lang}/calendar.ics")
    for past in ("PT1H", "PT2H", "PT3H"):
        get(app_on(events_file, state, CALFEED_BASE_URL=BASE, CALFEED_REFRESH=past), "/calendar.ics")
    assert len(list((state / "feeds").glob("*.ics"))) == KeptFeeds.KEEP == 6


def test_the_next_day_s_feed_is_assembled_again(events_file, tmp_path, assembled):
    """The feed's window of past days ends on the day it is built: yesterday's bytes are not today's."""
    state = tmp_path / "state"
    with freeze_time("2020-02-09 12:00"):
        yesterday = get(app_on(events_file, state, CALFEED_BASE_URL=BASE, CALFEED_PAST_DAYS=30), "/calendar.ics")
    with freeze_time("2020-02-10 12:00"):
        today = get(app_on(events_file, state, CALFEED_BASE_URL=BASE, CALFEED_PAST_DAYS=30), "/calendar.ics")
    assert assembled == [1, 1]
    assert len(strict_events(today)) < len(strict_events(yesterday))  # the event of 2020-01-10 left the window
