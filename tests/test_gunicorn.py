"""Durable serving under a real gunicorn with the shipped ``gunicorn.conf.py`` (2 workers, preload):
quick saves, a worker killed with SIGKILL, a restart while the file is bad, a fix, a broken ledger,
and a file that was never valid. Feeds are read back with the strict ``ical`` parser."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SHIPPED
from icalcheck import strict_events

TRIP = "umbrella-2019-11-13-studieresa-guldborgsund"
WAIT = 30.0  # start-up and respawn on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` on 127.0.0.1, as README "Deployment" runs it."""

    def __init__(self, events: Path) -> None:
        self.events = events
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        env = {**os.environ, "CALFEED_EVENTS": str(self.events), "CALFEED_BIND": f"127.0.0.1:{self.port}",
               "WEB_CONCURRENCY": "2"}  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return self.process
            try:
                if self.get("/healthz")[0] == 200 and len(self.workers()) == 2:
                    return self.process
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.communicate(timeout=WAIT)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def workers(self) -> list[int]:
        assert self.process is not None
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(
                    self.process.pid
                ):
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
        return found

    def answers(self, count: int = 16) -> list[tuple[str, str]]:
        """``count`` answers in a row: (the version /healthz names, the trip's title in /calendar.ics)."""
        seen = []
        for _ in range(count):
            status, health = self.get("/healthz")
            feed_status, feed = self.get("/calendar.ics")
            assert status == feed_status == 200
            title = next(str(e.summary) for e in strict_events(feed) if e.uid.startswith(TRIP))
            seen.append((json.loads(health)["version"], title))
        return seen


@pytest.fixture
def server(tmp_path):
    events = tmp_path / "events.yaml"
    events.write_bytes(SHIPPED.read_bytes())
    started = Gunicorn(events)
    yield started
    started.stop()


def save(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def retitled(suffix: str) -> str:
    return SHIPPED.read_text(encoding="utf-8").replace("sv: Studieresa till Guldborgsund",
                                                      f"sv: Studieresa till Guldborgsund {suffix}", 1)  # fmt: skip


def broken(text: str) -> str:
    return text.replace("type: training", "type: traning", 1)


def valid_then_bad(server: Gunicorn) -> str:
    """A valid save, then a bad one a second later, with no request in between."""
    version = save(server.events, retitled("(v1)"))
    time.sleep(1.0)
    save(server.events, broken(retitled("(v1)")))
    return version


def test_a_valid_save_then_a_bad_one_a_second_later_is_the_valid_version_in_every_worker(server):
    server.start()
    version = valid_then_bad(server)
    started = time.monotonic()
    seen = server.answers(16)
    assert time.monotonic() - started <= 4.0
    assert seen == [(version, "Studieresa till Guldborgsund (v1)")] * 16
    deadline = time.monotonic() + WAIT  # the bad save is judged once it has been quiet for half a second
    while json.loads(server.get("/healthz")[1])["status"] != "stale":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert server.answers(4) == [(version, "Studieresa till Guldborgsund (v1)")] * 4


def test_a_worker_killed_with_sigkill_comes_back_serving_the_newest_version(server):
    server.start()
    version = valid_then_bad(server)
    time.sleep(0.5)
    before = server.workers()
    os.kill(before[0], signal.SIGKILL)  # its replacement is forked from the master, which holds the old version
    deadline = time.monotonic() + WAIT
    while len(set(server.workers()) - set(before)) < 1:
        assert time.monotonic() < deadline, "gunicorn did not replace the worker"
        time.sleep(0.05)
    assert server.answers(16) == [(version, "Studieresa till Guldborgsund (v1)")] * 16


def test_a_restart_while_the_file_is_bad_serves_the_last_good_version_and_a_fix_reaches_every_worker(server):
    server.start()
    version = valid_then_bad(server)
    time.sleep(0.5)
    server.stop()

    assert server.start().poll() is None, "gunicorn refused to start on a bad file with a good version kept"
    health = json.loads(server.get("/healthz")[1])
    assert health["status"] == "stale" and health["version"] == version
    assert "unknown event type 'traning'" in health["errors"][0]["message"]
    assert server.answers(16) == [(version, "Studieresa till Guldborgsund (v1)")] * 16

    fixed = save(server.events, retitled("(fixed)"))
    saved = time.monotonic()
    while server.answers(16) != [(fixed, "Studieresa till Guldborgsund (fixed)")] * 16:
        assert time.monotonic() - saved <= 5.0, "a worker still served the old version 5 s after the fix"
    assert json.loads(server.get("/healthz")[1])["status"] == "ok"


def test_a_broken_ledger_under_gunicorn_gives_no_error_and_no_lower_sequence(server):
    server.start()
    save(server.events, retitled("(v1)"))
    time.sleep(1.5)
    first = {e.uid: e.sequence for e in strict_events(server.get("/calendar.ics")[1])}
    ledger = server.events.with_name("events.ledger.json")
    ledger.write_bytes(ledger.read_bytes()[:100])  # truncated
    save(server.events, retitled("(v2)"))
    time.sleep(1.5)
    for _ in range(16):
        status, body = server.get("/calendar.ics")
        assert status == 200
        second = {e.uid: e.sequence for e in strict_events(body)}
        assert all(second[uid] >= seq for uid, seq in first.items())
        assert second[f"{TRIP}@calfeed.regionkalmar.se"] == first[f"{TRIP}@calfeed.regionkalmar.se"] + 1
    server.stop()
    ledger.write_bytes(b"{ not json")
    server.start()
    assert {e.uid: e.sequence for e in strict_events(server.get("/calendar.ics")[1])} == second


def test_a_file_that_was_never_valid_is_refused_with_every_problem(server):
    save(server.events, broken(SHIPPED.read_text(encoding="utf-8")).replace("country: DK", "country: XX", 1))
    process = server.start()
    _, stderr = process.communicate(timeout=WAIT)
    assert process.returncode != 0
    text = stderr.decode()
    assert "2 problem(s); not starting" in text
    assert f"{server.events}:" in text and "unknown event type 'traning'" in text and "'XX'" in text
    assert "Traceback" not in text
