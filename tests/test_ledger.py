"""The ledger: SEQUENCE and LAST-MODIFIED rise for the edited event only, survive restarts,
and are the same in every worker. Feeds are read back with the ``ical`` (strict) parser.

The Store reads the clock when it loads a version of the file, so these tests freeze it;
the file's mtime is real, hence frozen times after it (2030), so the store sees a settled file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SHIPPED
from freezegun import freeze_time
from icalcheck import strict_events

from calfeed.ledger import ledger_path, revise
from calfeed.loader import load

TRIP = "umbrella-2019-11-13-studieresa-guldborgsund"
KALMAR = "umbrella-2019-12-05-utbildning-kalmar"
UTC = dt.UTC


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2030, 1, day, hour, 0, tzinfo=UTC)


def revisions(client, url: str = "/calendar.ics") -> dict[str, tuple[int, dt.datetime]]:
    """uid -> (SEQUENCE, LAST-MODIFIED) as the strict parser reads them."""
    return {e.uid.split("@")[0]: (e.sequence, e.last_modified) for e in strict_events(client.get(url).data)}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_editing_one_event_raises_only_its_sequence_and_last_modified_also_after_a_restart(make_app, events_file):
    with freeze_time(at(1)):
        before = revisions(make_app(events_file).test_client())
    assert {seq for seq, _ in before.values()} == {0}
    edit(events_file, "sv: Studieresa till Guldborgsund", "sv: Studieresa till Guldborgsund och Lolland")
    with freeze_time(at(2)):
        client = make_app(events_file).test_client()  # a restart on the same files
        after = revisions(client)
    assert after[TRIP] == (1, at(2))
    assert {k: v for k, v in after.items() if k != TRIP} == {k: v for k, v in before.items() if k != TRIP}
    with freeze_time(at(3)):
        again = make_app(events_file).test_client()  # another restart, nothing edited
        assert revisions(again) == after
        for url in ("/en/calendar.ics", "/projects/umbrella.ics", f"/events/{TRIP}.ics", "/types/study-trip.ics"):
            assert revisions(again, url)[TRIP] == (1, at(2)), url  # the same in every feed


def test_a_running_app_sees_the_edit_without_a_restart(make_app, events_file):
    with freeze_time(at(1)):
        client = make_app(events_file).test_client()
        etag = client.get("/calendar.ics").headers["ETag"]
    edit(events_file, "start: 2019-12-05", "start: 2019-12-06")
    with freeze_time(at(2)):
        response = client.get("/calendar.ics")
        assert response.headers["ETag"] != etag
        assert revisions(client)[KALMAR] == (1, at(2))


def test_cancelling_an_event_raises_its_sequence_and_prefixes_its_summary(make_app, events_file):
    with freeze_time(at(1)):
        make_app(events_file)
    edit(events_file, "    location: kalmar\n    start: 2019-12-05\n",
         "    location: kalmar\n    start: 2019-12-05\n    status: cancelled\n")  # fmt: skip
    with freeze_time(at(2)):
        client = make_app(events_file).test_client()
        (event,) = [e for e in strict_events(client.get("/calendar.ics").data) if e.uid.startswith(KALMAR)]
        (english,) = [e for e in strict_events(client.get("/en/calendar.ics").data) if e.uid.startswith(KALMAR)]
    assert (event.sequence, event.status.value) == (1, "CANCELLED")
    assert event.summary == "INSTÄLLT: Det andra utbildningstillfället (Basic) för projektutveckling"
    assert english.summary == "CANCELLED: Second training session (Basic) in project development"


def test_renaming_a_place_raises_the_sequence_of_its_events(make_app, events_file):
    with freeze_time(at(1)):
        make_app(events_file)
    edit(events_file, "    name: Kalmar\n", "    name: Kalmar, Regionens hus\n")
    with freeze_time(at(2)):
        after = revisions(make_app(events_file).test_client())
    assert after[KALMAR] == (1, at(2))
    assert after[TRIP] == (0, at(1))


def test_giving_a_project_a_contact_raises_the_sequence_of_its_events_only(make_app, events_file):
    text = events_file.read_text(encoding="utf-8")
    other = "\n  - id: no-project\n    title: Utan projekt\n    type: meeting\n    start: 2019-11-20\n"
    events_file.write_text(text + other, encoding="utf-8")
    with freeze_time(at(1)):
        make_app(events_file)
    contact = "    contacts:\n      - name: Anna Andersson\n        email: anna@example.org\n"
    edit(events_file, "    lead: Euroregion Baltic\n", "    lead: Euroregion Baltic\n" + contact)
    with freeze_time(at(2)):
        client = make_app(events_file).test_client()
        after = revisions(client)
    assert {after[e] for e in (TRIP, KALMAR)} == {(1, at(2))}  # ORGANIZER and DESCRIPTION changed
    assert after["no-project"] == (0, at(1))
    (trip,) = strict_events(client.get(f"/events/{TRIP}.ics").data)
    assert trip.organizer.uri == "mailto:anna@example.org"


def test_deleting_an_event_never_moves_the_feeds_last_modified_backwards(make_app, events_file):
    with freeze_time(at(1)):
        make_app(events_file)
    edit(events_file, "sv: Studieresa till Guldborgsund", "sv: Studieresa till Falster")
    with freeze_time(at(2)):
        assert make_app(events_file).test_client().get("/calendar.ics").last_modified == at(2)
    text = events_file.read_text(encoding="utf-8")
    start = text.index(f"  - id: {TRIP}")
    events_file.write_text(text[:start] + text[text.index("  - id: ", start + 1) :], encoding="utf-8")
    with freeze_time(at(3)):
        client = make_app(events_file).test_client()
        response = client.get("/calendar.ics")
    # Without the deletion remembered, the newest remaining change would be day 1.
    assert response.last_modified == at(3)
    assert TRIP not in revisions(client)


def test_an_event_deleted_and_written_back_continues_its_sequence(tmp_path):
    schedule = load(SHIPPED)
    ledger = tmp_path / "events.ledger.json"
    revise(schedule, ledger, at(1))
    without = type(schedule)(schedule.calendar, schedule.projects, schedule.locations,
                             tuple(e for e in schedule.events if e.id != TRIP))  # fmt: skip
    revise(without, ledger, at(2))
    back = revise(schedule, ledger, at(3))
    assert back.of(TRIP).sequence == 1  # subscribers may still hold sequence 0
    assert back.of(TRIP).modified == at(3)
    assert back.of(KALMAR).modified == at(1)


def test_the_same_file_version_gives_the_same_bytes_across_restarts(make_app, events_file):
    with freeze_time(at(1)):
        first = make_app(events_file).test_client().get("/calendar.ics")
    with freeze_time(at(5)):
        second = make_app(events_file).test_client().get("/calendar.ics")
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert {e.dtstamp for e in strict_events(second.data)} == {at(1)}  # DTSTAMP from the ledger, not the clock


def test_an_unchanged_file_leaves_the_ledger_untouched(tmp_path):
    schedule = load(SHIPPED)
    ledger = tmp_path / "events.ledger.json"
    revise(schedule, ledger, at(1))
    written = ledger.read_bytes()
    os.utime(ledger, (0, 0))
    revise(schedule, ledger, at(2))
    assert ledger.read_bytes() == written and ledger.stat().st_mtime == 0


def test_the_ledger_lives_beside_the_events_file():
    assert ledger_path("/srv/calfeed/events.yaml") == Path("/srv/calfeed/events.ledger.json")


WORKER = """
import datetime as dt, json, sys, time
from calfeed.ledger import revise
from calfeed.loader import load
schedule = load(sys.argv[1])
while time.time() < float(sys.argv[3]):  # all workers start together
    pass
now = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=int(sys.argv[4]))
got = revise(schedule, sys.argv[2], now)
print(json.dumps({k: [r.sequence, r.modified.isoformat()] for k, r in got.events.items()}))
"""


def test_workers_loading_the_same_version_at_once_agree_on_every_value(tmp_path):
    """Like gunicorn workers starting together: each loads at its own moment; the lock makes
    the first one's times everyone's."""
    events = tmp_path / "events.yaml"
    events.write_bytes(SHIPPED.read_bytes())
    start = str(__import__("time").time() + 1.5)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(events), str(ledger_path(events)), start, str(n)],
                                stdout=subprocess.PIPE, text=True, cwd=ROOT) for n in range(4)]  # fmt: skip
    results = [json.loads(w.communicate(timeout=60)[0]) for w in workers]
    assert all(w.returncode == 0 for w in workers)
    assert all(result == results[0] for result in results)
    assert len(results[0]) == len(load(SHIPPED).events)
    stored = json.loads(ledger_path(events).read_text(encoding="utf-8"))
    assert {k: [v["sequence"], dt.datetime.fromisoformat(v["modified"].replace("Z", "+00:00")).isoformat()]
            for k, v in stored["events"].items()} == results[0]  # fmt: skip
