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
    assert len(list(tmp_path.glob("*.jsonl"))) == 2
    built = count_builds(monkeypatch)
    memo = Memo(IcsShelf(tmp_path))
    assert (feed(schedule, memo, "en"), feed(schedule, memo)) == (english, swedish)
    assert built == []


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[]", b'{"stamp": "other code"}\n["k", "v"]\n',
                                    b'{"stamp": "STAMP", "pieces": {}}',
                                    b'{"stamp": "STAMP"}\n[1, 2]\n{"a": "b"}\n'])  # fmt: skip
def test_a_damaged_or_foreign_shelf_file_is_ignored_and_written_again(monkeypatch, tmp_path, damage):
    from calfeed.ics_shelf import STAMP

    schedule = generated(6)
    expected = feed(schedule, Memo(IcsShelf(tmp_path)))
    (shelf_file,) = tmp_path.glob("*.jsonl")
    shelf_file.write_bytes(damage.replace(b"STAMP", STAMP.encode()))
    built = count_builds(monkeypatch)
    assert feed(schedule, Memo(IcsShelf(tmp_path))) == expected
    assert len(built) == 6
    assert json.loads(shelf_file.read_bytes().splitlines()[0]) == {"stamp": STAMP}
    built.clear()
    assert feed(schedule, Memo(IcsShelf(tmp_path))) == expected and built == []


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
    assert list((state / "vevents").glob("*.jsonl"))
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
    """The file is written one piece at a time (memory at 10,000 events): a format line, then one
    JSON line per piece, read back as the same text — whatever characters the text has."""
    with tempfile.TemporaryDirectory() as folder:
        shelf = IcsShelf(Path(folder))
        shelf.write("scope", {key: text.encode() for key, text in pieces.items()}, ())
        lines = (Path(folder) / "scope.jsonl").read_bytes().split(b"\n")
        assert lines[-1] == b"" and dict(json.loads(line) for line in lines[1:-1]) == pieces
        assert dict(IcsShelf(Path(folder)).read("scope")) == pieces


def edited(schedule, index: int, title: str):
    event = schedule.events[index]
    changed = replace(event, title=replace(event.title, sv=title))
    return replace(schedule, events=(*schedule.events[:index], changed, *schedule.events[index + 1 :]))


def test_after_an_edit_the_shelf_file_gains_one_line_and_keeps_the_rest(monkeypatch, tmp_path):
    """A one-event edit appends that event's piece; the 11 MB of a language's others stay as written."""
    schedule = generated(20)
    feed(schedule, Memo(IcsShelf(tmp_path)))
    (shelf_file,) = tmp_path.glob("*.jsonl")
    before = shelf_file.read_bytes()
    shelf = IcsShelf(tmp_path)  # one process: it reads the file, then appends to it
    after = edited(schedule, 3, "Ändrad")
    body = feed(after, Memo(shelf))
    grown = shelf_file.read_bytes()
    assert grown.startswith(before) and grown[len(before) :].count(b"\n") == 1
    assert b"\\u00c4ndrad" in grown[len(before) :] or "Ändrad".encode() in grown[len(before) :]
    built = count_builds(monkeypatch)
    again = feed(after, Memo(IcsShelf(tmp_path)))
    assert built == []
    assert again == body == ics.calendar(after.events, context(after), info())


def test_a_shelf_file_is_written_afresh_when_old_pieces_would_be_half_of_it(tmp_path):
    schedule = generated(4)
    shelf = IcsShelf(tmp_path)
    feed(schedule, Memo(shelf))
    (shelf_file,) = tmp_path.glob("*.jsonl")
    sizes = []
    for round_ in range(6):
        schedule = edited(schedule, 0, f"Ändrad {round_}")
        feed(schedule, Memo(shelf))
        sizes.append(len(shelf_file.read_bytes().splitlines()) - 1)
    assert max(sizes) <= 2 * 4 and 4 in sizes[1:]  # appended up to twice the pieces, then written afresh
    assert len(IcsShelf(tmp_path).read(next(iter(tmp_path.glob("*.jsonl"))).stem)) <= 2 * 4


def test_a_file_another_process_wrote_since_it_was_read_is_written_afresh_not_appended_to(tmp_path):
    mine, theirs = IcsShelf(tmp_path), IcsShelf(tmp_path)
    mine.write("scope", {"a": b"A", "b": b"B"}, ())
    assert mine.read("scope") == theirs.read("scope") == {"a": "A", "b": "B"}
    theirs.write("scope", {"a": b"A", "b": b"B", "c": b"C"}, {"c"})  # appended: it saw the file as it is
    mine.write("scope", {"a": b"A", "d": b"D"}, {"d"})  # the file changed since mine read it
    assert IcsShelf(tmp_path).read("scope") == {"a": "A", "d": "D"}
    assert len((tmp_path / "scope.jsonl").read_bytes().splitlines()) == 1 + 2


def test_a_torn_last_line_costs_only_its_own_piece(monkeypatch, tmp_path):
    """An append cut short (a crash) leaves a line that does not parse; the lines after it still do."""
    schedule = generated(5)
    expected = feed(schedule, Memo(IcsShelf(tmp_path)))
    (shelf_file,) = tmp_path.glob("*.jsonl")
    head, *lines = shelf_file.read_bytes().splitlines(keepends=True)
    shelf_file.write_bytes(head + lines[0] + lines[1][:-20] + b"".join(lines[2:]))  # line 2 torn, 3 glued on
    built = count_builds(monkeypatch)
    assert feed(schedule, Memo(IcsShelf(tmp_path))) == expected
    assert len(built) == 2


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
