"""Each event's VEVENT bytes outlive the process (calfeed/ics_shelf.py): a restart, or the next
export, serialises only what changed — and takes nothing from a file it did not write."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from icalcheck import strict_events
from test_icsbytes import context, count_builds, generated, info

from calfeed import ics
from calfeed.ics_shelf import IcsShelf
from calfeed.icsbytes import Memo
from calfeed.web import create_app, warm_up


def feed(schedule, memo: Memo, lang: str = "sv") -> bytes:
    body = ics.calendar(schedule.events, context(schedule, lang), info(), memo.for_version(1))
    memo.shelve()
    return body


def test_a_new_process_takes_every_event_from_the_shelf(monkeypatch, tmp_path):
    schedule = generated(30)
    first = feed(schedule, Memo(IcsShelf(tmp_path)))
    built = count_builds(monkeypatch)
    again = feed(schedule, Memo(IcsShelf(tmp_path)))
    assert built == []
    assert again == first == ics.calendar(schedule.events, context(schedule), info())
    assert len(strict_events(again)) == 30


def test_the_shelf_keys_are_the_same_in_another_process(monkeypatch, tmp_path):
    """str hashes differ between processes: the keys must not depend on them."""
    script = (
        "import sys; sys.path[:0] = [sys.argv[2], sys.argv[3]]\n"
        "from pathlib import Path\n"
        "from test_ics_shelf import feed, generated, IcsShelf, Memo\n"
        "feed(generated(12), Memo(IcsShelf(Path(sys.argv[1]))))\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path), str(ROOT), str(ROOT / "tests")], check=True,
                   env={"PYTHONHASHSEED": "random", "PATH": ""})  # fmt: skip
    schedule = generated(12)
    built = count_builds(monkeypatch)
    body = feed(schedule, Memo(IcsShelf(tmp_path)))
    assert built == []
    assert body == ics.calendar(schedule.events, context(schedule), info())


def test_after_an_edit_only_the_edited_event_is_serialised(monkeypatch, tmp_path):
    schedule = generated(20)
    feed(schedule, Memo(IcsShelf(tmp_path)))
    edited = replace(schedule.events[3], title=replace(schedule.events[3].title, sv="Ändrad"))
    after = replace(schedule, events=(*schedule.events[:3], edited, *schedule.events[4:]))
    built = count_builds(monkeypatch)
    body = feed(after, Memo(IcsShelf(tmp_path)))
    assert built == [edited.id]
    built.clear()
    assert body == ics.calendar(after.events, context(after), info())


def test_each_language_has_its_own_shelf_file(monkeypatch, tmp_path):
    schedule = generated(5)
    swedish, english = feed(schedule, Memo(IcsShelf(tmp_path))), feed(schedule, Memo(IcsShelf(tmp_path)), "en")
    assert len(list(tmp_path.glob("*.json"))) == 2
    built = count_builds(monkeypatch)
    memo = Memo(IcsShelf(tmp_path))
    assert (feed(schedule, memo, "en"), feed(schedule, memo)) == (english, swedish)
    assert built == []


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[]", b'{"stamp": "other code", "pieces": {}}',
                                    b'{"stamp": "STAMP", "pieces": []}'])  # fmt: skip
def test_a_damaged_or_foreign_shelf_file_is_ignored_and_written_again(monkeypatch, tmp_path, damage):
    from calfeed.ics_shelf import STAMP

    schedule = generated(6)
    expected = feed(schedule, Memo(IcsShelf(tmp_path)))
    (shelf_file,) = tmp_path.glob("*.json")
    shelf_file.write_bytes(damage.replace(b"STAMP", STAMP.encode()))
    built = count_builds(monkeypatch)
    assert feed(schedule, Memo(IcsShelf(tmp_path))) == expected
    assert len(built) == 6
    assert json.loads(shelf_file.read_bytes())["stamp"] == STAMP


def test_a_shelf_that_cannot_be_written_costs_nothing_but_time(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    schedule = generated(4)
    assert feed(schedule, Memo(IcsShelf(blocked / "vevents"))) == ics.calendar(schedule.events, context(schedule),
                                                                                info())  # fmt: skip
    assert "cannot keep the serialised events" in caplog.text


def app_on(events: Path, state: Path, **config):
    return create_app({"CALFEED_EVENTS": str(events), "CALFEED_STATE_DIR": str(state), "CALFEED_RELOAD_SECONDS": 0,
                       **config})  # fmt: skip


def test_a_restarted_app_serves_the_feed_without_serialising_an_event(events_file, tmp_path, monkeypatch):
    state = tmp_path / "state"
    url = "/en/calendar.ics?type=training"  # a filtered feed: the all-events one is kept whole (test_kept_feeds.py)
    first = app_on(events_file, state).test_client().get(url).data
    assert list((state / "vevents").glob("*.json"))
    built = count_builds(monkeypatch)
    again = app_on(events_file, state).test_client().get(url).data
    assert built == [] and again == first


def test_warm_up_builds_the_default_feed_before_the_first_request(events_file, tmp_path, monkeypatch):
    app = app_on(events_file, tmp_path / "state", CALFEED_BASE_URL="https://kalender.example.org")
    built = count_builds(monkeypatch)
    warm_up(app)
    assert built  # the events were serialised here, in the master (see gunicorn.conf.py when_ready)
    built.clear()
    response = app.test_client().get("/calendar.ics", base_url="https://kalender.example.org")
    assert response.status_code == 200 and built == []
    assert b"https://kalender.example.org/events/" in response.data


def test_without_a_public_address_warm_up_builds_nothing(events_file, tmp_path, monkeypatch):
    app = app_on(events_file, tmp_path / "state")
    built = count_builds(monkeypatch)
    warm_up(app)
    assert built == []


@given(st.dictionaries(st.text(max_size=10), st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
                       max_size=5))  # fmt: skip
@settings(max_examples=100, derandomize=True, database=None, deadline=None)
def test_a_shelf_file_written_piece_by_piece_reads_back_every_piece(pieces):
    """The file is written one piece at a time (memory at 10,000 events): it is still one JSON
    document of every piece, read back as the same text."""
    with tempfile.TemporaryDirectory() as folder:
        shelf = IcsShelf(Path(folder))
        shelf.write("scope", {key: text.encode() for key, text in pieces.items()})
        assert json.loads((Path(folder) / "scope.json").read_bytes())["pieces"] == pieces
        assert dict(shelf.read("scope")) == pieces


def test_memos_sharing_prints_digest_each_event_once_for_every_language(monkeypatch, tmp_path):
    """An export makes a memo per language; the events' content digests (the slow part of a shelf
    key: a repr of the whole event) are shared, and the pieces are still found on the shelf."""
    schedule = generated(8)
    expected = {lang: feed(schedule, Memo(IcsShelf(tmp_path)), lang) for lang in ("sv", "en")}
    described = []
    monkeypatch.setattr(Memo, "_describe", staticmethod(lambda rest: described.append(rest) or repr(rest)))
    prints: dict = {}
    built = count_builds(monkeypatch)
    assert {lang: feed(schedule, Memo(IcsShelf(tmp_path), prints), lang) for lang in ("sv", "en")} == expected
    assert built == []
    assert len(described) == len(prints) == 8
