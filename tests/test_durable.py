"""Durable serving: the last accepted version survives restarts and bad saves, every worker serves
the newest one, one request reads one version, and a broken ledger never lowers a SEQUENCE.

Workers are played here by several ``Store``/app instances on the same files (that is all a gunicorn
worker shares with another: the file system); tests/test_gunicorn.py does the same under gunicorn.
Feeds are read back with the strict ``ical`` parser.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHIPPED
from icalcheck import strict_events

from calfeed import ledger as ledger_module
from calfeed.cli import main
from calfeed.errors import EventsFileError
from calfeed.state import default_state_dir
from calfeed.store import Store

TRIP = "umbrella-2019-11-13-studieresa-guldborgsund"
_ages = itertools.count()


def save(path: Path, text: str) -> None:
    """Write as an editor would, dated a minute ago (so no settle wait) and never twice the same mtime."""
    path.write_text(text, encoding="utf-8")
    past = time.time() - 60 + next(_ages) / 100
    os.utime(path, (past, past))


def retitled(text: str, suffix: str) -> str:
    return text.replace("sv: Studieresa till Guldborgsund", f"sv: Studieresa till Guldborgsund {suffix}", 1)


def broken(text: str) -> str:
    return text.replace("type: training", "type: traning", 1).replace("country: DK", "country: XX", 1)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trip_title(store: Store) -> str:
    return store.current().schedule.by_id[TRIP].title.sv


def sequences(client, url: str = "/calendar.ics") -> dict[str, int]:
    return {e.uid.split("@")[0]: e.sequence for e in strict_events(client.get(url).data)}


def test_an_accepted_version_is_kept_byte_for_byte_in_the_state_folder(events_file):
    store = Store(events_file, check_every=0)
    state = default_state_dir(events_file)
    current = json.loads((state / "current.json").read_text(encoding="utf-8"))
    assert current["version"] == sha(events_file) == store.current().version
    assert (state / "versions" / f"{current['version']}.yaml").read_bytes() == events_file.read_bytes()


def test_a_restart_while_the_file_is_bad_serves_the_last_good_version_and_says_stale(make_app, events_file, caplog):
    good = make_app(events_file).test_client()
    good_feed, good_version = good.get("/calendar.ics").data, sha(events_file)
    save(events_file, broken(events_file.read_text(encoding="utf-8")))

    caplog.set_level(logging.ERROR, logger="calfeed")
    restarted = make_app(events_file).test_client()  # would raise EventsFileError without the state folder

    assert restarted.get("/calendar.ics").data == good_feed
    health = restarted.get("/healthz").get_json()
    assert health["status"] == "stale" and health["version"] == good_version and health["stale_since"]
    assert sorted(e["message"].split(" (")[0] for e in health["errors"]) == [
        "unknown country code 'XX'", "unknown event type 'traning'"]  # fmt: skip
    assert all(e["line"] > 0 for e in health["errors"])
    logged = caplog.text
    assert "unknown event type 'traning'" in logged and "unknown country code 'XX'" in logged


def test_a_file_that_was_never_valid_is_refused_with_every_problem(tmp_path):
    events = tmp_path / "events.yaml"
    save(events, broken(SHIPPED.read_text(encoding="utf-8")))
    with pytest.raises(EventsFileError) as raised:
        Store(events, check_every=0)
    found = [(p.line > 0, p.message.split(" (")[0]) for p in raised.value.problems]
    assert sorted(found) == [(True, "unknown country code 'XX'"), (True, "unknown event type 'traning'")]


def test_the_state_of_another_events_file_is_never_served(tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    save(first, SHIPPED.read_text(encoding="utf-8"))
    Store(first, check_every=0, state=tmp_path / "shared")
    save(second, broken(SHIPPED.read_text(encoding="utf-8")))
    with pytest.raises(EventsFileError):
        Store(second, check_every=0, state=tmp_path / "shared")


def test_a_worker_that_never_saw_a_valid_version_takes_it_from_the_state_folder(events_file):
    text = events_file.read_text(encoding="utf-8")
    first, second = Store(events_file, check_every=0), Store(events_file, check_every=0)
    save(events_file, retitled(text, "(v1)"))
    assert trip_title(first).endswith("(v1)")  # the first worker looked and accepted it
    save(events_file, broken(retitled(text, "(v1)")))  # then a bad save, before the second looked

    assert trip_title(second).endswith("(v1)")
    assert second.current().identity == first.current().identity
    assert second.stale is not None and first.stale is not None
    assert trip_title(first).endswith("(v1)")  # the first does not go back either


def test_two_workers_answer_every_url_with_the_same_bytes(make_app, events_file):
    first, second = make_app(events_file).test_client(), make_app(events_file).test_client()
    save(events_file, retitled(events_file.read_text(encoding="utf-8"), "(v1)"))
    for url in ("/calendar.ics", f"/events/{TRIP}", "/events.json", "/en/projects/umbrella.ics"):
        a, b = first.get(url), second.get(url)
        assert a.status_code == b.status_code == 200 and a.data == b.data and a.headers["ETag"] == b.headers["ETag"]


def _serve_after_fork(store: Store, pipe) -> None:
    pipe.send(trip_title(store))


def test_a_forked_worker_catches_up_before_its_first_answer(events_file):
    master = Store(events_file, check_every=3600)  # gunicorn's master: loaded once, never polls
    other = Store(events_file, check_every=0)
    save(events_file, retitled(events_file.read_text(encoding="utf-8"), "(v1)"))
    assert trip_title(other).endswith("(v1)")
    save(events_file, broken(events_file.read_text(encoding="utf-8")))

    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_serve_after_fork, args=(master, send))
    child.start()
    child.join(30)
    assert receive.recv().endswith("(v1)")  # not the master's start-up copy
    assert not trip_title(master).endswith("(v1)")  # (which the master itself still holds)


def test_one_request_reads_one_version_even_if_a_new_one_arrives_meanwhile(make_app, events_file, monkeypatch):
    app = make_app(events_file, CALFEED_RELOAD_SECONDS=3600)
    client = app.test_client()
    store = app.extensions["calfeed"]
    expected = {url: client.get(url).data for url in (f"/events/{TRIP}", "/calendar.ics")}
    old = store.current()
    save(events_file, retitled(events_file.read_text(encoding="utf-8"), "(v1)"))
    store._poll()
    new = store.current()
    assert new.identity != old.identity

    for url, body in expected.items():
        answers = iter([old])  # the first look gets the old version, every later look the new one
        monkeypatch.setattr(store, "current", lambda answers=answers: next(answers, new))
        assert client.get(url).data == body, url


def test_a_fix_is_served_by_every_worker(events_file):
    text = events_file.read_text(encoding="utf-8")
    workers = [Store(events_file, check_every=0) for _ in range(3)]
    save(events_file, broken(text))
    assert all(w.stale is not None or w.current() and w.stale is not None for w in workers)
    save(events_file, retitled(text, "(fixed)"))
    assert all(trip_title(w).endswith("(fixed)") for w in workers)
    assert all(w.stale is None for w in workers)
    assert len({w.current().identity for w in workers}) == 1


# -- the ledger can't hurt ---------------------------------------------------------------------


@pytest.mark.parametrize("damage", [
    b"",  # truncated to nothing
    b'{\n "deleted": {},\n "events": {\n  "umbrella-2019-10-21',  # truncated mid-write
    b"[1, 2, 3]\n",  # the wrong shape
    b'{"events": {"%s": {"hash": "x", "sequence": "many", "modified": "yesterday"}}}' % TRIP.encode(),
    b'{"events": {"%s": {"hash": "x", "sequence": 0, "modified": "2000-01-01T00:00:00Z"}}}' % TRIP.encode(),
    b"\xff\xfe not even text",
], ids=["empty", "truncated", "list", "bad-entry", "hand-lowered", "binary"])  # fmt: skip
def test_a_broken_ledger_gives_no_error_and_no_lower_sequence(make_app, events_file, damage, caplog):
    client = make_app(events_file).test_client()
    text = events_file.read_text(encoding="utf-8")
    save(events_file, retitled(text, "(v1)"))
    before = sequences(client)
    assert before[TRIP] == 1

    ledger = events_file.with_name("events.ledger.json")
    ledger.write_bytes(damage)
    save(events_file, retitled(text, "(v2)"))  # an edit reads the broken ledger
    for url in ("/calendar.ics", "/healthz", f"/events/{TRIP}", "/events.json"):
        assert client.get(url).status_code == 200, url
    after = sequences(client)
    assert after[TRIP] == 2  # raised once more, not rebuilt from 0
    assert all(after[k] >= v for k, v in before.items())
    assert any("ledger" in p["message"] for p in client.get("/healthz").get_json()["problems"])

    ledger.write_bytes(damage)
    restarted = make_app(events_file).test_client()  # a restart on the broken ledger: same numbers
    assert sequences(restarted) == after
    assert json.loads(ledger.read_text(encoding="utf-8"))["events"][TRIP]["sequence"] == 2  # repaired


def test_a_deleted_ledger_is_rebuilt_from_the_state_folder(make_app, events_file):
    client = make_app(events_file).test_client()
    save(events_file, retitled(events_file.read_text(encoding="utf-8"), "(v1)"))
    before = sequences(client)
    events_file.with_name("events.ledger.json").unlink()
    assert sequences(make_app(events_file).test_client()) == before


def test_a_ledger_that_cannot_be_written_keeps_the_last_good_answer_and_says_why(make_app, events_file, monkeypatch):
    client = make_app(events_file).test_client()
    good = client.get("/calendar.ics").data

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ledger_module, "write_atomically", disk_full)
    save(events_file, retitled(events_file.read_text(encoding="utf-8"), "(v1)"))
    assert client.get("/calendar.ics").data == good
    problems = client.get("/healthz").get_json()["problems"]
    assert any("No space left on device" in p["message"] for p in problems)

    monkeypatch.undo()
    time.sleep(0.01)
    store = client.application.extensions["calfeed"]
    store._unaccepted = None  # (the retry after RETRY_SECONDS, without waiting for it)
    assert b"(v1)" in client.get("/calendar.ics").data
    assert client.get("/healthz").get_json()["problems"] == []


def test_a_state_folder_that_cannot_be_used_never_takes_the_site_down(make_app, events_file, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the state folder should be", encoding="utf-8")
    client = make_app(events_file, CALFEED_STATE_DIR=str(blocked)).test_client()
    assert client.get("/calendar.ics").status_code == 200
    assert client.get("/healthz").get_json()["problems"]
    save(events_file, retitled(events_file.read_text(encoding="utf-8"), "(v1)"))
    assert client.get("/calendar.ics").status_code == 200


def test_the_state_folder_can_be_moved_with_calfeed_state_dir(make_app, events_file, tmp_path):
    elsewhere = tmp_path / "var" / "calfeed"
    client = make_app(events_file, CALFEED_STATE_DIR=str(elsewhere)).test_client()
    assert client.get("/healthz").get_json()["state"] == str(elsewhere)
    assert (elsewhere / "current.json").exists() and not default_state_dir(events_file).exists()


def test_check_and_build_stay_strict_when_a_last_good_version_exists(make_app, events_file, tmp_path):
    make_app(events_file)  # a good version in the state folder
    save(events_file, broken(events_file.read_text(encoding="utf-8")))
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(events_file)])
    built = runner.invoke(main, ["build", str(tmp_path / "site"), "--events", str(events_file)])
    assert checked.exit_code == 1 and "unknown event type 'traning'" in checked.output
    assert built.exit_code == 1 and "nothing written" in built.output and not (tmp_path / "site").exists()
