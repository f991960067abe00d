"""Checking a large file in a child process gives exactly what checking it here gives."""

from __future__ import annotations

import pickle

from conftest import MINIMAL, SHIPPED

from calfeed import forked_check
from calfeed.loader import check
from calfeed.store import Store


def test_a_file_checked_apart_gives_the_same_schedule_as_checked_here():
    data = SHIPPED.read_bytes()
    here, there = check(data, "events.yaml"), forked_check.check_apart(data, "events.yaml", max_bytes=10**7)
    assert there.schedule == here.schedule
    assert [e.title for e in there.schedule.events] == [e.title for e in here.schedule.events]
    assert there.problems == here.problems


def test_a_bad_file_checked_apart_reports_the_same_problems():
    data = (MINIMAL + "  - title: A\n    type: party\n    start: 2019-02-30\n").encode()
    result = forked_check.check_apart(data, "events.yaml", max_bytes=10**7)
    assert result.schedule is None
    assert [(p.line, p.column) for p in result.errors] == [(17, 11), (18, 12)]


def test_when_the_child_fails_the_file_is_checked_here(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the child cannot send its result")

    monkeypatch.setattr(pickle, "dumps", broken)  # the forked child inherits the failure
    result = forked_check.check_apart(SHIPPED.read_bytes(), "events.yaml", max_bytes=10**7)
    assert len(result.schedule.events) == 8


def test_only_what_changed_comes_back_and_unchanged_events_are_the_servers_own_objects():
    data = SHIPPED.read_bytes()
    serving = check(data, "events.yaml").schedule
    edited = data.replace(b"sv: Studieresa till Guldborgsund", b"sv: Studieresa till Lolland", 1)
    result = forked_check.check_apart(edited, "events.yaml", max_bytes=10**7, previous=serving)
    assert result.schedule == check(edited, "events.yaml").schedule
    changed = [e for e in result.schedule.events if e is not serving.by_id[e.id]]
    assert [e.title.sv for e in changed] == ["Studieresa till Lolland"]


def test_the_store_checks_new_versions_over_the_threshold_apart(tmp_path, monkeypatch):
    path = tmp_path / "events.yaml"
    path.write_bytes(SHIPPED.read_bytes())
    calls = []
    monkeypatch.setattr(
        "calfeed.store.check_apart", lambda *a, **k: calls.append(k["previous"]) or forked_check.check_apart(*a, **k)
    )
    store = Store(path, ledger=False, apart_from=0, check_every=0, settle=0)
    first = store.current().schedule
    assert calls == [None]  # at start-up there is nothing to compare with: the whole schedule comes back
    path.write_bytes(SHIPPED.read_bytes().replace(b"sv: Studieresa till Guldborgsund", b"sv: Studieresa", 1))
    assert store.current().schedule.by_id["umbrella-2019-11-13-studieresa-guldborgsund"].title.sv == "Studieresa"
    assert calls == [None, first]
