"""A restart on the file accepted last starts from the checked schedule the state folder kept
(calfeed/schedulejson.py), without parsing the YAML again — and from nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHIPPED

from calfeed import forked_check, schedulejson
from calfeed.loader import check
from calfeed.state import default_state_dir
from calfeed.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def generated(tmp_path: Path, count: int) -> Path:
    target = tmp_path / "generated.yaml"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(count), str(target)], check=True)
    return target


@pytest.mark.parametrize("name", ["shipped", "hard-cases.yaml", "recurring.yaml", "multilingual.yaml", "generated"])
def test_the_round_trip_gives_the_same_values_repr_and_warnings(name, tmp_path):
    path = SHIPPED if name == "shipped" else generated(tmp_path, 400) if name == "generated" else FIXTURES / name
    result = check(path.read_bytes(), str(path))
    assert result.schedule is not None
    schedule, problems = schedulejson.loads(schedulejson.dumps(result.schedule, result.problems))
    assert schedule == result.schedule and problems == result.problems
    assert repr(schedule) == repr(result.schedule)  # the ledger hashes reprs: SEQUENCE must not move
    for ours, theirs in zip(schedule.events, result.schedule.events, strict=True):
        for value, original in ((ours.start, theirs.start), (ours.end, theirs.end)):
            assert type(value) is type(original) and getattr(value, "tzinfo", None) is getattr(original, "tzinfo", None)


def started(events: Path, monkeypatch, *, parses: list) -> Store:
    real = forked_check.check_here

    def counted(*args, **kwargs):
        parses.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("calfeed.store.check_here", counted)
    monkeypatch.setattr("calfeed.store.check_apart", counted)
    return Store(events, check_every=0)


def kept_schedule(events: Path) -> Path:
    state = default_state_dir(events)
    version = json.loads((state / "current.json").read_text(encoding="utf-8"))["version"]
    return state / "versions" / f"{version}.schedule.json"


def test_a_restart_on_the_accepted_file_serves_the_kept_schedule_without_parsing(events_file, monkeypatch):
    parses: list = []
    first = started(events_file, monkeypatch, parses=parses)
    assert first.current() and kept_schedule(events_file).is_file()  # kept after the first poll
    assert len(parses) == 1
    second = started(events_file, monkeypatch, parses=parses)
    assert len(parses) == 1  # not parsed again
    assert second.current().schedule == first.current().schedule
    assert second.current().identity == first.current().identity
    assert second.current().revisions == first.current().revisions


def test_an_edited_file_is_checked_again_at_start(events_file, monkeypatch):
    parses: list = []
    started(events_file, monkeypatch, parses=parses).current()
    text = events_file.read_text(encoding="utf-8")
    events_file.write_text(text.replace("Utbildning i internationell", "Utbildning i nationell", 1), encoding="utf-8")
    store = started(events_file, monkeypatch, parses=parses)
    assert len(parses) == 2
    assert "Utbildning i nationell projektutveckling" in [e.title.sv for e in store.current().schedule.events]


def test_the_same_bytes_written_again_are_checked_again(events_file, monkeypatch):
    parses: list = []
    started(events_file, monkeypatch, parses=parses).current()
    data = events_file.read_bytes()
    events_file.unlink()
    events_file.write_bytes(data)  # another inode: whatever happened to the file, it is read again
    started(events_file, monkeypatch, parses=parses)
    assert len(parses) == 2


@pytest.mark.parametrize("damage", [
    b"not json", b"[]", b'{"format": 1}', b"\xff\xfe",
    b'{"format": 1, "code": "CODE", "schedule": {"$": "Popen", "args": "rm -rf /"}, "problems": {"$t": []}}',
    b'{"format": 1, "code": "CODE", "schedule": {"$": "Schedule", "surprise": 1}, "problems": {"$t": []}}',
    b'{"format": 1, "code": "written by other code", "schedule": null, "problems": null}',
])  # fmt: skip
def test_a_damaged_or_foreign_kept_schedule_is_not_used(events_file, monkeypatch, damage):
    parses: list = []
    first = started(events_file, monkeypatch, parses=parses).current()
    kept_schedule(events_file).write_bytes(damage.replace(b"CODE", schedulejson.CODE.encode()))
    store = started(events_file, monkeypatch, parses=parses)
    assert len(parses) == 2  # checked from the YAML instead
    assert store.current().schedule == first.schedule


def test_loads_refuses_what_is_not_a_schedule():
    for data in (b"{}", b'{"format": 2}', json.dumps({"format": 1, "code": schedulejson.CODE,
                 "schedule": {"$": "Text", "sv": "x"}, "problems": {"$t": []}}).encode()):  # fmt: skip
        with pytest.raises(ValueError):
            schedulejson.loads(data)


def test_old_versions_go_with_their_kept_schedules(events_file):
    store = Store(events_file, check_every=0)
    text = events_file.read_text(encoding="utf-8")
    for n in range(12):
        events_file.write_text(text.replace("Utbildning i", f"Utbildning {n} i", 1), encoding="utf-8")
        os.utime(events_file, ns=(0, 10**18 + n * 10**9))  # past the settle time, and a new signature each time
        store.current()
    versions = default_state_dir(events_file) / "versions"
    yamls = {p.name.removesuffix(".yaml") for p in versions.glob("*.yaml")}
    kept = {p.name.removesuffix(".schedule.json") for p in versions.glob("*.schedule.json")}
    assert kept <= yamls and kept


def test_a_schedule_the_file_cannot_hold_is_not_kept_and_is_no_fault(events_file, monkeypatch):
    def refuse(*args):
        raise ValueError("a time in a zone that is not from the tz database")

    monkeypatch.setattr(schedulejson, "dumps", refuse)
    store = Store(events_file, check_every=0)
    assert store.current() and not kept_schedule(events_file).exists()
    assert store.problems == ()  # /healthz: nothing wrong with the state folder


def test_a_kept_schedule_of_older_code_is_written_again_so_the_next_restart_is_fast(events_file, monkeypatch):
    parses: list = []
    started(events_file, monkeypatch, parses=parses).current()
    kept = kept_schedule(events_file)
    old = json.loads(kept.read_bytes())
    kept.write_text(json.dumps({**old, "code": "the code before an upgrade"}), encoding="utf-8")
    started(events_file, monkeypatch, parses=parses).current()
    assert len(parses) == 2 and json.loads(kept.read_bytes())["code"] == schedulejson.CODE
    started(events_file, monkeypatch, parses=parses).current()
    assert len(parses) == 2  # the third start took the schedule written again
