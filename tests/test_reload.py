"""Live reload under a running server: a saved change is picked up, an invalid save keeps the last
good version (reported in /healthz, each problem logged once), and a file caught mid-write never
produces a half calendar."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import SHIPPED
from icalcheck import strict_events
from werkzeug.serving import make_server

from calfeed import store as store_module
from calfeed.state import signature
from calfeed.store import Store

WAIT = 20.0  # seconds allowed for a change to show; generous, for a busy 2-core machine


@pytest.fixture
def served(make_app, events_file: Path) -> Iterator[Callable[[str], bytes]]:
    """A real threaded HTTP server on the events file; yields a GET function."""
    app = make_app(events_file, CALFEED_RELOAD_SECONDS=0.05)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def get(path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}", timeout=30) as response:
            return response.read()

    yield get
    server.shutdown()
    thread.join()


def titles(get: Callable[[str], bytes]) -> list[str]:
    return [e["title"] for e in json.loads(get("/events.json"))["events"]]


def healthz(get: Callable[[str], bytes]) -> dict:
    return json.loads(get("/healthz"))


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the running app did not pick up the change"
        time.sleep(0.05)


def renamed(text: str) -> str:
    """The shipped file with every Swedish event title changed: old and new feeds never overlap."""
    return re.sub(r"(\n    title:\n      sv: )(.*)", r"\1\2 (ny)", text)


def test_an_invalid_save_keeps_the_last_good_version_and_a_fix_switches(served, events_file, caplog):
    caplog.set_level(logging.ERROR, logger="calfeed")
    good = titles(served)
    assert len(good) == 8 and healthz(served)["status"] == "ok"

    original = events_file.read_text(encoding="utf-8")
    invalid = original.replace("type: training", "type: traning", 1)
    line = original[: original.index("type: training")].count("\n") + 1
    events_file.write_text(invalid, encoding="utf-8")
    wait_for(lambda: healthz(served)["status"] == "stale")

    health = healthz(served)
    assert [(e["line"], e["column"], e["message"]) for e in health["errors"]] == [
        (line, 11, "unknown event type 'traning'")
    ]
    assert health["stale_since"] and health["events"] == 8
    assert titles(served) == good  # last good version still served

    events_file.write_text(renamed(original), encoding="utf-8")
    wait_for(lambda: healthz(served)["status"] == "ok")
    assert titles(served) == [f"{t} (ny)" for t in good]
    assert "errors" not in healthz(served)


def test_the_same_mistake_saved_again_is_logged_once_and_stale_since_stays(events_file, caplog):
    caplog.set_level(logging.ERROR, logger="calfeed")
    store = Store(events_file, check_every=0, settle=0)
    invalid = events_file.read_text(encoding="utf-8").replace("type: training", "type: traning", 1)
    for saved in range(3):
        events_file.write_text(invalid + "\n" * saved, encoding="utf-8")  # a new version each time
        store.current()
        if saved == 0:
            since = store.stale.since
    assert store.stale.since == since and store.stale.signature == signature(events_file)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "unknown event type 'traning'" in messages[0]


def test_a_file_written_in_small_chunks_never_yields_a_partial_feed(served, events_file):
    old_text = events_file.read_text(encoding="utf-8")
    new_text = renamed(old_text)
    old = feed_events(served("/calendar.ics"))
    new_bytes = new_text.encode("utf-8")
    seen: list[frozenset[tuple[str, str]]] = []
    done = threading.Event()

    def write_slowly() -> None:
        with open(events_file, "wb") as f:  # truncates: the file is empty, then grows
            for start in range(0, len(new_bytes), 64):
                f.write(new_bytes[start : start + 64])
                f.flush()
                time.sleep(0.004)
        done.set()

    def read_feeds() -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            events = feed_events(served("/calendar.ics"))
            seen.append(events)
            if done.is_set() and events != old:
                return

    readers = [threading.Thread(target=read_feeds) for _ in range(3)]
    writer = threading.Thread(target=write_slowly)
    for thread in [*readers, writer]:
        thread.start()
    for thread in [writer, *readers]:
        thread.join()

    new = feed_events(served("/calendar.ics"))
    assert len(new) == len(old) == 8 and new != old
    assert set(seen) <= {old, new}, "a partial feed was served"
    assert len(seen) > 20  # requests really ran while the file was being written


def feed_events(body: bytes) -> frozenset[tuple[str, str]]:
    """(UID, SUMMARY) of every event, as the strict `ical` parser reads the feed."""
    return frozenset((e.uid, e.summary) for e in strict_events(body))


def test_an_empty_file_keeps_the_last_good_version(served, events_file):
    before = feed_events(served("/calendar.ics"))
    events_file.write_bytes(b"")
    wait_for(lambda: healthz(served)["status"] == "stale")
    assert [e["message"] for e in healthz(served)["errors"]] == ["the file is empty"]
    assert feed_events(served("/calendar.ics")) == before


def test_a_file_replaced_by_rename_is_read_whole(served, events_file):
    replacement = events_file.with_name(".events.yaml.tmp")
    replacement.write_text(renamed(events_file.read_text(encoding="utf-8")), encoding="utf-8")
    os.replace(replacement, events_file)
    wait_for(lambda: titles(served)[0].endswith(" (ny)"))
    assert all(t.endswith(" (ny)") for t in titles(served)) and healthz(served)["status"] == "ok"


def test_current_costs_at_most_one_stat_per_interval(events_file, monkeypatch):
    store = Store(events_file, check_every=3600)
    calls = []
    real_stat = os.stat
    mine = str(events_file.parent)  # (other tests' watchers may still be running)

    def counted_stat(*a, **k):
        calls.extend(a[:1] if str(a[0]).startswith(mine) else [])
        return real_stat(*a, **k)

    monkeypatch.setattr(store_module.os, "stat", counted_stat)
    for _ in range(1000):
        store.current()
    assert len(calls) <= 1


def test_a_changed_file_is_not_read_until_it_has_been_quiet(events_file):
    """The settle delay: a file modified just now may still be being written."""
    store = Store(events_file, check_every=0, settle=3600)
    events_file.write_text(renamed(SHIPPED.read_text(encoding="utf-8")), encoding="utf-8")
    assert not store.current().schedule.events[0].title.sv.endswith(" (ny)")
    long_ago = time.time() - 7200
    os.utime(events_file, (long_ago, long_ago))
    assert store.current().schedule.events[0].title.sv.endswith(" (ny)")
